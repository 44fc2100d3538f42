namespace OneFlexTokens.Common;

/// <summary>User-facing messages, kept together so their wording is consistent and reviewable.</summary>
internal static class Messages
{
    public const string TokenEmpty = "The access token is empty. Pass a token, a OneFlexToken object, or -EnvPath pointing at a .env file that sets ONEFLEX_TOKEN.";
    public const string TokenNotJwt = "The access token is not a JWT (it has no '.' separated segments): it may be the refresh token or an opaque value. Use the access_token cookie value.";
    public const string TokenMalformed = "The access token is not a valid JWT: it must have exactly three '.' separated segments.";
    public const string TokenBadEncoding = "The access token is not a valid JWT: its header or payload is not base64url.";
    public const string TokenBadJson = "The access token is not a valid JWT: its payload is not a JSON object.";
    public const string TokenBadTimeClaim = "The access token is not a valid JWT: a time claim (exp, iat, nbf) is not a number of seconds.";

    // Sign-in
    public static string BrowserPathNotFound(string path) =>
        $"No browser executable at '{path}'. Pass the full path of an installed Chrome, Edge or Chromium to -BrowserPath, or leave it out to use the one found on this machine.";

    public static string BrowserNotFound(OSKind os, SignIn.BrowserKind kind)
    {
        var which = kind == SignIn.BrowserKind.Auto ? "No Chromium, Chrome or Edge browser" : $"No {kind} browser";
        var install = os switch
        {
            OSKind.Windows => "Install Microsoft Edge or Google Chrome",
            OSKind.MacOS => "Install Google Chrome, Microsoft Edge or Chromium into /Applications",
            _ => "Install Chromium (Debian/Ubuntu: 'sudo apt-get install chromium'; Fedora: 'sudo dnf install chromium'), Google Chrome or Microsoft Edge",
        };
        return $"{which} was found on this machine. {install}, or pass the path of an installed one with -BrowserPath. OneFlexTokens never downloads a browser.";
    }

    public const string NoDisplay =
        "There is no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser window can open. Use -Headless to renew from the SSO session kept in the profile, sign in once on a desktop session (or over 'ssh -X'), or run under a virtual display: 'xvfb-run pwsh ...'.";

    public static string InteractiveLoginRequired(string ssoOrigin) =>
        $"The SSO sign-in page ({ssoOrigin}) appeared: the SSO session kept in the browser profile is gone or expired, so a headless renewal cannot finish. Run Get-OneFlexToken once without -Headless (on a desktop session) to sign in again, then scheduled -Headless runs work until that session ends.";

    public static string SignInTimeout(TimeSpan timeout, bool headless) => headless
        ? $"No tokens after {timeout.TotalSeconds:0} seconds of headless sign-in. Check that -BaseUrl is right and that the service answers; run once without -Headless to see what the browser shows, or raise -Timeout."
        : $"The sign-in did not finish within {timeout.TotalSeconds:0} seconds. Run Get-OneFlexToken again and complete the sign-in in the browser window, or raise -Timeout.";

    public const string BrowserClosed =
        "The browser window was closed before the sign-in finished, so there are no tokens. Run Get-OneFlexToken again and leave the window open until it closes by itself.";

    public static string BrowserLaunchFailed(string browser, string reason) =>
        $"The browser '{browser}' did not start: {reason} If another Get-OneFlexToken is running with the same -ProfilePath, wait for it or pass another -ProfilePath; otherwise pick another browser with -Browser or -BrowserPath.";

    public static string SignInPageFailed(string origin, int status) =>
        $"The sign-in page at {origin} answered HTTP {status}. The service or its SSO is failing: try again later, and check -BaseUrl.";

    public static string InvalidBaseUrl(string value) =>
        $"'{value}' is not an absolute http(s) URL. Pass the OneFlex address, e.g. -BaseUrl https://oneflex.myworldline.com (or set ONEFLEX_BASE_URL).";

    public static string InsecureBaseUrl(string value) =>
        $"'{value}' is not https. Tokens are only sent over https (plain http is allowed for loopback addresses only, for local testing). Use the https address of the service.";

    public const string RefreshTokenRejected =
        "The service rejected the refresh token: the SSO session it belongs to has ended (or the token is wrong). Sign in again with the browser: run Get-OneFlexToken without -NoBrowser.";

    public static string RefreshTokenRejectedFallingBack(int status) =>
        $"The service rejected the refresh token (HTTP {status}); signing in with the browser instead.";

    public static string RefreshServiceError(string url, int status, int attempts) =>
        $"The refresh grant at {url} failed with HTTP {status} after {attempts} attempt(s). The service is failing: try again later.";

    public static string RefreshServiceUnreachable(string url, string reason, int attempts) =>
        $"The refresh grant at {url} could not be reached after {attempts} attempt(s): {reason} Check the network, a proxy, and -BaseUrl.";

    public static string RefreshBadResponse(string url) =>
        $"The refresh grant at {url} answered 200 without an access_token. Check -BaseUrl: it must be the OneFlex app address.";

    public const string RefreshTokenMissingInEnvFile =
        "The .env file given with -EnvPath has no ONEFLEX_REFRESH_TOKEN value, and -NoBrowser forbids signing in with the browser. Sign in without -NoBrowser once, or pass -RefreshToken.";
}
