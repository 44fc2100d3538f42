using System.Management.Automation;
using System.Net;
using OneFlexTokens.Common;

namespace OneFlexTokens.SignIn;

/// <summary>Where to sign in and whether a window can open there: the checks that come before any browser starts.</summary>
public static class SignInEnvironment
{
    public const string DefaultBaseUrl = "https://oneflex.myworldline.com";
    public const string BaseUrlVariable = "ONEFLEX_BASE_URL";

    /// <summary>-BaseUrl, else ONEFLEX_BASE_URL, else the Worldline tenant; https only, except loopback.</summary>
    public static Uri ResolveBaseUrl(string? parameter, HostPlatform platform)
    {
        var text = parameter is { Length: > 0 } ? parameter : platform.Env(BaseUrlVariable) ?? DefaultBaseUrl;
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            throw new OneFlexException(ErrorIds.InvalidBaseUrl, ErrorCategory.InvalidArgument, Messages.InvalidBaseUrl(text), text);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new OneFlexException(ErrorIds.InsecureBaseUrl, ErrorCategory.SecurityError, Messages.InsecureBaseUrl(text), text);
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>On Linux a window needs X11 or Wayland; Windows and macOS always have a desktop when a user runs this.</summary>
    public static void EnsureDisplay(HostPlatform platform, bool headless)
    {
        if (headless || platform.OS != OSKind.Linux)
        {
            return;
        }

        if (platform.Env("DISPLAY") is null && platform.Env("WAYLAND_DISPLAY") is null)
        {
            throw new OneFlexException(ErrorIds.NoDisplay, ErrorCategory.ResourceUnavailable, Messages.NoDisplay);
        }
    }

    /// <summary>The per-user profile folder, kept between runs so a later -Headless run reuses the SSO session.</summary>
    public static string DefaultProfilePath(HostPlatform platform) =>
        platform.JoinPath(platform.UserDataDirectory, "OneFlexTokens", "browser-profile");
}
