using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Isolation;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Docker;

/// <summary>What the restart did to one container, or to a requested name that matched none.</summary>
internal enum BotRestartOutcome
{
    /// <summary>It was running (or paused, or restarting): restarted, and it runs again.</summary>
    Restarted,

    /// <summary>It was stopped (exited, created): started, and it runs.</summary>
    Started,

    /// <summary>A requested name or service matched no container, or the container went away during the restart: ContainerNotFound.</summary>
    NotFound,

    /// <summary>The engine refused, the container did not run (healthy) in time, or it exited: <see cref="BotRestartResult.Failure"/> says which.</summary>
    Failed,
}

/// <summary>
/// One container's part of a restart. <see cref="Status"/> when it runs again; otherwise <see cref="Failure"/>, the
/// module error that names it. <see cref="Id"/> is null for a requested name that matched no container.
/// </summary>
internal sealed record BotRestartResult(string Name, string? Id, BotRestartOutcome Outcome, BotContainerStatus? Status = null, OneFlexException? Failure = null);

/// <summary>Which containers to restart on which engine, how long the engine lets each stop, and the whole wait.</summary>
internal sealed record BotRestartRequest(DockerEndpoint Endpoint, BotSelection Selection, TimeSpan StopGracePeriod, TimeSpan Timeout);

/// <summary>
/// The one restart, called by Restart-OneFlexBot and by the scheduled renewal: checks the engine answers, finds the
/// selected containers (ContainerNotFound, thrown, when none matches), gives a NotFound result for each requested name
/// that matches none, asks <c>confirm</c> for each container found, then restarts the running ones and starts the
/// stopped ones in parallel, each until it runs (and is healthy) again. One result per container; one container that
/// fails does not keep the others from their restart.
/// </summary>
internal static class BotRestart
{
    /// <summary>
    /// What one engine request may take beyond the stop grace period: a restart request returns only once the engine has
    /// stopped the container, which can take the whole grace period.
    /// </summary>
    public static readonly TimeSpan RequestMargin = TimeSpan.FromSeconds(60);

    /// <summary>The one timeout rule for a single request to the engine during a restart.</summary>
    public static TimeSpan RequestTimeout(TimeSpan stopGracePeriod) => stopGracePeriod + RequestMargin;

    /// <summary>
    /// Restarts what <paramref name="request"/> selects. Engine failures before any container is touched (unreachable,
    /// permission denied, nothing matches) are thrown as <see cref="OneFlexException"/>; after that every outcome is a
    /// result: NotFound results first (in the order requested), then one per confirmed container (in the order listed).
    /// </summary>
    /// <param name="confirm">Asked once per container found, before any restart; a container it declines gets no result and is left alone. Null: all.</param>
    /// <param name="callbacks">Progress per container (activity "Restarting name"), a verbose line per container that runs again, warnings.</param>
    public static async Task<IReadOnlyList<BotRestartResult>> RunAsync(BotRestartRequest request, Func<BotContainer, bool>? confirm, WorkCallbacks callbacks, CancellationToken cancellation)
    {
        using var service = Engine.Get<IDockerConnector>().Connect(request.Endpoint, RequestTimeout(request.StopGracePeriod));
        await service.PingAsync(cancellation).ConfigureAwait(false);
        var selection = request.Selection;
        if (selection.ProjectDirectory is not null)
        {
            // The engine knows which project it created from that folder: its labels win over a reading of the files.
            selection = selection.WithLabelsOf(await service.ListAsync(cancellation).ConfigureAwait(false));
            callbacks.Verbose?.Invoke(!selection.ProjectFromLabels
                ? $"No container is labelled with {selection.ProjectDirectory}: compose project '{selection.ComposeProject}' from its compose files."
                : $"Compose project '{selection.ComposeProject}' from the labels of the containers created in {selection.ProjectDirectory}.");
        }

        var found = await service.FindAsync(selection, cancellation).ConfigureAwait(false);
        var results = selection.Unmatched(found).Select(missing => NameNotFound(missing, service.Endpoint)).ToList();
        var approved = found.Where(container => confirm?.Invoke(container) ?? true).ToArray();
        if (approved.Length == 0)
        {
            return results;
        }

        // The whole wait starts once every confirmation is in, so a prompt does not eat into it.
        var limits = new RestartLimits(request.StopGracePeriod, request.Timeout);
        results.AddRange(await Task.WhenAll(approved.Select(container => RestartOneAsync(service, container, limits, callbacks, cancellation))).ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// The failure that decides a run that needed every container back (the scheduled renewal): the first NotFound or
    /// Failed result's error, or null when every container runs again.
    /// </summary>
    public static OneFlexException? FirstFailure(IEnumerable<BotRestartResult> results) =>
        results.Select(result => result.Failure).FirstOrDefault(failure => failure is not null);

    private static BotRestartResult NameNotFound(string missing, DockerEndpoint endpoint) =>
        new(missing, null, BotRestartOutcome.NotFound, Failure: new OneFlexException(ErrorIds.ContainerNotFound, ErrorCategory.ObjectNotFound,
            Messages.ContainerNameNotFound(missing, endpoint.Display), missing));

    private static async Task<BotRestartResult> RestartOneAsync(IDockerBotService service, BotContainer container, RestartLimits limits, WorkCallbacks callbacks, CancellationToken cancellation)
    {
        var activity = $"Restarting {DisplayText.Escape(container.Name)}";
        void Report(string text) => callbacks.Progress?.Invoke(new ProgressReport(activity, text));
        void Warn(string text) => callbacks.Warning?.Invoke(text);
        try
        {
            var (status, wasRunning) = await service.RestartAsync(container, limits, Report, Warn, cancellation).ConfigureAwait(false);
            callbacks.Verbose?.Invoke($"{status.Name}: {status.PreviousState} -> {status.State} in {DurationText.Of(status.Duration)}.");
            return new BotRestartResult(status.Name, status.Id, wasRunning ? BotRestartOutcome.Restarted : BotRestartOutcome.Started, status);
        }
        catch (OneFlexException failure)
        {
            // Removed between the listing and its restart: missing, as a name that matched nothing is.
            var outcome = failure.ErrorId == ErrorIds.ContainerNotFound ? BotRestartOutcome.NotFound : BotRestartOutcome.Failed;
            return new BotRestartResult(DisplayText.Escape(container.Name), container.ShortId, outcome, Failure: failure);
        }
        finally
        {
            callbacks.Progress?.Invoke(new ProgressReport(activity, "Done", Completed: true));
        }
    }
}
