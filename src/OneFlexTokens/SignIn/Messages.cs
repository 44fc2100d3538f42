using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of SignIn/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public static string BrowserPathNotFound(string path) =>
        $"No browser executable at '{path}'. Pass the full path of an installed Chrome, Edge or Chromium to -BrowserPath, or leave it out to use the one found on this machine.";

    /// <param name="browser">The browser asked for (Chrome, Edge...), or null for any.</param>
    public static string BrowserNotFound(OSKind os, string? browser)
    {
        var which = browser is null ? "No Chromium, Chrome or Edge browser" : $"No {browser} browser";
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
        ? $"No tokens after {DurationText.Of(timeout)} of headless sign-in. Check that -BaseUrl is right and that the service answers; run once without -Headless to see what the browser shows, or raise -Timeout."
        : $"The sign-in did not finish within {DurationText.Of(timeout)}. Run Get-OneFlexToken again and complete the sign-in in the browser window, or raise -Timeout.";

    public static string RemoteSignInTimeout(TimeSpan timeout) =>
        $"The sign-in from the phone did not finish within {DurationText.Of(timeout)}. Open a new sign-in link and complete the sign-in on the phone, or raise -Timeout.";

    public static string BrowserCouldNotOpen(string url, string reason) =>
        $"The browser could not open {url}: {reason} Check the network and -BaseUrl.";

    public const string BrowserClosed =
        "The browser window was closed before the sign-in finished, so there are no tokens. Run Get-OneFlexToken again and leave the window open until it closes by itself.";

    public static string BrowserLaunchFailed(string browser, string reason) =>
        $"The browser '{browser}' did not start: {reason} If another Get-OneFlexToken is running with the same -ProfilePath, wait for it or pass another -ProfilePath; otherwise pick another browser with -Browser or -BrowserPath.";

    public static string PlaywrightDriverMissing(string path) =>
        $"The browser driver that ships with OneFlexTokens is incomplete: '{path}' is missing, so no browser can be started. {ReinstallAdvice} If PLAYWRIGHT_DRIVER_SEARCH_PATH is set, it must name a folder that holds .playwright, or be removed.";

    public static string PlaywrightNodePathMissing(string variable, string path) =>
        $"{variable} names '{path}', which does not exist, so the browser driver cannot start. Point it at a Node.js executable, or remove it to use the one that ships with OneFlexTokens.";

    public static string PlaywrightDriverNotCopied(string node, string folder, string reason) =>
        $"The browser driver's Node runtime '{node}' is not executable for this user and may not be changed, and its per-user copy could not be made in '{folder}': {reason} Make that folder writable (or free some space: the copy takes about 130 MB), or have the owner of the module run 'chmod +x {node}'. {ReinstallAdvice}";

    public static string PlaywrightDriverNotExecutable(string node, string copy) =>
        $"The per-user copy '{copy}' of the browser driver's Node runtime cannot be executed (is its folder on a noexec mount?), and the installed '{node}' is not executable for this user. Have the owner of the module run 'chmod +x {node}', or set PLAYWRIGHT_NODEJS_PATH to an executable Node.js. {ReinstallAdvice}";

    public static string PlaywrightDriverFailed(string reason) =>
        $"The browser driver that ships with OneFlexTokens did not start: {reason} {ReinstallAdvice}";

    public static string SignInPageFailed(string origin, int status) =>
        $"The sign-in page at {origin} answered HTTP {status}. The service or its SSO is failing: try again later, and check -BaseUrl.";

    public const string RefreshTokenRejected =
        "The service rejected the refresh token: the SSO session it belongs to has ended (or the token is wrong). Sign in again with the browser: run Get-OneFlexToken without -NoBrowser.";

    public static string RefreshTokenRejectedFallingBack(int status) =>
        $"The service rejected the refresh token (HTTP {status}); signing in with the browser instead.";

    public static string RefreshServiceError(string url, int status, int attempts) =>
        $"The refresh grant at {url} failed with HTTP {status} after {attempts} attempt(s). The service is failing: try again later.";

    public static string RefreshServiceUnreachable(string url, string reason, int attempts) =>
        $"The refresh grant at {url} could not be reached after {attempts} attempt(s): {reason} Check the network, a proxy, and -BaseUrl.";

    public static string RefreshGrantAt(string url) => $"The refresh grant at {url}";

    public static string SignInAt(string origin) => $"The sign-in at {origin}";

    public static string RefreshBadResponse(string url) =>
        $"The refresh grant at {url} answered 200 without a usable access_token. Check -BaseUrl: it must be the OneFlex app address.";

    public static string ProfilePathIsFile(string path) =>
        $"-ProfilePath '{path}' is a file, not a folder. The browser profile is a folder: pass a folder path (it is created, owner-only, if missing), or leave -ProfilePath out for the per-user default.";

    public static string ProfileFolderNotCreated(string path, string reason) =>
        $"The browser profile folder '{path}' could not be created: {reason} Create it yourself, or pass another -ProfilePath.";

    public static string ProfileFolderShared(string path, string mode) =>
        $"The browser profile folder '{path}' can be written by other users (mode {mode}), and it keeps your SSO session. Its mode was left as it is: prefer a folder only you can write, e.g. leave -ProfilePath out for the per-user default.";

    public const string RefreshTokenMissingInEnvFile =
        "The .env file given with -EnvPath has no ONEFLEX_REFRESH_TOKEN value, and -NoBrowser forbids signing in with the browser. Sign in without -NoBrowser once, or pass -RefreshToken.";
}
