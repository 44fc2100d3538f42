using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Docker;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Secrets;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Renewal;

/// <summary>
/// The scheduled renewal, decided in one place (Invoke-OneFlexRenewal and Scripts/Update-OneFlexBot.ps1 only call it).
/// One run: takes the state folder's lock (<see cref="LockFile"/>, waiting up to the lock timeout for another run);
/// reads the token in config/.env and, when it has more than the minimum validity left (and no restart is pending),
/// ends there: nothing due, one log line, no browser, Docker or HTTP code loaded. Otherwise gets new tokens the way
/// Get-OneFlexToken does (<see cref="TokenAcquisition"/>: the refresh grant, then a headless browser unless NoBrowser),
/// checks them, saves .env and config/.env (<see cref="EnvFileWriter"/>), restarts the bot (<see cref="BotRestart"/>)
/// and says in the log what it did. Any failure becomes a result with its error id and exit code (2 when only a human
/// can help: <see cref="NeedsSignIn"/>), never an exception; it alerts once per problem and once when it works again.
/// </summary>
internal sealed class BotRenewal
{
    public static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RestartWaitTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan AlertTimeout = TimeSpan.FromSeconds(30);
    public const int AlertRetries = 3;
    public const string Activity = "Renewing the OneFlex bot's tokens";

    private readonly HostPlatform _platform;

    public BotRenewal(HostPlatform platform) => _platform = platform;

    /// <summary>The failures only a human can end: the SSO session behind the tokens is gone (exit 2).</summary>
    public static bool NeedsSignIn(string errorId) =>
        errorId is ErrorIds.InteractiveLoginRequired or ErrorIds.RefreshTokenRejected or ErrorIds.NoDisplay
            or ErrorIds.RemoteSignInExpired or ErrorIds.RemoteSessionTimeout or ErrorIds.RemoteSignInLocked;

    /// <summary>One run; only Ctrl+C (<paramref name="cancellationToken"/>) ends it with an exception.</summary>
    /// <remarks>
    /// A run that finds nothing due and has no recovery to announce ends without an await (<see cref="Start"/>, then
    /// <see cref="Run.Finish"/>): what only a renewal or an alert needs is not even JIT-compiled, which keeps the scheduled
    /// script's nothing-due run close to a bare pwsh start.
    /// </remarks>
    public Task<RenewalResult> RunAsync(RenewalOptions options, RenewalCallbacks callbacks, CancellationToken cancellationToken)
    {
        var run = new Run(options, callbacks, () => SignInCommand.For(options, _platform));
        if (RenewalOptions.MissingBotFolder(options.BotFolder) is { } missing)
        {
            // Nothing is created for a folder that is not there (a typo, an unmounted volume): no state, no log.
            return Task.FromResult(run.Result(RenewalOutcome.Failed, missing.Message, missing));
        }

        var started = Start(run, cancellationToken);
        if (started.Result is { Outcome: RenewalOutcome.SignInWaiting } waiting)
        {
            // Its alert went out when it started: no browser, no second alert.
            return Task.FromResult(run.Finish(waiting));
        }

        if (started.Result is { Outcome: RenewalOutcome.NothingDue } nothingDue && LastAlert(run, out _) is null)
        {
            using (started.Lock)
            {
                return Task.FromResult(run.Finish(nothingDue));
            }
        }

        return FinishAsync(run, started, cancellationToken);
    }

    /// <summary>What <see cref="Start"/> found: the lock it holds, and either the run's result (nothing due, or a failure) or what is due.</summary>
    private sealed record Started(IDisposable? Lock, RenewalResult? Result, EnvTokens? Current = null, TokenStatus? Status = null, bool RestartPending = false);

