using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

public class BrowserLocatorTests
{
    private static HostPlatform Platform(OSKind os, Dictionary<string, string> env, string home = "/home/jane") =>
        new(os, name => env.TryGetValue(name, out var v) ? v : null, home);

    private static BrowserLocator Locator(HostPlatform platform, params string[] installed) =>
        new(platform, path => installed.Contains(path, StringComparer.Ordinal));

    private static readonly Dictionary<string, string> WindowsEnv = new()
    {
        ["ProgramFiles"] = @"C:\Program Files",
        ["ProgramFiles(x86)"] = @"C:\Program Files (x86)",
        ["LOCALAPPDATA"] = @"C:\Users\jane\AppData\Local",
        ["PATH"] = @"C:\Windows\system32;C:\Windows",
    };

    [Fact]
    public void Windows_prefers_Edge_and_launches_it_by_channel()
    {
        var edge = @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe";
        var chrome = @"C:\Program Files\Google\Chrome\Application\chrome.exe";
        var choice = Locator(Platform(OSKind.Windows, WindowsEnv), edge, chrome).Locate();
        Assert.Equal(new BrowserChoice(BrowserKind.Edge, edge, "msedge"), choice);
    }

    [Fact]
    public void Windows_falls_back_to_Chrome_per_user_install()
    {
        var chrome = @"C:\Users\jane\AppData\Local\Google\Chrome\Application\chrome.exe";
        var choice = Locator(Platform(OSKind.Windows, WindowsEnv), chrome).Locate();
        Assert.Equal(new BrowserChoice(BrowserKind.Chrome, chrome, "chrome"), choice);
    }

    [Fact]
    public void Windows_Browser_Chrome_skips_an_installed_Edge()
    {
        var edge = @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe";
        var chrome = @"C:\Program Files\Google\Chrome\Application\chrome.exe";
        Assert.Equal(chrome, Locator(Platform(OSKind.Windows, WindowsEnv), edge, chrome).Locate(BrowserKind.Chrome).ExecutablePath);
    }

    [Fact]
    public void MacOS_finds_app_bundles_Chromium_then_Chrome_then_Edge()
    {
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" };
        var chrome = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
        var edge = "/Users/jane/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge";
        var platform = Platform(OSKind.MacOS, env, "/Users/jane");
        Assert.Equal(new BrowserChoice(BrowserKind.Chrome, chrome, null), Locator(platform, edge, chrome).Locate());
        Assert.Equal(new BrowserChoice(BrowserKind.Edge, edge, null), Locator(platform, edge, chrome).Locate(BrowserKind.Edge));
    }

    [Fact]
    public void Linux_takes_PATH_before_the_usual_install_paths()
    {
        var env = new Dictionary<string, string> { ["PATH"] = "/home/jane/bin:/usr/local/bin:/usr/bin" };
        var platform = Platform(OSKind.Linux, env);
        Assert.Equal("/usr/local/bin/chromium", Locator(platform, "/usr/local/bin/chromium", "/usr/bin/chromium").Locate().ExecutablePath);
        Assert.Equal("/snap/bin/chromium", Locator(platform, "/snap/bin/chromium").Locate().ExecutablePath);
        var chrome = Locator(platform, "/opt/google/chrome/chrome").Locate();
        Assert.Equal(new BrowserChoice(BrowserKind.Chrome, "/opt/google/chrome/chrome", null), chrome);
        Assert.Equal(BrowserKind.Edge, Locator(platform, "/usr/bin/microsoft-edge-stable").Locate().Kind);
    }

    [Fact]
    public void BrowserPath_overrides_the_search_and_must_exist()
    {
        var platform = Platform(OSKind.Linux, new() { ["PATH"] = "/usr/bin" });
        var choice = Locator(platform, "/usr/bin/chromium", "/opt/custom/msedge").Locate(BrowserKind.Auto, "/opt/custom/msedge");
        Assert.Equal(new BrowserChoice(BrowserKind.Edge, "/opt/custom/msedge", null), choice);
        var missing = Assert.Throws<OneFlexException>(() => Locator(platform, "/usr/bin/chromium").Locate(BrowserKind.Auto, "/nope/chrome"));
        Assert.Equal(ErrorIds.BrowserNotFound, missing.ErrorId);
        Assert.Contains("/nope/chrome", missing.Message);
    }

    [Theory]
    [InlineData(nameof(OSKind.Linux), "apt-get install chromium")]
    [InlineData(nameof(OSKind.Windows), "Install Microsoft Edge or Google Chrome")]
    [InlineData(nameof(OSKind.MacOS), "/Applications")]
    public void Nothing_installed_says_what_to_install(string osName, string advice)
    {
        var os = Enum.Parse<OSKind>(osName);
        var failure = Assert.Throws<OneFlexException>(() => Locator(Platform(os, os == OSKind.Windows ? WindowsEnv : new() { ["PATH"] = "/usr/bin" })).Locate());
        Assert.Equal(ErrorIds.BrowserNotFound, failure.ErrorId);
        Assert.Contains(advice, failure.Message);
        Assert.Contains("-BrowserPath", failure.Message);
    }

    [SkippableFact]
    public void This_machine_has_a_browser_the_locator_finds()
    {
        Requirements.RequireUnix();
        var choice = new BrowserLocator(HostPlatform.Current).Locate();
        Assert.True(File.Exists(choice.ExecutablePath));
    }
}
