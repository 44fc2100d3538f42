using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Isolation;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>What a remote sign-in tells the human once it listens: the link (its secret is for them alone) and where it listens.</summary>
internal sealed record RemoteSignInAnnouncement(SignInLink Link, string Listening)
{
    /// <summary>The QR code of the link as terminal lines; none when the link is too long for a QR code.</summary>
    public IReadOnlyList<string> QrLines(bool colours) =>
        QrCode.TryEncode(Link.Link) is { } code ? QrText.Lines(code, colours) : Array.Empty<string>();

    /// <summary>Never the secret.</summary>
    public override string ToString() => $"{Link.PublicUrl.AbsoluteUri} (listening on {Listening}, link valid until {Link.ExpiresAt:u})";
}

/// <summary>How a remote sign-in talks back, beyond <see cref="WorkCallbacks"/>.</summary>
internal sealed record RemoteSignInCallbacks : WorkCallbacks
{
    /// <summary>The link is ready (the listener listens): show it, or send it in the alert. Awaited before anything waits on the phone.</summary>
    public Func<RemoteSignInAnnouncement, CancellationToken, Task>? Announce { get; init; }

    /// <summary>
    /// The tokens are taken and the browser closed: do what follows (save, restart) and return the line the phone shows last.
    /// Null: the phone is told the token's expiry only.
    /// </summary>
    public Func<SignInTokens, CancellationToken, Task<string>>? Completed { get; init; }
}

/// <summary>
/// One sign-in done by a human on another device: the listener (<see cref="ViewerServer"/>) with its one-time link, and
/// the engine's headless browser streamed to it (<see cref="SignInRequest.Remote"/>). The browser starts at once when
/// someone is at the terminal (the first frame is then there as soon as the link opens), or only when the link is
/// opened when a scheduled run waits for hours (no browser runs while it waits). Ends with the tokens, or with the
/// link's or session's end, Ctrl+C, or the browser's failure; the listener and the browser are gone when it returns.
/// </summary>
internal sealed class RemoteSignInFlow
{
    private static readonly TimeSpan ProgressTick = TimeSpan.FromSeconds(1);

    /// <summary>A scheduled run may wait hours for the link: it wakes rarely, to stay at ~0 % CPU.</summary>
    private static readonly TimeSpan WaitingTick = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a browser started when the page was fetched waits for the claim: a person's phone claims the link within
    /// seconds of loading the page; a chat app's link preview never does, and its browser stops.
    /// </summary>
    public static readonly TimeSpan EarlyStartGrace = TimeSpan.FromSeconds(60);

    private readonly HostPlatform _platform;
    private readonly RemoteSignInSettings _settings;
    private readonly bool _browserAtOnce;
    private readonly RemoteSignInCallbacks _callbacks;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _earlyStartGrace;

    public RemoteSignInFlow(HostPlatform platform, RemoteSignInSettings settings, bool browserAtOnce, RemoteSignInCallbacks callbacks, TimeProvider? clock = null, TimeSpan? earlyStartGrace = null)
    {
        _platform = platform;
        _settings = settings;
        _browserAtOnce = browserAtOnce;
        _callbacks = callbacks;
        _clock = clock ?? TimeProvider.System;
        _earlyStartGrace = earlyStartGrace ?? EarlyStartGrace;
    }

    public const string Activity = "Signing in to OneFlex from a phone";

    /// <summary>The <see cref="RemoteSignInRunner"/> of this flow, for <see cref="TokenRequest.Remote"/>.</summary>
    public RemoteSignInRunner Runner => RunAsync;

    private async Task<SignInTokens> RunAsync(SignInRequest request, Action<SignInProgress>? progress, Action<SignInTokens> onTokens, CancellationToken cancellationToken)
    {
        await using var server = ViewerServer.Start(_settings, _clock, _callbacks.Verbose, _callbacks.Warning);
        var announcement = new RemoteSignInAnnouncement(server.Link, server.ListenDisplay);
        _callbacks.Verbose?.Invoke($"Remote sign-in listening on {server.ListenDisplay}; the phone opens {UrlPolicy.Display(server.Link.PublicUrl)}.");
        var browser = new BrowserRun((timeout, ct) => StartBrowser(request, server, onTokens, timeout, ct), cancellationToken);
        try
        {
            if (_callbacks.Announce is { } announce)
            {
                await announce(announcement, cancellationToken).ConfigureAwait(false);
            }

            if (_browserAtOnce)
            {
                browser.Start(server.Link.ExpiresAt - _clock.GetUtcNow() + SignInLink.SessionCap);
            }

            await WaitForPhoneAsync(server, browser, announcement, cancellationToken).ConfigureAwait(false);
            _callbacks.Verbose?.Invoke("The link was opened: the phone owns the sign-in.");
            if (browser.Task is null)
            {
                browser.Start(SignInLink.SessionCap);
            }

            var tokens = await WaitForTokensAsync(server, browser.Task!, progress, cancellationToken).ConfigureAwait(false);
            string closing;
            try
            {
                closing = _callbacks.Completed is { } completed
                    ? await completed(tokens, cancellationToken).ConfigureAwait(false)
                    : Messages.RemoteSignInTokensTaken(JwtReader.TryRead(tokens.AccessToken)?.ExpiresAt);
            }
            catch (OneFlexException failure)
            {
                // The human did their part: the phone says what failed after it, by id (the message may name paths).
                server.Finish(Messages.RemoteSignInCompletionFailed(failure.ErrorId));
                throw;
            }

            server.Finish(closing);
            return tokens;
        }
        finally
        {
            // Whatever ended the wait, the browser is closed (its own finally) before the listener goes.
            await browser.StopAsync().ConfigureAwait(false);
            _callbacks.Progress?.Invoke(new ProgressReport(Activity, "Ended", Completed: true));
        }
    }