    /// <summary>
    /// The part of every run that never waits on the network: the state folder and the log's folder, the options, the lock,
    /// then the decision (the token in config/.env, an earlier run's pending restart). Never throws but for Ctrl+C.
    /// </summary>
    private static Started Start(Run run, CancellationToken cancellationToken)
    {
        var options = run.Options;
        IDisposable? held = null;
        try
        {
            RenewalState.EnsureFolder(options.StateFolder);
            RenewalState.EnsureFolder(Path.GetDirectoryName(options.LogFile)!);
            if (options.ParameterError is { } invalid)
            {
                throw invalid;
            }

            RenewalParameters.CheckRanges(options);
            RenewalParameters.CheckRemoteSignIn(options);

            // Before the renewal's lock, which the waiting run may hold: a later run must not wait for it.
            if (options.RemoteSignIn is not null && WaitingSignIn.Read(run.State) is { } waiting)
            {
                return new Started(null, run.Result(RenewalOutcome.SignInWaiting, Messages.RenewalSignInWaiting(waiting.Listening, waiting.LinkExpiresAt)));
            }

            held = AcquireLock(run, cancellationToken);
            run.Log.MayRotate = true;
            var current = EnvFileReader.ReadTokens(options.ConfigEnvFile);
            var status = TokenCheck.Decide(current.AccessToken, options.MinimumValidity, DateTimeOffset.UtcNow).Status;
            run.ExpiresAt = status.ExpiresAt;
            var restartPending = run.State.RestartPending;
            return status.IsValid && !restartPending
                ? new Started(held, run.Result(RenewalOutcome.NothingDue, Messages.RenewalNothingDue(status.ExpiresAt, options.MinimumValidity)))
                : new Started(held, null, current, status, restartPending);
        }
        catch (OneFlexException failure)
        {
            return new Started(held, run.Failed(failure));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.TryLog("WARN", "Stopped (Ctrl+C) before the run finished; what it did so far stays.");
            held?.Dispose();
            throw;
        }
        catch (Exception unexpected)
        {
            return new Started(held, run.Failed(Unexpected(options, unexpected)));
        }
    }

    /// <summary>The rest of a run <see cref="Start"/> did not end: the renewal when one is due, the alert, the outcome line.</summary>
    private async Task<RenewalResult> FinishAsync(Run run, Started started, CancellationToken cancellationToken)
    {
        try
        {
            RenewalResult result;
            try
            {
                result = started.Result ?? await RenewAsync(run, started.Current!, started.Status!, started.RestartPending, cancellationToken).ConfigureAwait(false);
            }
            catch (OneFlexException failure)
            {
                result = run.Failed(failure);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                run.TryLog("WARN", "Stopped (Ctrl+C) before the run finished; what it did so far stays.");
                throw;
            }
            catch (Exception unexpected)
            {
                result = run.Failed(Unexpected(run.Options, unexpected));
            }

            if (result.Outcome == RenewalOutcome.SignInRequired && run.Options.RemoteSignIn is { } remote)
            {
                result = await SignInFromPhoneAsync(run, result, remote, started, cancellationToken).ConfigureAwait(false);
            }

            if (LinkEndedUnused(result.ErrorId))
            {
                run.TryInfo($"{result.ErrorId}: no alert; the next run that finds a human is needed sends a new link.");
            }
            else
            {
                await AlertAsync(run, result, link: null, cancellationToken).ConfigureAwait(false);
            }
            return run.Finish(result);
        }
        finally
        {
            started.Lock?.Dispose();
        }
    }

