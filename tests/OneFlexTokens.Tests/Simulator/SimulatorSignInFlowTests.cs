using System.Net;
using OneFlex.Simulator;
using Xunit;

namespace OneFlexTokens.Tests.Simulator;

public sealed class SimulatorSignInFlowTests : IAsyncLifetime
{
    private OneFlexSimulator _sim = null!;

    public async Task InitializeAsync() => _sim = await OneFlexSimulator.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Opening_the_app_redirects_to_the_sso_sign_in_form()
    {
        var shown = 0;
        _sim.SignInFormShown += () => Interlocked.Increment(ref shown);
        using var browser = new TwoOriginBrowser(_sim);

        var form = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Equal(1, shown);

        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal(_sim.SsoUrl.Authority, form.Url.Authority);
        Assert.Equal("/login", form.Url.AbsolutePath);
        foreach (var id in new[] { "email", "password", "stay-signed-in", "sign-in" })
        {
            Assert.Contains($"id=\"{id}\"", form.Body);
        }

        var authorize = browser.Hops[1].Url;
        Assert.Equal("/authorize", authorize.AbsolutePath);
        Assert.Contains("client_id=oneflex", authorize.Query);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(new Uri(_sim.AppUrl, "/auth/callback").ToString()), authorize.Query);
        Assert.Contains("state=", authorize.Query);
        Assert.Equal(1, _sim.SignInFormsShown);
        Assert.Equal(0, _sim.SignInsCompleted);
        Assert.DoesNotContain("<script", form.Body);
    }

    [Fact]
    public async Task Sign_in_sets_the_token_cookies_on_the_app_origin_only_and_lands_on_the_app_page()
    {
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);
        var hopsBefore = browser.Hops.Count;

        var landing = await browser.SubmitSignInAsync(form, "", staySignedIn: true);

        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Equal(_sim.AppUrl, new Uri(landing.Url.GetLeftPart(UriPartial.Authority)));
        Assert.Equal("/", landing.Url.AbsolutePath);
        Assert.Contains("Signed in as jane.doe@example.com", landing.Body);

        var app = browser.CookiesOf(_sim.AppUrl);
        var sso = browser.CookiesOf(_sim.SsoUrl);
        Assert.Equal(["access_token", "refresh_token"], app.Select(c => c.Name).Order());
        Assert.Equal(["sso_session"], sso.Select(c => c.Name));
        Assert.All(app, c => Assert.True(c.HttpOnly && c.Path == "/" && !c.Secure && c.Domain == "127.0.0.1"));
        Assert.Matches("^[0-9a-f]{20}$", app["refresh_token"]!.Value);

        var tokenHops = browser.Hops.Skip(hopsBefore).Where(h => h.SetCookies.Any(c => c.StartsWith("access_token=") || c.StartsWith("refresh_token="))).ToList();
        var callback = Assert.Single(tokenHops);
        Assert.Equal("/auth/callback", callback.Url.AbsolutePath);
        Assert.All(callback.SetCookies, c => Assert.Contains("samesite=lax", c, StringComparison.OrdinalIgnoreCase));

        using var http = SimulatorApi.NewClient();
        using var me = await SimulatorApi.MeAsync(http, _sim, app["access_token"]!.Value);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refreshed = await SimulatorApi.RefreshAsync(http, _sim, app["refresh_token"]!.Value);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(1, _sim.SignInsCompleted);
        Assert.Equal(0, _sim.SilentSignIns);
    }

    [Fact]
    public async Task The_email_typed_in_the_form_becomes_the_token_email()
    {
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);

        var landing = await browser.SubmitSignInAsync(form, "john.smith@example.org", staySignedIn: false);

        Assert.Contains("Signed in as john.smith@example.org", landing.Body);
        var claims = DecodedJwt.Decode(browser.CookiesOf(_sim.AppUrl)["access_token"]!.Value);
        Assert.Equal("john.smith@example.org", claims.Email);
        Assert.Equal(OneFlexSimulator.UserIdFor("john.smith@example.org"), claims.Subject);
    }

    [Fact]
    public async Task Stay_signed_in_makes_the_sso_cookie_persistent_until_the_session_ends()
    {
        _sim.Options.SsoSessionLifetime = TimeSpan.FromHours(5);
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);
        var before = DateTimeOffset.UtcNow;

        await browser.SubmitSignInAsync(form, "", staySignedIn: true);

        var setCookie = Assert.Single(browser.Hops.SelectMany(h => h.SetCookies), c => c.StartsWith("sso_session="));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        var expires = DateTimeOffset.Parse(setCookie.Split(';').Single(p => p.Trim().StartsWith("expires=", StringComparison.OrdinalIgnoreCase)).Trim()["expires=".Length..]);
        Assert.InRange(expires, before.AddHours(5).AddSeconds(-2), DateTimeOffset.UtcNow.AddHours(5).AddSeconds(1));
    }

    [Fact]
    public async Task Without_stay_signed_in_the_sso_cookie_is_session_only()
    {
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);

        await browser.SubmitSignInAsync(form, "", staySignedIn: false);

        var setCookie = Assert.Single(browser.Hops.SelectMany(h => h.SetCookies), c => c.StartsWith("sso_session="));
        Assert.DoesNotContain("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("max-age=", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_live_sso_session_signs_in_silently_and_an_ended_one_shows_the_form_again()
    {
        using var browser = new TwoOriginBrowser(_sim);
        await browser.SubmitSignInAsync(await browser.NavigateAsync(_sim.AppUrl), "", staySignedIn: false);
        var firstAccess = browser.CookiesOf(_sim.AppUrl)["access_token"]!.Value;
        foreach (Cookie cookie in browser.CookiesOf(_sim.AppUrl))
        {
            cookie.Expired = true;
        }

        var silent = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Contains("Signed in as", silent.Body);
        Assert.Equal(1, _sim.SilentSignIns);
        Assert.Equal(1, _sim.SignInFormsShown);
        Assert.Equal(1, _sim.SignInsCompleted);
        Assert.NotEqual(firstAccess, browser.CookiesOf(_sim.AppUrl)["access_token"]!.Value);
        Assert.Equal(2, _sim.TokenCookiesIssuedAt.Count);

        _sim.EndAllSsoSessions();
        foreach (Cookie cookie in browser.CookiesOf(_sim.AppUrl))
        {
            cookie.Expired = true;
        }

        var form = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Equal("/login", form.Url.AbsolutePath);
        Assert.Equal(2, _sim.SignInFormsShown);
        Assert.Equal(1, _sim.SilentSignIns);
    }

    [Fact]
    public async Task A_valid_access_token_cookie_opens_the_app_page_without_the_sso()
    {
        using var browser = new TwoOriginBrowser(_sim);
        await browser.SubmitSignInAsync(await browser.NavigateAsync(_sim.AppUrl), "", staySignedIn: false);
        var hopsBefore = browser.Hops.Count;

        var page = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(hopsBefore + 1, browser.Hops.Count);
    }

    [Fact]
    public async Task TokenCookiesIssued_is_raised_before_the_callback_response_arrives()
    {
        var raised = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sim.TokenCookiesIssued += at => raised.TrySetResult(at);
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);
        Assert.False(raised.Task.IsCompleted);
        var start = DateTimeOffset.UtcNow;

        await browser.SubmitSignInAsync(form, "", staySignedIn: false);

        Assert.True(raised.Task.IsCompleted, "TokenCookiesIssued was not raised by the time the browser had the cookies.");
        var at = await raised.Task;
        Assert.InRange(at, start, DateTimeOffset.UtcNow);
        Assert.Equal([at], _sim.TokenCookiesIssuedAt);
    }

    [Fact]
    public async Task A_callback_with_an_unknown_or_used_code_is_refused()
    {
        using var browser = new TwoOriginBrowser(_sim);
        await browser.SubmitSignInAsync(await browser.NavigateAsync(_sim.AppUrl), "", staySignedIn: false);
        var callback = browser.Hops.Single(h => h.Url.AbsolutePath == "/auth/callback").Url;

        var replay = await new TwoOriginBrowser(_sim).NavigateAsync(callback);
        var unknown = await new TwoOriginBrowser(_sim).NavigateAsync(new Uri(_sim.AppUrl, "/auth/callback?code=0000"));

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Empty(replay.SetCookies);
        Assert.Single(_sim.TokenCookiesIssuedAt);
    }

    [Fact]
    public async Task Authorize_refuses_a_foreign_redirect_uri()
    {
        using var browser = new TwoOriginBrowser(_sim);
        var hop = await browser.NavigateAsync(new Uri(_sim.SsoUrl, "/authorize?client_id=oneflex&redirect_uri=http%3A%2F%2Fevil.example%2Fcb&state=x"));
        Assert.Equal(HttpStatusCode.BadRequest, hop.Status);
    }

    [Fact]
    public async Task The_auto_sign_in_page_carries_the_script_with_the_configured_choices()
    {
        _sim.Options.AutoSignIn = true;
        _sim.Options.AutoSignInDelay = TimeSpan.FromMilliseconds(1234);
        _sim.Options.AutoSignInStaySignedIn = false;
        _sim.Options.UserEmail = "auto</script>@example.com";
        using var browser = new TwoOriginBrowser(_sim);

        var form = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Contains("<script>", form.Body);
        Assert.Contains("1234", form.Body);
        Assert.Contains(".checked = false", form.Body);
        Assert.DoesNotContain("auto</script>", form.Body);
        Assert.Equal(1, form.Body.Split("</script>").Length - 1);
    }
}