    private Task<SignInTokens> StartBrowser(SignInRequest request, ViewerServer server, Action<SignInTokens> onTokens, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var remote = request with { Headless = true, Remote = server, Timeout = timeout };
        return Task.Run(
            () => Engine.Get<IBrowserSignIn>().SignInAsync(_platform, remote, _callbacks.Verbose, null, onTokens, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Until the phone claims the link; the link's end, a lock, Ctrl+C or a browser that failed before end it. A browser
    /// not yet running starts when the page is fetched, while the phone loads it, and stops again if no claim follows.
    /// </summary>
    private async Task WaitForPhoneAsync(ViewerServer server, BrowserRun browser, RemoteSignInAnnouncement announcement, CancellationToken cancellationToken)
    {
        DateTimeOffset? claimBy = null;
        while (!server.Claimed.IsCompleted)
        {
            if (browser.Task is null)
            {
                // A scheduled run may wait for hours: give back what the work before left, at the start (the headless
                // attempt's) and on each tick (the runtime's tiering of that work, a browser stopped after a link preview).
                ProcessMemory.ReleaseBeforeLongWait(_platform);
            }

            var left = announcement.Link.ExpiresAt - _clock.GetUtcNow();
            _callbacks.Progress?.Invoke(new ProgressReport(
                Activity,
                Messages.RemoteSignInWaitingStatus(announcement.Link.Link),
                Messages.RemoteSignInWaitingOperation(announcement.Link.ExpiresAt),
                (int)Math.Max(0, Math.Ceiling(left.TotalSeconds))));
            var ended = browser.Task is not { } running
                ? await Task.WhenAny(server.Claimed, server.PageServed, Task.Delay(WaitingTick, _clock, cancellationToken)).ConfigureAwait(false)
                : await Task.WhenAny(server.Claimed, running, Task.Delay(ProgressTick, _clock, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (server.Claimed.IsCompleted)
            {
                break;
            }

            if (browser.Task is null && server.PageServed.IsCompleted)
            {
                _callbacks.Verbose?.Invoke("The sign-in page was fetched: starting the browser while the phone loads it.");
                browser.Start(SignInLink.SessionCap);
                claimBy = _clock.GetUtcNow() + _earlyStartGrace;
            }
            else if (ended == browser.Task)
            {
                // The browser cannot fail silently while the phone has not come: its failure is the outcome.
                await browser.Task.ConfigureAwait(false);
            }
            else if (claimBy is { } deadline && _clock.GetUtcNow() >= deadline)
            {
                await browser.StopAsync().ConfigureAwait(false);
                _callbacks.Verbose?.Invoke($"No phone claimed the link within {_earlyStartGrace.TotalSeconds:0} s of the page's fetch (a link preview?): the browser was stopped until the link is opened.");
                claimBy = null;
                server.RearmPageServed();
            }
        }

        await server.Claimed.ConfigureAwait(false);
    }

    private async Task<SignInTokens> WaitForTokensAsync(ViewerServer server, Task<SignInTokens> browser, Action<SignInProgress>? progress, CancellationToken cancellationToken)
    {
        var endsAt = server.Link.SessionEndsAt ?? _clock.GetUtcNow() + SignInLink.SessionCap;
        while (!browser.IsCompleted)
        {
            var left = endsAt - _clock.GetUtcNow();
            progress?.Invoke(new SignInProgress(left < TimeSpan.Zero ? TimeSpan.Zero : left, SignInLink.SessionCap, Messages.RemoteSignInOnPhoneStatus));
            var ended = await Task.WhenAny(browser, server.SessionOver, Task.Delay(ProgressTick, _clock, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (ended == server.SessionOver)
            {
                await server.SessionOver.ConfigureAwait(false);
            }
        }

        return await browser.ConfigureAwait(false);
    }

    /// <summary>The flow's browser: started at once, when the page is fetched, or at the claim; stopped early when no phone came.</summary>
    private sealed class BrowserRun(Func<TimeSpan, CancellationToken, Task<SignInTokens>> start, CancellationToken flowEnds)
    {
        private CancellationTokenSource? _run;

        public Task<SignInTokens>? Task { get; private set; }

        public void Start(TimeSpan timeout)
        {
            _run = CancellationTokenSource.CreateLinkedTokenSource(flowEnds);
            Task = start(timeout, _run.Token);
        }

        /// <summary>Stops it and waits until it has closed; its outcome no longer counts.</summary>
        public async Task StopAsync()
        {
            if (_run is null || Task is null)
            {
                return;
            }

            await _run.CancelAsync().ConfigureAwait(false);
            await System.Threading.Tasks.Task.WhenAny(Task).ConfigureAwait(false);
            _run.Dispose();
            _run = null;
            Task = null;
        }
    }
}