    /// <summary>
    /// The sign-in from a phone, for a run that needs a human and has -RemoteSignIn: the bot folder's one waiting sign-in
    /// (<see cref="WaitingSignIn"/>; when another process already waits, this run ends <see cref="RenewalOutcome.SignInWaiting"/>).
    /// The renewal's lock is released while it waits, so later runs end at once instead of queueing behind a human. The
    /// listener starts, no browser yet (opening the link starts it), and the alert carries the link; once the phone has
    /// signed in, the files are saved and the bot restarted under the lock again, and the phone is told so.
    /// </summary>
    private async Task<RenewalResult> SignInFromPhoneAsync(Run run, RenewalResult needsSignIn, RemoteSignInSettings remote, Started started, CancellationToken cancellationToken)
    {
        started.Lock?.Dispose();
        WaitingSignIn? waiting;
        try
        {
            var now = DateTimeOffset.Now;
            waiting = WaitingSignIn.TryBegin(run.State, new WaitingSignInInfo(now, now + remote.LinkLifetime, remote.ListenAddress, remote.PublicUrl ?? string.Empty, Environment.ProcessId));
        }
        catch (OneFlexException unusable)
        {
            return run.Failed(unusable);
        }

        if (waiting is null)
        {
            return WaitingSignIn.Read(run.State) is { } other
                ? run.Result(RenewalOutcome.SignInWaiting, Messages.RenewalSignInWaiting(other.Listening, other.LinkExpiresAt))
                : needsSignIn;
        }

        using (waiting)
        {
            run.TryInfo($"{needsSignIn.ErrorId}: a human must sign in again; starting the sign-in from a phone.");
            OneFlexToken? token = null;
            var callbacks = new RemoteSignInCallbacks
            {
                Verbose = run.TryInfo,
                Warning = run.Warn,
                Progress = run.Progress,
                Announce = async (announcement, ct) =>
                {
                    waiting.Update(WaitingSignInInfo.Of(announcement.Link, announcement.Listening));
                    run.Callbacks.ShowLink?.Invoke(announcement);
                    await AlertAsync(run, needsSignIn, announcement.Link, ct).ConfigureAwait(false);
                },
                Completed = async (_, ct) =>
                {
                    using (AcquireLock(run, ct))
                    {
                        await SaveAndRestartAsync(run, token!, ct).ConfigureAwait(false);
                    }

                    return Messages.RenewalPhoneSignInDone(token!.ExpiresAt, run.Restarted.Select(c => c.Name));
                },
            };
            try
            {
                var request = new TokenRequest
                {
                    BaseUrl = run.Options.BaseUrl,
                    ProfilePath = run.Options.ProfilePath,
                    Remote = new RemoteSignInFlow(_platform, remote, browserAtOnce: false, callbacks).Runner,
                };
                var signInCallbacks = new SignInCallbacks { Verbose = run.Callbacks.Verbose, Warning = run.Warn, Progress = run.Progress, Token = t => token = t };
                var signedIn = await new TokenAcquisition(_platform).GetAsync(request, signInCallbacks, cancellationToken).ConfigureAwait(false);
                return run.Result(RenewalOutcome.Renewed, Messages.RenewalRenewed(Messages.PhoneSignInSource, signedIn.ExpiresAt, run.Restarted.Select(c => c.Name)));
            }
            catch (OneFlexException failure)
            {
                return run.Failed(failure);
            }
        }
    }

    /// <summary>The end of a waiting sign-in that the next run mends by itself (a new link in a new alert): logged, not alerted.</summary>
    private static bool LinkEndedUnused(string? errorId) => errorId is ErrorIds.RemoteSignInExpired or ErrorIds.RemoteSessionTimeout;

    private static OneFlexException Unexpected(RenewalOptions options, Exception unexpected) =>
        new(ErrorIds.RenewalUnexpectedFailure, ErrorCategory.NotSpecified, Messages.RenewalUnexpectedFailure(SecretScrubber.Scrub(unexpected.Message)), options.BotFolder, unexpected);

