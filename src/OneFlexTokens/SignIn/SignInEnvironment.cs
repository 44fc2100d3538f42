using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.SignIn;

/// <summary>Whether a browser window can open here, and where the profile lives by default.</summary>
internal static class SignInEnvironment
{
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
