using System.Net;
using Microsoft.Playwright;
using OneFlex.Simulator;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.TestSupport;
using Xunit;

namespace OneFlexTokens.Tests.Simulator;

/// <summary>One headless Chromium shared by the browser tests of this class; each test gets its own context (own cookies).</summary>
public sealed class SimulatorChromiumFixture : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task<IBrowser> BrowserAsync()
    {
        Requirements.Require(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath}.");
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                if (!Directory.Exists(Path.Combine(AppContext.BaseDirectory, ".playwright"))
                    && Environment.GetEnvironmentVariable("PLAYWRIGHT_DRIVER_SEARCH_PATH") is null)
                {
                    Environment.SetEnvironmentVariable("PLAYWRIGHT_DRIVER_SEARCH_PATH", RepoPaths.ModuleDirectory);
                }

                _playwright = await Playwright.CreateAsync();
                _browser = await TestChromium.LaunchAsync(_playwright, ChromiumPath);
            }

            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _gate.Dispose();
    }
}

public sealed class SimulatorBrowserTests(SimulatorChromiumFixture chromium) : IClassFixture<SimulatorChromiumFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private OneFlexSimulator _sim = null!;

    public async Task InitializeAsync() =>
        _sim = await OneFlexSimulator.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(100) });

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [SkippableFact]
    public async Task Auto_sign_in_in_chromium_ends_on_the_app_page_with_both_token_cookies_on_the_app_origin()
    {
        var browser = await chromium.BrowserAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var issued = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.TokenCookiesIssued += at => issued.TrySetResult(at);
        var appHome = new Uri(_sim.AppUrl, "/").ToString();

        await page.GotoAsync(_sim.AppUrl.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var signedInAs = await page.WaitForSelectorAsync("#signed-in-as", new PageWaitForSelectorOptions { Timeout = (float)Bound.TotalMilliseconds });

        Assert.Equal("Signed in as jane.doe@example.com", await signedInAs!.TextContentAsync());
        Assert.Equal(appHome, page.Url);
        Assert.True(issued.Task.IsCompleted);
        Assert.Equal(1, _sim.SignInFormsShown);
        Assert.Equal(1, _sim.SignInsCompleted);

        var appCookies = await context.CookiesAsync([_sim.AppUrl.ToString()]);
        var ssoCookies = await context.CookiesAsync([_sim.SsoUrl.ToString()]);
        Assert.Equal(["access_token", "refresh_token"], appCookies.Select(c => c.Name).Order());
        Assert.All(appCookies, c => Assert.True(c.Domain == "127.0.0.1" && c.HttpOnly && c.Path == "/" && c.SameSite == SameSiteAttribute.Lax));
        var ssoSession = Assert.Single(ssoCookies);
        Assert.Equal("sso_session", ssoSession.Name);
        Assert.Equal("localhost", ssoSession.Domain);
        Assert.True(ssoSession.Expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "stay signed in should give a persistent SSO cookie");

        using var http = SimulatorApi.NewClient();
        using var me = await SimulatorApi.MeAsync(http, _sim, appCookies.Single(c => c.Name == "access_token").Value);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // The SSO session lives on: with the app cookies gone, opening the app signs in silently.
        await context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Domain = "127.0.0.1" });
        await page.GotoAsync(_sim.AppUrl.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("#signed-in-as", new PageWaitForSelectorOptions { Timeout = (float)Bound.TotalMilliseconds });
        Assert.Equal(appHome, page.Url);
        Assert.Equal(1, _sim.SignInFormsShown);
        Assert.Equal(1, _sim.SilentSignIns);
        Assert.Equal(2, _sim.TokenCookiesIssuedAt.Count);
    }

    [SkippableFact]
    public async Task Without_stay_signed_in_the_browser_keeps_a_session_only_sso_cookie_and_decoys_stay_on_the_sso_host()
    {
        _sim.Options.AutoSignInStaySignedIn = false;
        _sim.Options.DecoyCookiesOnSso = true;
        var browser = await chromium.BrowserAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(_sim.AppUrl.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("#signed-in-as", new PageWaitForSelectorOptions { Timeout = (float)Bound.TotalMilliseconds });

        var appCookies = (await context.CookiesAsync([_sim.AppUrl.ToString()])).ToDictionary(c => c.Name, c => c.Value);
        var ssoCookies = (await context.CookiesAsync([_sim.SsoUrl.ToString()])).ToDictionary(c => c.Name);
        Assert.Equal(-1, ssoCookies["sso_session"].Expires);
        Assert.Equal(["access_token", "refresh_token"], appCookies.Keys.Order());
        Assert.NotEqual(appCookies["access_token"], ssoCookies["access_token"].Value);
        Assert.NotEqual(appCookies["refresh_token"], ssoCookies["refresh_token"].Value);
    }

    [SkippableFact]
    public async Task A_sign_in_that_never_completes_keeps_the_browser_on_the_form_without_tokens()
    {
        _sim.Options.SignInNeverCompletes = true;
        _sim.Options.AutoSignInDelay = TimeSpan.FromMilliseconds(20);
        var browser = await chromium.BrowserAsync();
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(_sim.AppUrl.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync("#notice", new PageWaitForSelectorOptions { Timeout = (float)Bound.TotalMilliseconds });

        Assert.True(_sim.SignInFormsShown >= 2);
        Assert.Equal(0, _sim.SignInsCompleted);
        Assert.Empty(_sim.TokenCookiesIssuedAt);
        Assert.Empty(await context.CookiesAsync([_sim.AppUrl.ToString()]));
        Assert.StartsWith(_sim.SsoUrl.ToString() + "login", page.Url);
    }
}
