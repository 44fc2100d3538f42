using System.Globalization;
using System.Management.Automation;
using Docker.DotNet;
using Docker.DotNet.Models;
using Docker.DotNet.X509;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Docker;

/// <summary>The one class that touches Docker.DotNet (through <see cref="IDockerBotService"/>).</summary>
internal sealed class DockerBotService : IDockerBotService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly DockerClient _client;

    public DockerBotService(DockerEndpoint endpoint, TimeSpan requestTimeout)
    {
        Endpoint = endpoint;
        var credentials = endpoint.UseTls ? ClientCertificates(endpoint) : null;
        _client = new DockerClientBuilder()
            .WithEndpoint(endpoint.Uri)
            .WithTimeout(requestTimeout)
            .WithAuthProvider(new LimitedReplies(credentials ?? global::Docker.DotNet.Handler.Abstractions.NoopAuthProvider.Instance))
            .Build();
    }

    public DockerEndpoint Endpoint { get; }

    /// <summary>Fails fast with DockerUnreachable or DockerPermissionDenied before anything else is asked.</summary>
    public async Task PingAsync(CancellationToken cancellation)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bounded.CancelAfter(ConnectTimeout);
        try
        {
            await _client.System.PingAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            throw DockerFailures.Map(e is OperationCanceledException ? new TimeoutException() : e, Endpoint);
        }
    }

    public async Task<IReadOnlyList<BotContainer>> ListAsync(CancellationToken cancellation)
    {
        try
        {
            var listed = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellation).ConfigureAwait(false);
            return listed.Select(ToBotContainer).OrderBy(c => c.Project).ThenBy(c => c.Service).ThenBy(c => c.Name, StringComparer.Ordinal).ToArray();
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            throw DockerFailures.Map(e, Endpoint);
        }
    }

    /// <summary>The selected containers; ContainerNotFound (naming the bot-like containers that exist) when none matches.</summary>
    public async Task<IReadOnlyList<BotContainer>> FindAsync(BotSelection selection, CancellationToken cancellation)
    {
        var all = await ListAsync(cancellation).ConfigureAwait(false);
        var matching = all.Where(selection.Matches).ToArray();
        if (matching.Length == 0)
        {
            throw NotFound(selection, all);
        }

        return matching;
    }

    private OneFlexException NotFound(BotSelection selection, IReadOnlyList<BotContainer> all)
    {
        var botLike = all.Where(LooksLikeTheBot).Select(c => c.Describe()).ToArray();
        var existing = botLike.Length > 0
            ? Messages.BotLikeContainers(string.Join("; ", botLike))
            : Messages.NoBotLikeContainers(all.Count);
        return new OneFlexException(ErrorIds.ContainerNotFound, ErrorCategory.ObjectNotFound,
            Messages.ContainerNotFound(selection.ToString(), Endpoint.Display, existing), selection.ToString());
    }

    /// <summary>
    /// Restarts a running container, starts a stopped one, then waits until it runs (and is healthy), all before
    /// <see cref="RestartLimits.Deadline"/>: past it, ContainerStartTimeout or ContainerUnhealthy.
    /// </summary>
    /// <param name="warn">Gets a warning when the container's own environment holds the tokens: a restart keeps those.</param>
    /// <returns>Its status, and whether it was running (restarted) rather than stopped (started).</returns>
    public async Task<(BotContainerStatus Status, bool WasRunning)> RestartAsync(BotContainer container, RestartLimits limits, Action<string> report, Action<string> warn, CancellationToken cancellation)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bounded.CancelAfter(limits.Remaining);
        try
        {
            var before = await _client.Containers.InspectContainerAsync(container.Id, bounded.Token).ConfigureAwait(false);
            var tokenKeys = TokenKeysIn(before.Config?.Env);
            if (tokenKeys.Count > 0)
            {
                warn(Messages.BotTokensInEnvironment(container.Name, tokenKeys, DisplayText.Escape(Label(before.Config?.Labels, ComposeProject.WorkingDirectoryLabel))));
            }

            var previousState = before.State?.Status ?? container.State;
            var requested = DateTimeOffset.UtcNow;
            var wasRunning = before.State is { Running: true } || previousState is "restarting";
            if (wasRunning)
            {
                report($"Restarting {container.Name}");
                await _client.Containers.RestartContainerAsync(container.Id, new ContainerRestartParameters { WaitBeforeKillSeconds = limits.StopGraceSeconds }, bounded.Token).ConfigureAwait(false);
            }
            else
            {
                report($"Starting {container.Name} ({previousState})");
                await _client.Containers.StartContainerAsync(container.Id, new ContainerStartParameters(), bounded.Token).ConfigureAwait(false);
            }

            var ready = await WaitUntilReadyAsync(container, ParseTime(before.State?.StartedAt), requested, limits, report, cancellation).ConfigureAwait(false);
            // What the engine says is shown as it is, but as text: labels are anyone's strings.
            return (new BotContainerStatus
            {
                Name = DisplayText.Escape(container.Name),
                Id = container.ShortId,
                Project = DisplayText.Escape(container.Project),
                Service = DisplayText.Escape(container.Service),
                PreviousState = DisplayText.Escape(previousState),
                State = DisplayText.Escape(ready.State?.Status ?? "unknown"),
                Health = ready.State?.Health?.Status is { Length: > 0 } health ? DisplayText.Escape(health) : null,
                StartedAt = ParseTime(ready.State?.StartedAt),
                Duration = DateTimeOffset.UtcNow - requested,
                DockerHost = Endpoint.Display,
                TokensInEnvironment = tokenKeys.Count > 0,
            }, wasRunning);
        }
        catch (OperationCanceledException) when (bounded.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            // The deadline passed while the engine was still stopping or starting it: say what state it is in now.
            throw TimedOut(container, await StateNowAsync(container, cancellation).ConfigureAwait(false), limits);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            throw DockerFailures.Map(e, Endpoint, container.Name);
        }
    }

    private async Task<ContainerInspectResponse> WaitUntilReadyAsync(BotContainer container, DateTimeOffset? startedBefore, DateTimeOffset requested, RestartLimits limits, Action<string> report, CancellationToken cancellation)
    {
        while (true)
        {
            var now = await _client.Containers.InspectContainerAsync(container.Id, cancellation).ConfigureAwait(false);
            var state = now.State;
            var startedAt = ParseTime(state?.StartedAt);
            var isNewRun = startedAt is not null && (startedBefore is null || startedAt > startedBefore);
            var health = state?.Health?.Status;
            var hasHealthcheck = !string.IsNullOrEmpty(health) && health != "none";
            if (state is { Running: true, Restarting: false } && isNewRun && (!hasHealthcheck || health == "healthy"))
            {
                return now;
            }

            if (state is { Running: false, Restarting: false } && isNewRun && state.Status is "exited" or "dead")
            {
                throw new OneFlexException(ErrorIds.ContainerExited, ErrorCategory.InvalidResult,
                    Messages.ContainerExited(container.Name, state.ExitCode), container.Name);
            }

            if (limits.Remaining == TimeSpan.Zero)
            {
                throw TimedOut(container, now, limits);
            }

            var waited = DurationText.Of(TimeSpan.FromSeconds(Math.Round((DateTimeOffset.UtcNow - requested).TotalSeconds)));
            report(hasHealthcheck
                ? $"Waiting for {container.Name}: {state?.Status}, health {health} ({waited})"
                : $"Waiting for {container.Name}: {state?.Status} ({waited})");
            await Task.Delay(limits.Remaining < PollInterval ? limits.Remaining : PollInterval, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>ContainerUnhealthy when it runs but its healthcheck has not passed, else ContainerStartTimeout with its state.</summary>
    private static OneFlexException TimedOut(BotContainer container, ContainerInspectResponse? now, RestartLimits limits)
    {
        var state = now?.State;
        var health = state?.Health?.Status;
        if (state is { Running: true } && !string.IsNullOrEmpty(health) && health != "none")
        {
            var lastCheck = state.Health?.Log?.LastOrDefault()?.Output?.Trim();
            var detail = string.IsNullOrEmpty(lastCheck) ? "" : $", last check: {Shorten(lastCheck)}";
            return new OneFlexException(ErrorIds.ContainerUnhealthy, ErrorCategory.OperationTimeout,
                Messages.ContainerUnhealthy(container.Name, limits.Timeout, health, detail), container.Name);
        }

        return new OneFlexException(ErrorIds.ContainerStartTimeout, ErrorCategory.OperationTimeout,
            Messages.ContainerStartTimeout(container.Name, limits.Timeout, state?.Status ?? "unknown"), container.Name);
    }

    /// <summary>The container as the engine sees it now, asked within a few seconds; null when it does not say.</summary>
    private async Task<ContainerInspectResponse?> StateNowAsync(BotContainer container, CancellationToken cancellation)
    {
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        quick.CancelAfter(ConnectTimeout);
        try
        {
            return await _client.Containers.InspectContainerAsync(container.Id, quick.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Which token keys the container's environment sets (names only: the values are never read out).</summary>
    internal static IReadOnlyList<string> TokenKeysIn(IEnumerable<string>? environment) =>
        new[] { EnvFiles.EnvKeys.AccessToken, EnvFiles.EnvKeys.RefreshToken }
            .Where(key => environment?.Any(entry => entry.StartsWith(key + "=", StringComparison.Ordinal)) == true)
            .ToArray();

    private static string? Label(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static bool LooksLikeTheBot(BotContainer container) =>
        new[] { container.Name, container.Project, container.Service }.Any(text =>
            text is not null && (text.Contains("oneflex", StringComparison.OrdinalIgnoreCase) || text.Contains("bot", StringComparison.OrdinalIgnoreCase)));

    private static BotContainer ToBotContainer(ContainerListResponse listed)
    {
        string? Label(string key) => listed.Labels is not null && listed.Labels.TryGetValue(key, out var value) ? value : null;
        var name = listed.Names?.FirstOrDefault()?.TrimStart('/') ?? listed.ID;
        return new BotContainer(listed.ID, name, Label(ComposeProject.ProjectLabel), Label(ComposeProject.ServiceLabel), listed.State ?? "unknown", listed.Status,
            Label(ComposeProject.WorkingDirectoryLabel), Label(ComposeProject.ConfigFilesLabel));
    }

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time
            : null;

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static global::Docker.DotNet.Handler.Abstractions.IAuthProvider? ClientCertificates(DockerEndpoint endpoint)
    {
        var folder = endpoint.CertPath!;
        var files = endpoint.VerifyServer ? new[] { "ca.pem", "cert.pem", "key.pem" } : new[] { "cert.pem", "key.pem" };
        var missing = files.FirstOrDefault(f => !File.Exists(Path.Combine(folder, f)));
        if (missing is not null)
        {
            if (!endpoint.VerifyServer && files.All(f => !File.Exists(Path.Combine(folder, f))))
            {
                return null;
            }

            throw new OneFlexException(ErrorIds.DockerTlsCertificatesMissing, ErrorCategory.ObjectNotFound,
                Messages.DockerTlsCertificatesMissing(endpoint.Display, folder, missing), folder);
        }

        var certificates = DockerTlsCertificates.LoadFromDirectory(folder, loadCertificateAuthority: endpoint.VerifyServer);
        var credentials = certificates.CreateCredentials();
        if (!endpoint.VerifyServer && credentials is CertificateCredentials certificateCredentials)
        {
            // DOCKER_TLS without DOCKER_TLS_VERIFY: encrypted, server not verified, like the docker CLI.
            certificateCredentials.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }

        return credentials;
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Whatever answers at the endpoint, no reply is read past <see cref="ReplyLimits.DockerEngine"/>; TLS is left to the inner provider.</summary>
    private sealed class LimitedReplies : global::Docker.DotNet.Handler.Abstractions.IAuthProvider
    {
        private readonly global::Docker.DotNet.Handler.Abstractions.IAuthProvider _inner;

        public LimitedReplies(global::Docker.DotNet.Handler.Abstractions.IAuthProvider inner) => _inner = inner;

        public bool TlsEnabled => _inner.TlsEnabled;

        public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler) =>
            new LimitedReplyHandler(ReplyLimits.DockerEngine, _inner.ConfigureHandler(handler));
    }
}
