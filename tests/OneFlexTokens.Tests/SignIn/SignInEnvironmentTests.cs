using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

public class SignInEnvironmentTests
{
    private static HostPlatform Platform(OSKind os, Dictionary<string, string>? env = null) =>
        new(os, name => env is not null && env.TryGetValue(name, out var v) ? v : null, os == OSKind.Windows ? @"C:\Users\jane" : "/home/jane");

    [Fact]
    public void A_window_on_Linux_needs_X11_or_Wayland()
    {
        var failure = Assert.Throws<OneFlexException>(() => SignInEnvironment.EnsureDisplay(Platform(OSKind.Linux), headless: false));
        Assert.Equal(ErrorIds.NoDisplay, failure.ErrorId);
        Assert.Contains("-Headless", failure.Message);
        Assert.Contains("xvfb-run", failure.Message);
        SignInEnvironment.EnsureDisplay(Platform(OSKind.Linux), headless: true);
        SignInEnvironment.EnsureDisplay(Platform(OSKind.Linux, new() { ["DISPLAY"] = ":0" }), headless: false);
        SignInEnvironment.EnsureDisplay(Platform(OSKind.Linux, new() { ["WAYLAND_DISPLAY"] = "wayland-0" }), headless: false);
        SignInEnvironment.EnsureDisplay(Platform(OSKind.Windows), headless: false);
        SignInEnvironment.EnsureDisplay(Platform(OSKind.MacOS), headless: false);
    }

    [Fact]
    public void Default_profile_is_a_per_user_data_folder()
    {
        Assert.Equal("/home/jane/.local/share/OneFlexTokens/browser-profile", SignInEnvironment.DefaultProfilePath(Platform(OSKind.Linux)));
        Assert.Equal(@"C:\Users\jane\AppData\Local\OneFlexTokens\browser-profile",
            SignInEnvironment.DefaultProfilePath(Platform(OSKind.Windows, new() { ["LOCALAPPDATA"] = @"C:\Users\jane\AppData\Local" })));
        Assert.Equal("/home/jane/Library/Application Support/OneFlexTokens/browser-profile", SignInEnvironment.DefaultProfilePath(Platform(OSKind.MacOS)));
    }

    [Fact]
    public void Sandbox_is_off_only_for_root_on_Linux_and_launch_arguments_keep_the_browser_quiet()
    {
        Assert.False(BrowserSignIn.UseSandbox(Platform(OSKind.Linux), isRoot: true));
        Assert.True(BrowserSignIn.UseSandbox(Platform(OSKind.Linux), isRoot: false));
        Assert.True(BrowserSignIn.UseSandbox(Platform(OSKind.Windows), isRoot: false));
        Assert.True(BrowserSignIn.UseSandbox(Platform(OSKind.MacOS), isRoot: true));
        Assert.Contains("--disable-gpu", BrowserSignIn.LaunchArguments(Platform(OSKind.Linux)));
        Assert.DoesNotContain("--disable-gpu", BrowserSignIn.LaunchArguments(Platform(OSKind.Windows)));
        Assert.Contains("--no-first-run", BrowserSignIn.LaunchArguments(Platform(OSKind.MacOS)));
    }
}
