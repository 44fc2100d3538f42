using Microsoft.Playwright;

namespace OneFlexTokens.TestSupport;

/// <summary>How the tests, the demo and the benchmarks start a Chromium of their own (a phone, a layout probe, a page under test): headless, quiet, no sandbox (they run as root).</summary>
public static class TestChromium
{
    public static IReadOnlyList<string> Arguments { get; } =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string executablePath) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executablePath, Headless = true, Args = Arguments });
}
