using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Isolation;
using OneFlexTokens.Platform;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.SignIn;

/// <summary>What a caller wants tokens from (Get-OneFlexToken's parameters, paths already full).</summary>
internal sealed record TokenRequest
{
    /// <summary>As given; null for ONEFLEX_BASE_URL, else the Worldline tenant.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Try the refresh grant with this first.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Or with the ONEFLEX_REFRESH_TOKEN of this .env file.</summary>
    public string? EnvPath { get; init; }

    /// <summary>The refresh grant only: never start a browser.</summary>
    public bool NoBrowser { get; init; }

    public bool Headless { get; init; }

    /// <summary>Null for the per-user default profile.</summary>
    public string? ProfilePath { get; init; }

    public BrowserKind Browser { get; init; } = BrowserKind.Auto;

    public string? BrowserPath { get; init; }

    /// <summary>Sign in from another device instead of a window or -Headless (Get-OneFlexToken -RemoteSignIn, a renewal's waiting sign-in).</summary>
    public RemoteSignInRunner? Remote { get; init; }

    /// <summary>Null for the defaults: <see cref="RefreshGrantClient.DefaultTimeout"/>, <see cref="TokenAcquisition.DefaultHeadlessTimeout"/>, <see cref="TokenAcquisition.DefaultInteractiveTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>How a sign-in talks back: <see cref="WorkCallbacks"/>, and the token the moment it exists.</summary>
internal sealed record SignInCallbacks : WorkCallbacks
{
    /// <summary>Gets the token once, the moment it exists: before a browser has closed, so a pipeline need not wait for that.</summary>
    public Action<OneFlexToken>? Token { get; init; }
}

/// <summary>
/// The one place that decides how tokens are got: the refresh grant first when there is a refresh token (no browser),
/// then, when the service refuses it, a browser on the persistent profile (headless or in a window), unless -NoBrowser.
/// It also owns the timeouts (the given one for each step, else each step's default), the progress figures, and the
/// one place a <see cref="OneFlexToken"/> is made from what the service gave.
/// </summary>
internal sealed class TokenAcquisition
{
    public static readonly TimeSpan DefaultInteractiveTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultHeadlessTimeout = TimeSpan.FromSeconds(60);

    private readonly HostPlatform _platform;

    public TokenAcquisition(HostPlatform platform) => _platform = platform;

    /// <summary>The tokens, or a <see cref="OneFlexException"/> with the id that says what failed.</summary>
    public async Task<OneFlexToken> GetAsync(TokenRequest request, SignInCallbacks callbacks, CancellationToken cancellationToken)
    {
        var baseUrl = OneFlexBaseUrl.Resolve(request.BaseUrl, _platform);
        var refreshToken = request.RefreshToken ?? (request.EnvPath is { } envPath ? EnvFileReader.ReadTokens(envPath).RefreshToken : null);
        if (request.Timeout is { } timeout)
        {
            TimeoutRange.Wait.Check("Timeout", timeout);
        }

        if (refreshToken is not null)
        {
            var grant = await new RefreshGrantClient(timeout: request.Timeout ?? RefreshGrantClient.DefaultTimeout)
                .RequestAsync(baseUrl, refreshToken, callbacks.Verbose, cancellationToken).ConfigureAwait(false);
            if (grant.Granted)
            {
                return Deliver(grant.AccessToken!, grant.RefreshToken, baseUrl, TokenSource.Refresh, callbacks);
            }

            if (request.NoBrowser)
            {
                throw new OneFlexException(ErrorIds.RefreshTokenRejected, ErrorCategory.AuthenticationError, Messages.RefreshTokenRejected, baseUrl.Text);
            }

            callbacks.Warning?.Invoke(Messages.RefreshTokenRejectedFallingBack(grant.StatusCode));
        }
        else if (request.NoBrowser)
        {
            throw new OneFlexException(ErrorIds.EnvKeyMissing, ErrorCategory.ObjectNotFound, Messages.RefreshTokenMissingInEnvFile, request.EnvPath);
        }
        else if (request.EnvPath is not null)
        {
            callbacks.Verbose?.Invoke($"'{request.EnvPath}' has no {EnvKeys.RefreshToken}; signing in with the browser.");
        }

        return await SignInWithBrowserAsync(baseUrl, request, callbacks, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long the browser sign-in may take: the given timeout, else a minute headless and five in a window.</summary>
    public static TimeSpan BrowserTimeout(TokenRequest request) =>
        request.Timeout ?? (request.Headless ? DefaultHeadlessTimeout : DefaultInteractiveTimeout);

    /// <summary>The progress figures of a sign-in that has <see cref="SignInProgress.Remaining"/> of its timeout left.</summary>
    public static ProgressReport ProgressOf(string activity, OneFlexBaseUrl baseUrl, SignInProgress progress)
    {
        var seconds = (int)Math.Ceiling(progress.Remaining.TotalSeconds);
        return new ProgressReport(
            activity,
            progress.Status,
            $"{baseUrl.Text} — {seconds} s left",
            seconds,
            (int)Math.Clamp(100 * (1 - (progress.Remaining / progress.Timeout)), 0, 100));
    }

    private async Task<OneFlexToken> SignInWithBrowserAsync(OneFlexBaseUrl baseUrl, TokenRequest request, SignInCallbacks callbacks, CancellationToken cancellationToken)
    {
        var remote = request.Remote;
        SignInEnvironment.EnsureDisplay(_platform, request.Headless || remote is not null);
        var profile = request.ProfilePath ?? SignInEnvironment.DefaultProfilePath(_platform);
        if (new SessionStateStore(profile).CheckProfilePath() is { } sharedFolder)
        {
            callbacks.Warning?.Invoke(sharedFolder);
        }

        var browser = new BrowserLocator(_platform).Locate(request.Browser, request.BrowserPath);
        var signInRequest = new SignInRequest(baseUrl, browser, profile, request.Headless || remote is not null, BrowserTimeout(request));
        var activity = remote is not null ? "Signing in to OneFlex from a phone" : request.Headless ? "Renewing OneFlex tokens (headless)" : "Signing in to OneFlex";
        OneFlexToken? token = null;
        try
        {
            void Report(SignInProgress progress) => callbacks.Progress?.Invoke(ProgressOf(activity, baseUrl, progress));
            void Take(SignInTokens tokens) => token = Deliver(tokens.AccessToken, tokens.RefreshToken, baseUrl, TokenSource.Browser, callbacks);
            var tokens = remote is not null
                ? await remote(signInRequest, Report, Take, cancellationToken).ConfigureAwait(false)
                : await Engine.Get<IBrowserSignIn>().SignInAsync(_platform, signInRequest, callbacks.Verbose, Report, Take, cancellationToken).ConfigureAwait(false);
            return token ?? Deliver(tokens.AccessToken, tokens.RefreshToken, baseUrl, TokenSource.Browser, callbacks);
        }
        finally
        {
            callbacks.Progress?.Invoke(new ProgressReport(activity, token is null ? "Stopped" : "Signed in", Completed: true));
        }
    }

    /// <summary>The one place a token object is made from what the service gave; handed to the caller at once.</summary>
    private static OneFlexToken Deliver(string accessToken, string? refreshToken, OneFlexBaseUrl baseUrl, TokenSource source, SignInCallbacks callbacks)
    {
        var token = new OneFlexToken(accessToken, refreshToken, baseUrl.Text, source);
        callbacks.Token?.Invoke(token);
        return token;
    }
}
