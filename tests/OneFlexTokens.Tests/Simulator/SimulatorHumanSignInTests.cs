using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using OneFlex.Simulator;
using Xunit;

namespace OneFlexTokens.Tests.Simulator;

/// <summary>
/// The simulator's human sign-in (SimulatorOptions.HumanSignIn): three pages that a phone fills in through a remote
/// viewer, played here by a real Chromium emulating a phone (tap, then text as a keyboard inserts it).
/// </summary>
public sealed class SimulatorHumanSignInTests(SimulatorChromiumFixture chromium) : IClassFixture<SimulatorChromiumFixture>, IAsyncLifetime
{
    private const string Password = "Pässwörd-ü€🔑";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly string[] UsernameFields = ["client_id", "redirect_uri", "state"];
    private static readonly string[] FlowField = ["flow"];

    private OneFlexSimulator _sim = null!;

    public async Task InitializeAsync() =>
        _sim = await OneFlexSimulator.StartAsync(new SimulatorOptions { HumanSignIn = true, Password = Password });

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_phone_signs_in_through_the_three_pages_with_a_non_ascii_password(bool popup, bool confirm)
    {
        _sim.Options.HumanSignInPopup = popup;
        _sim.Options.HumanSignInConfirm = confirm;
        var issued = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.TokenCookiesIssued += at => issued.TrySetResult(at);
        await using var context = await PhoneContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(_sim.AppUrl.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await WaitForAsync(page, "#username");
        await AssertFitsAPhoneAsync(page, "#next");
        Assert.Equal(1, _sim.SignInFormsShown);
        await TypeAsync(page, "#username", "Jane.Doe@Example.com");
        await page.Keyboard.PressAsync("Enter");

        await WaitForAsync(page, "#password");
        Assert.Equal("password", await page.GetAttributeAsync("#password", "type"));
        Assert.Null(_sim.CurrentMfaCode);
        await TypeAsync(page, "#password", Password);
        await page.TapAsync("#next");

        var codePage = page;
        if (popup)
        {
            await WaitForAsync(page, "#open-mfa");
            Assert.Equal(0, await page.Locator("#code").CountAsync());
            codePage = await page.RunAndWaitForPopupAsync(() => page.TapAsync("#open-mfa"));
        }

        await WaitForAsync(codePage, "#code");
        Assert.Equal("numeric", await codePage.GetAttributeAsync("#code", "inputmode"));
        var code = _sim.CurrentMfaCode;
        Assert.Matches("^[0-9]{6}$", code);
        var dialogs = AnswerDialogs(codePage, confirm ? [false, true] : []);
        await TypeAsync(codePage, "#code", code!);

        if (confirm)
        {
            // Declined: the code page comes back with a notice, the code still pending and no tokens.
            await codePage.TapAsync("#verify");
            await WaitForAsync(codePage, "#notice");
            Assert.Equal(code, _sim.CurrentMfaCode);
            Assert.Equal(0, _sim.SignInsCompleted);
            Assert.False(issued.Task.IsCompleted);
            await TypeAsync(codePage, "#code", code!);
        }

        var popupClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        codePage.Close += (_, _) => popupClosed.TrySetResult();
        await codePage.TapAsync("#verify");
        if (popup)
        {
            await popupClosed.Task.WaitAsync(Bound);
        }

        var signedInAs = await WaitForAsync(page, "#signed-in-as");
        Assert.Equal("Signed in as jane.doe@example.com", await signedInAs.TextContentAsync());
        string[] expectedDialogs = confirm ? [Pages.StaySignedInQuestion, Pages.StaySignedInQuestion] : [];
        Assert.Equal(expectedDialogs, dialogs);
        Assert.True(issued.Task.IsCompleted);
        Assert.Equal(1, _sim.SignInsCompleted);
        Assert.Equal(1, _sim.SignInFormsShown);
        Assert.Null(_sim.CurrentMfaCode);

        var sso = Assert.Single(await context.CookiesAsync([_sim.SsoUrl.ToString()]));
        Assert.Equal(OneFlexSimulator.SsoSessionCookieName, sso.Name);
        Assert.True(sso.HttpOnly);
        Assert.True(sso.Expires > DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "the human sign-in keeps the SSO session cookie persistent");
        var app = (await context.CookiesAsync([_sim.AppUrl.ToString()])).ToDictionary(c => c.Name, c => c.Value);
        Assert.Equal(["access_token", "refresh_token"], app.Keys.Order());
        using var http = SimulatorApi.NewClient();
        using var me = await SimulatorApi.MeAsync(http, _sim, app["access_token"]);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [SkippableFact]
    public async Task A_wrong_username_password_or_code_shows_its_page_again_with_a_notice()
    {
        await using var context = await PhoneContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_sim.AppUrl.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await WaitForAsync(page, "#username");

        await TypeAsync(page, "#username", "john.smith@example.org");
        await page.TapAsync("#next");
        await WaitForAsync(page, "#notice");
        Assert.Equal(1, await page.Locator("#username").CountAsync());
        Assert.Equal(2, _sim.SignInFormsShown);
        await TypeAsync(page, "#username", "jane.doe@example.com");
        await page.Keyboard.PressAsync("Enter");

        // Same letters without the final emoji, then a different case: both refused.
        foreach (var wrong in new[] { "Pässwörd-ü€", "PÄSSWÖRD-Ü€🔑" })
        {
            await WaitForAsync(page, "#password");
            await TypeAsync(page, "#password", wrong);
            await page.Keyboard.PressAsync("Enter");
            await WaitForAsync(page, "#notice");
            Assert.Equal(1, await page.Locator("#password").CountAsync());
            Assert.Null(_sim.CurrentMfaCode);
        }

        await TypeAsync(page, "#password", Password);
        await page.TapAsync("#next");
        await WaitForAsync(page, "#code");
        var code = _sim.CurrentMfaCode!;
        var wrongCode = ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        await TypeAsync(page, "#code", wrongCode);
        await page.Keyboard.PressAsync("Enter");
        await WaitForAsync(page, "#notice");
        Assert.Equal(1, await page.Locator("#code").CountAsync());
        Assert.Equal(code, _sim.CurrentMfaCode);
        Assert.Equal(0, _sim.SignInsCompleted);
        Assert.Empty(_sim.TokenCookiesIssuedAt);
        Assert.Empty(await context.CookiesAsync([_sim.AppUrl.ToString(), _sim.SsoUrl.ToString()]));

        await TypeAsync(page, "#code", code);
        await page.TapAsync("#verify");
        await WaitForAsync(page, "#signed-in-as");
        Assert.Equal(1, _sim.SignInsCompleted);
        Assert.Single(_sim.TokenCookiesIssuedAt);
    }

    [Fact]
    public async Task The_mfa_code_endpoint_serves_the_pending_code_fresh_per_attempt_and_404_when_none_is_pending()
    {
        _sim.Options.AutoSignIn = true;
        _sim.Options.Password = null;
        using var control = SimulatorApi.NewClient();
        var mfaCodeUrl = new Uri(_sim.SsoUrl, "/__control/mfa-code");
        await AssertNoPendingCodeAsync(control, mfaCodeUrl);

        using var browser = new TwoOriginBrowser(_sim);
        var usernamePage = await browser.NavigateAsync(_sim.AppUrl);
        Assert.Contains("id=\"username\"", usernamePage.Body);
        Assert.DoesNotContain("<script", usernamePage.Body);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width", usernamePage.Body);
        var passwordPage = await browser.PostFormAsync(usernamePage, "/login", UsernameFields, Field("username", "jane.doe@example.com"));
        Assert.Contains("id=\"password\"", passwordPage.Body);
        await AssertNoPendingCodeAsync(control, mfaCodeUrl);

        var emptyPassword = await browser.PostFormAsync(passwordPage, "/login/password", FlowField, Field("password", ""));
        Assert.Contains("id=\"notice\"", emptyPassword.Body);
        var codePage = await browser.PostFormAsync(passwordPage, "/login/password", FlowField, Field("password", "any non-empty password"));
        Assert.Contains("id=\"code\"", codePage.Body);
        var first = await PendingCodeAsync(control, mfaCodeUrl);
        Assert.Matches("^[0-9]{6}$", first);
        Assert.Equal(first, _sim.CurrentMfaCode);

        // A second attempt gets its own code, and the newest pending one is served.
        using var secondBrowser = new TwoOriginBrowser(_sim);
        var second = await secondBrowser.NavigateAsync(_sim.AppUrl);
        second = await secondBrowser.PostFormAsync(second, "/login", UsernameFields, Field("username", "jane.doe@example.com"));
        await secondBrowser.PostFormAsync(second, "/login/password", FlowField, Field("password", "x"));
        var secondCode = await PendingCodeAsync(control, mfaCodeUrl);
        Assert.Equal(secondCode, _sim.CurrentMfaCode);

        // The first attempt's code still belongs to it (the chance that both are equal is one in a million).
        if (first != secondCode)
        {
            var refused = await browser.PostFormAsync(codePage, "/login/mfa", ["flow", "window"], Field("code", secondCode));
            Assert.Contains("id=\"notice\"", refused.Body);
        }

        var landing = await browser.PostFormAsync(codePage, "/login/mfa", ["flow", "window"], Field("code", first));
        Assert.Contains("Signed in as jane.doe@example.com", landing.Body);
        var ssoCookie = Assert.Single(browser.Hops.SelectMany(h => h.SetCookies), c => c.StartsWith("sso_session=", StringComparison.Ordinal));
        Assert.Contains("expires=", ssoCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(secondCode, await PendingCodeAsync(control, mfaCodeUrl));

        // The finished attempt cannot finish twice.
        var replay = await browser.PostFormAsync(codePage, "/login/mfa", ["flow", "window"], Field("code", first));
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal(1, _sim.SignInsCompleted);
    }

    [Fact]
    public async Task Ending_the_sso_sessions_over_the_control_endpoint_makes_the_next_silent_sign_in_and_refresh_fail()
    {
        _sim.Options.Password = null;
        using var browser = new TwoOriginBrowser(_sim);
        var page = await browser.NavigateAsync(_sim.AppUrl);
        page = await browser.PostFormAsync(page, "/login", UsernameFields, Field("username", "jane.doe@example.com"));
        page = await browser.PostFormAsync(page, "/login/password", FlowField, Field("password", Password));
        await browser.PostFormAsync(page, "/login/mfa", ["flow", "window"], Field("code", _sim.CurrentMfaCode!));
        var refreshToken = browser.CookiesOf(_sim.AppUrl)["refresh_token"]!.Value;
        var authorize = new Uri(_sim.SsoUrl, $"/authorize?client_id={OneFlexSimulator.ClientId}&redirect_uri={Uri.EscapeDataString(new Uri(_sim.AppUrl, "/auth/callback").ToString())}&state=s");
        using (var silent = await browser.ClientFor(_sim.SsoUrl).GetAsync(authorize))
        {
            Assert.StartsWith(new Uri(_sim.AppUrl, "/auth/callback").ToString(), silent.Headers.Location!.ToString());
        }

        using var control = SimulatorApi.NewClient();
        using (var ended = await control.PostAsync(new Uri(_sim.SsoUrl, "/__control/end-sso-sessions"), content: null))
        {
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        }

        Assert.Equal(0, _sim.LiveSsoSessions);
        using (var notSilent = await browser.ClientFor(_sim.SsoUrl).GetAsync(authorize))
        {
            Assert.Equal("/login", new Uri(_sim.SsoUrl, notSilent.Headers.Location!).AbsolutePath);
        }

        using var refresh = await SimulatorApi.RefreshAsync(control, _sim, refreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task Control_endpoints_answer_through_sso_faults()
    {
        _sim.Options.SsoFails = true;
        using var control = SimulatorApi.NewClient();

        using var code = await control.GetAsync(new Uri(_sim.SsoUrl, "/__control/mfa-code"));
        using var ended = await control.PostAsync(new Uri(_sim.SsoUrl, "/__control/end-sso-sessions"), content: null);

        Assert.Equal(HttpStatusCode.NotFound, code.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
    }

    private async Task<IBrowserContext> PhoneContextAsync()
    {
        var browser = await chromium.BrowserAsync();
        return await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 400, Height = 800 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
    }

    private static async Task<IElementHandle> WaitForAsync(IPage page, string selector) =>
        (await page.WaitForSelectorAsync(selector, new PageWaitForSelectorOptions { Timeout = (float)Bound.TotalMilliseconds }))!;

    /// <summary>As a phone through the viewer: tap the field, clear it, then the keyboard's text arrives as one insertion.</summary>
    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.TapAsync(selector);
        await page.FillAsync(selector, "");
        await page.Keyboard.InsertTextAsync(text);
        Assert.Equal(text, await page.InputValueAsync(selector));
    }

    /// <summary>Answers each dialog with the next answer (true: accept) and records its message.</summary>
    private static List<string> AnswerDialogs(IPage page, bool[] answers)
    {
        var messages = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            var accept = messages.Count < answers.Length && answers[messages.Count];
            messages.Add(dialog.Message);
            await (accept ? dialog.AcceptAsync() : dialog.DismissAsync());
        };
        return messages;
    }

    /// <summary>Readable at 400 CSS px: no sideways scrolling, and a button a thumb can hit.</summary>
    private static async Task AssertFitsAPhoneAsync(IPage page, string button)
    {
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        var box = (await page.Locator(button).BoundingBoxAsync())!;
        Assert.True(box.Height >= 44 && box.Width >= 200, $"{button} is {box.Width}x{box.Height} CSS px");
    }

    private static KeyValuePair<string, string> Field(string name, string value) => new(name, value);

    private static async Task AssertNoPendingCodeAsync(HttpClient control, Uri url)
    {
        using var response = await control.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> PendingCodeAsync(HttpClient control, Uri url)
    {
        using var response = await control.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("code").GetString()!;
    }
}