    private static IDisposable AcquireLock(Run run, CancellationToken cancellationToken)
    {
        var lockPath = run.State.LockPath;
        try
        {
            run.State.RequireTrusted(lockPath);
            return LockFile.Acquire(lockPath, run.Options.LockTimeout, cancellationToken, onWait: () =>
            {
                run.Info("Another renewal is running; waiting for it.");
                run.Step("Waiting for another renewal to finish");
            });
        }
        catch (LockFileHeldException)
        {
            throw new OneFlexException(ErrorIds.RenewalLockTimeout, ErrorCategory.ResourceBusy,
                Messages.RenewalLockTimeout(run.Options.StateFolder, lockPath, run.Options.LockTimeout), lockPath);
        }
        catch (LockFileRefusedException e)
        {
            throw new OneFlexException(ErrorIds.RenewalStateNotWritable, ErrorCategory.SecurityError,
                Messages.RenewalStateNotWritable(lockPath, $"it is not a regular file ({e.Kind})."), lockPath, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RenewalLog.NotWritable(lockPath, e);
        }
    }

    /// <summary>What <see cref="Start"/> found due: the restart an earlier run could not do, or a renewal.</summary>
    private async Task<RenewalResult> RenewAsync(Run run, EnvTokens current, TokenStatus status, bool restartPending, CancellationToken cancellationToken)
    {
        var options = run.Options;
        if (status.IsValid && restartPending)
        {
            run.Info($"The token in config/.env is valid until {status.ExpiresAt:u}, but an earlier run saved it and could not restart the bot: restarting it now.");
            await RestartBotAsync(run, cancellationToken).ConfigureAwait(false);
            run.State.SetRestartPending(false);
            return run.Result(RenewalOutcome.Renewed, Messages.RenewalRestartedOnly(status.ExpiresAt, run.Restarted.Select(c => c.Name)));
        }

        run.Info($"Renewal due: {status.Reason}.");
        var token = await GetTokenAsync(run, current.RefreshToken, cancellationToken).ConfigureAwait(false);
        await SaveAndRestartAsync(run, token, cancellationToken).ConfigureAwait(false);
        return run.Result(RenewalOutcome.Renewed, Messages.RenewalRenewed(token.Source.ToString(), token.ExpiresAt, run.Restarted.Select(c => c.Name)));
    }

    /// <summary>A new token checked, saved to both files and the bot restarted (a failed restart stays pending for the next run).</summary>
    private async Task SaveAndRestartAsync(Run run, OneFlexToken token, CancellationToken cancellationToken)
    {
        if (TokenCheck.Decide(token, TimeSpan.Zero, DateTimeOffset.UtcNow).Failure(run.Options.BotFolder) is { } unusable)
        {
            throw unusable;
        }

        run.Info($"New token {token.AccessTokenMasked} from {token.Source}, valid until {token.ExpiresAt:u}.");
        run.ExpiresAt = token.ExpiresAt;
        run.Source = token.Source;
        SaveTokens(run, token, cancellationToken);
        run.State.SetRestartPending(true);
        await RestartBotAsync(run, cancellationToken).ConfigureAwait(false);
        run.State.SetRestartPending(false);
    }

    private Task<OneFlexToken> GetTokenAsync(Run run, string? refreshToken, CancellationToken cancellationToken)
    {
        run.Step(run.Options.NoBrowser ? "Getting new tokens (refresh grant)" : "Getting new tokens (refresh grant, then a headless browser)");
        var request = new TokenRequest
        {
            BaseUrl = run.Options.BaseUrl,
            RefreshToken = refreshToken,
            EnvPath = run.Options.ConfigEnvFile,
            NoBrowser = run.Options.NoBrowser,
            Headless = true,
            ProfilePath = run.Options.ProfilePath,
        };
        var callbacks = new SignInCallbacks { Verbose = run.Callbacks.Verbose, Warning = run.Warn, Progress = run.Progress };
        return new TokenAcquisition(_platform).GetAsync(request, callbacks, cancellationToken);
    }

    /// <summary>Both files, .env first (the user's copy), then config/.env (the bot's); the first that fails stops the save.</summary>
    private static void SaveTokens(Run run, OneFlexToken token, CancellationToken cancellationToken)
    {
        run.Step("Saving .env and config/.env");
        var pairs = new List<KeyValuePair<string, string>> { new(EnvKeys.AccessToken, token.AccessToken) };
        if (!string.IsNullOrEmpty(token.RefreshToken))
        {
            pairs.Add(new(EnvKeys.RefreshToken, token.RefreshToken));
        }

        var settings = EnvSettings.Create(pairs);

        var writer = new EnvFileWriter();
        foreach (var path in new[] { run.Options.RootEnvFile, run.Options.ConfigEnvFile })
        {
            var saved = writer.Save(EnvFileAccess.Resolve(path), settings, cancellationToken: cancellationToken,
                onWait: folder => run.Info($"{path}: waiting for another save in {folder} to finish."))!;
            run.Saved.Add(saved);
            run.Info($"Saved {saved}");
        }
    }

    /// <summary>
    /// Restarts (or starts) every selected container, in parallel, through the one restart (<see cref="BotRestart"/>); one
    /// that fails does not keep the others from it. The rule: the bot must run again, so a container that is missing
    /// (ContainerNotFound) or failed fails the run with the first such error (the others are warned), and the restart
    /// stays pending for the next run.
    /// </summary>
    private async Task RestartBotAsync(Run run, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var endpoint = DockerEndpointResolver.Resolve(_platform, options.DockerHost);
        var selection = options.ProjectDirectory is { } folder
            ? BotSelection.ByProjectDirectory(folder, ComposeProject.NameFor(_platform, folder), null)
            : BotSelection.ByName(new[] { options.BotName });
        run.Step($"Restarting {selection}");
        run.Callbacks.Verbose?.Invoke($"Docker engine: {endpoint}, from {endpoint.Source}; selecting {selection}.");
        var callbacks = new WorkCallbacks
        {
            Verbose = run.Callbacks.Verbose,
            Warning = run.Warn,
            // Each container's steps show under the run's own activity, which alone completes.
            Progress = report =>
            {
                if (!report.Completed)
                {
                    run.Step(report.Status);
                }
            },
        };
        var results = await BotRestart.RunAsync(new BotRestartRequest(endpoint, selection, StopGracePeriod, RestartWaitTimeout), confirm: null, callbacks, cancellationToken).ConfigureAwait(false);
        foreach (var restarted in results.Select(result => result.Status).OfType<BotContainerStatus>())
        {
            run.Restarted.Add(restarted);
            run.Info($"Restarted container {restarted.Name}: {restarted.State}.");
        }

        if (BotRestart.FirstFailure(results) is { } firstFailure)
        {
            foreach (var other in results.Select(result => result.Failure).OfType<OneFlexException>().Where(failure => failure != firstFailure))
            {
                run.Warn($"{other.ErrorId}: {other.Message}");
            }

            throw firstFailure;
        }
    }

    /// <summary>
    /// One alert per problem (the same problem on later runs is only logged), and one when it works again. Alerting never
    /// fails the run: whatever goes wrong here is logged (when the log can take it) and said as a warning.
    /// </summary>
    /// <param name="link">The link of a waiting sign-in from a phone, for a sign-in alert: the alert carries it whole, the log only its public address.</param>
    private static async Task AlertAsync(Run run, RenewalResult result, SignInLink? link, CancellationToken cancellationToken)
    {
        try
        {
            var last = LastAlert(run, out var stateUsable);
            if (result.ErrorId is null)
            {
                if (last is not null && await SendAlertAsync(run, new WebhookMessage(NotificationLevel.Success, Messages.RenewalRecoveredTitle, Messages.RenewalRecoveredAlert(last)), stateUsable, cancellationToken).ConfigureAwait(false))
                {
                    run.State.SetLastAlert(null);
                }

                return;
            }

            // A link is news however often the problem was told: each waiting sign-in has its own.
            if (last == result.ErrorId && link is null)
            {
                run.TryInfo($"Already alerted about {last}; no new alert.");
                return;
            }

            var alert = result.Outcome != RenewalOutcome.SignInRequired
                ? new WebhookMessage(NotificationLevel.Error, Messages.RenewalFailedTitle, Messages.RenewalFailedAlert(result.ErrorId, Environment.MachineName, result.Message, result.LogPath))
                : link is null
                    ? new WebhookMessage(NotificationLevel.Error, Messages.RenewalSignInTitle, Messages.RenewalSignInAlert(result.ErrorId, Environment.MachineName, result.LogPath), result.SignInCommand)
                    : new WebhookMessage(NotificationLevel.Error, Messages.RenewalSignInTitle, Messages.RenewalSignInPhoneAlert(result.ErrorId, Environment.MachineName, result.LogPath),
                        result.SignInCommand, new AlertLink(link.Link, link.ExpiresAt));
            if (link is not null)
            {
                run.TryInfo(Messages.RenewalSignInLinkAlerted(link.PublicUrl.AbsoluteUri, link.ExpiresAt));
            }

            if (await SendAlertAsync(run, alert, stateUsable, cancellationToken).ConfigureAwait(false) && stateUsable)
            {
                run.State.SetLastAlert(result.ErrorId);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var id = (e as OneFlexException)?.ErrorId ?? ErrorIds.RenewalUnexpectedFailure;
            run.TryLog("WARN", $"Alerting failed ({id}): {e.Message}");
            run.Callbacks.Warning?.Invoke($"Alerting failed ({id}): {SecretScrubber.Scrub(e.Message)}");
        }
    }

    /// <summary>The problem the last alert was about (null: none, or all is well); <paramref name="stateUsable"/> false when the state folder may not be used.</summary>
    private static string? LastAlert(Run run, out bool stateUsable)
    {
        stateUsable = true;
        try
        {
            return run.State.LastAlert;
        }
        catch (OneFlexException unusable) when (unusable.ErrorId is ErrorIds.StateNotTrusted or ErrorIds.RenewalStateNotWritable)
        {
            // A state folder the run may not use must not silence the alert (a planted link would): without that
            // memory, each such run alerts, and nothing is read from or written to the folder.
            stateUsable = false;
            return null;
        }
    }

    /// <summary>True when the webhook took it; a failure to alert is logged, never the run's failure.</summary>
    /// <param name="stateUsable">False when the state folder fails the trust rule or cannot be used: its saved webhook is not read.</param>
    private static async Task<bool> SendAlertAsync(Run run, WebhookMessage alert, bool stateUsable, CancellationToken cancellationToken)
    {
        try
        {
            // -WebhookUrl, else the one Register-OneFlexRenewal saved in the state folder, else NOTIFICATION_WEBHOOK_URL of config/.env.
            var webhookUrl = run.Options.WebhookUrl ?? (stateUsable ? run.State.Webhook : null);
            Uri webhook;
            try
            {
                // No config/.env is no webhook there either (the run itself says what is wrong with the file).
                var configEnv = webhookUrl is null && File.Exists(run.Options.ConfigEnvFile) ? run.Options.ConfigEnvFile : null;
                webhook = WebhookNotification.ResolveWebhook(webhookUrl, configEnv);
            }
            catch (OneFlexException missing) when (missing.ErrorId == ErrorIds.NotificationWebhookMissing)
            {
                SayWebhookMissing(run, stateUsable);
                return false;
            }

            if (stateUsable && run.State.WebhookMissingSaid)
            {
                // A webhook is given again: the next time none is, the warning says so again.
                run.State.SetWebhookMissingSaid(false);
            }

            await WebhookNotification.SendAsync(webhook, WebhookFormat.Auto, alert, AlertRetries, AlertTimeout, run.Callbacks.Verbose, cancellationToken).ConfigureAwait(false);
            run.TryInfo($"Alert sent: {alert.Title}");
            return true;
        }
        catch (OneFlexException failure)
        {
            run.TryLog("WARN", $"Alert not sent ({failure.ErrorId}): {failure.Message}");
            run.Callbacks.Warning?.Invoke($"Alert not sent ({failure.ErrorId}): {failure.Message}");
            return false;
        }
    }

    /// <summary>
    /// Where a webhook can come from, in the renewal's own parameters, said once per state folder (a warning and a log
    /// line) until a run finds one; later runs only log that it is still missing. A state folder the run may not use
    /// keeps no memory, so there it is said at every run.
    /// </summary>
    private static void SayWebhookMissing(Run run, bool stateUsable)
    {
        const string Id = ErrorIds.NotificationWebhookMissing;
        if (stateUsable && run.State.WebhookMissingSaid)
        {
            run.TryInfo($"Alert not sent ({Id}): {Messages.RenewalWebhookStillMissing}");
            return;
        }

        var statePath = run.Options.StatePath is { } state ? $" -{RenewalParameters.StatePath.Name} {SignInCommand.Quote(state)}" : "";
        var register = $"Register-OneFlexRenewal -{RenewalParameters.BotFolder.Name} {SignInCommand.Quote(run.Options.BotFolder)}{statePath} -{RenewalParameters.WebhookUrl.Name} <url>";
        var text = $"Alert not sent ({Id}): " + Messages.RenewalWebhookMissing(register, RenewalParameters.WebhookUrl.Name, run.Options.ConfigEnvFile,
            Path.Combine(run.Options.StateFolder, RenewalState.WebhookMissingFileName));
        run.TryLog("WARN", text);
        run.Callbacks.Warning?.Invoke(text);
        if (stateUsable)
        {
            try
            {
                run.State.SetWebhookMissingSaid(true);
            }
            catch (OneFlexException)
            {
                // Not remembered: the next run says it again, which is all this costs.
            }
        }
    }

    /// <summary>One run's log, state and what it did so far (a failure still reports the files it saved).</summary>
    private sealed class Run(RenewalOptions options, RenewalCallbacks callbacks, Func<string> signInCommand)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly DateTimeOffset _started = DateTimeOffset.Now;
        private bool _progressShown;

        public RenewalOptions Options { get; } = options;

        public RenewalCallbacks Callbacks { get; } = callbacks;

        public RenewalLog Log { get; } = new(options.LogFile);

        public RenewalState State { get; } = new(options.StateFolder);

        public DateTimeOffset? ExpiresAt { get; set; }

        public TokenSource? Source { get; set; }

        public List<EnvSaveResult> Saved { get; } = new();

        public List<BotContainerStatus> Restarted { get; } = new();

        public void Info(string text)
        {
            Log.Info(text);
            Callbacks.Verbose?.Invoke(text);
        }

        public void Warn(string text)
        {
            Log.Warn(text);
            Callbacks.Warning?.Invoke(text);
        }

        /// <summary><see cref="Info"/> where a log that cannot take the line must not change what happens.</summary>
        public void TryInfo(string text)
        {
            TryLog("INFO", text);
            Callbacks.Verbose?.Invoke(text);
        }

        /// <summary>For lines that must not turn a run's own failure into another one.</summary>
        public void TryLog(string level, string text)
        {
            try
            {
                Log.Write(level, text);
            }
            catch (OneFlexException)
            {
                // The outcome line says the log cannot be written, if it still cannot be.
            }
        }

        /// <summary>Progress for the steps that take time (a nothing-due run shows none).</summary>
        public void Progress(ProgressReport report)
        {
            _progressShown = true;
            Callbacks.Progress?.Invoke(report);
        }

        public void Step(string status)
        {
            _progressShown = true;
            Callbacks.Progress?.Invoke(new ProgressReport(Activity, status));
        }

        public RenewalResult Result(RenewalOutcome outcome, string message, OneFlexException? failure = null) => new()
        {
            Outcome = outcome,
            ErrorId = failure?.ErrorId,
            Message = message,
            ExpiresAt = ExpiresAt,
            Source = Source,
            FilesSaved = Saved.ToArray(),
            ContainersRestarted = Restarted.ToArray(),
            BotFolder = Options.BotFolder,
            LogPath = Options.LogFile,
            SignInCommandSource = signInCommand,
            StartedAt = _started,
            Duration = _clock.Elapsed,
            Failure = failure,
        };

        public RenewalResult Failed(OneFlexException failure)
        {
            var outcome = NeedsSignIn(failure.ErrorId) ? RenewalOutcome.SignInRequired : RenewalOutcome.Failed;
            TryLog("ERROR", $"{failure.ErrorId} (exit {RenewalResult.ExitCodeOf(outcome)}): {failure.Message}");
            return Result(outcome, failure.Message, failure);
        }

        /// <summary>Writes the outcome line; a log that cannot take it makes the run fail (exit 1), so a broken log is noticed.</summary>
        public RenewalResult Finish(RenewalResult result)
        {
            try
            {
                if (result.Outcome == RenewalOutcome.NothingDue)
                {
                    Log.NothingDue(result.ExpiresAt, Options.MinimumValidity);
                }
                else
                {
                    Log.Outcome(result.Outcome, result.ErrorId, result.Message);
                }
            }
            catch (OneFlexException unwritable)
            {
                // A run that already failed on its state folder keeps that cause: the log sits there, so it fails after it.
                if (result.ErrorId is not (ErrorIds.RenewalStateNotWritable or ErrorIds.StateNotTrusted))
                {
                    result = Result(RenewalOutcome.Failed, unwritable.Message, unwritable);
                }
            }

            Callbacks.Verbose?.Invoke(result.ToString());
            if (_progressShown)
            {
                Callbacks.Progress?.Invoke(new ProgressReport(Activity, result.Outcome.ToString(), Completed: true));
            }

            return result;
        }
    }
}
