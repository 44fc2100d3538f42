using OneFlexTokens.Platform;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.SignIn;

internal sealed record SignInRequest(OneFlexBaseUrl BaseUrl, BrowserChoice Browser, string ProfilePath, bool Headless, TimeSpan Timeout)
{
    /// <summary>A remote sign-in: the browser runs headless, a human signs in through this viewer (no form guard).</summary>
    public IRemoteViewer? Remote { get; init; }
}

internal sealed record SignInTokens(string AccessToken, string RefreshToken);

/// <summary>
/// A browser sign-in done by a human on another device (RemoteSignIn/ supplies it, above this folder): the tokens of
/// <paramref name="request"/>, handed to <paramref name="onTokens"/> the moment they exist.
/// </summary>
internal delegate Task<SignInTokens> RemoteSignInRunner(SignInRequest request, Action<SignInProgress>? progress, Action<SignInTokens> onTokens, CancellationToken cancellationToken);

/// <summary>Where a sign-in stands, for Write-Progress.</summary>
internal sealed record SignInProgress(TimeSpan Remaining, TimeSpan Timeout, string Status);

/// <summary>The sign-in in a real browser. It drives Playwright, so it lives in the engine: reach it through <see cref="Isolation.Engine.Get{T}"/>.</summary>
internal interface IBrowserSignIn
{
    /// <summary>Runs the sign-in. <paramref name="onTokens"/> gets the tokens the moment they exist, before the browser is closed.</summary>
    Task<SignInTokens> SignInAsync(
        HostPlatform platform,
        SignInRequest request,
        Action<string>? verbose,
        Action<SignInProgress>? progress,
        Action<SignInTokens>? onTokens,
        CancellationToken cancellationToken);
}
