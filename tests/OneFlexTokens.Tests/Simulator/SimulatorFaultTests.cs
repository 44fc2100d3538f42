using System.Diagnostics;
using System.Net;
using OneFlex.Simulator;
using Xunit;

namespace OneFlexTokens.Tests.Simulator;

public sealed class SimulatorFaultTests : IAsyncLifetime
{
    private OneFlexSimulator _sim = null!;
    private readonly HttpClient _http = SimulatorApi.NewClient();

    public async Task InitializeAsync() => _sim = await OneFlexSimulator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    [Fact]
    public async Task PageDelay_holds_back_the_pages_of_both_origins()
    {
        _sim.Options.PageDelay = TimeSpan.FromMilliseconds(300);
        using var browser = new TwoOriginBrowser(_sim);

        var appPage = Stopwatch.StartNew();
        using (await browser.ClientFor(_sim.AppUrl).GetAsync(_sim.AppUrl))
        {
            appPage.Stop();
        }

        var ssoPage = Stopwatch.StartNew();
        using (await browser.ClientFor(_sim.SsoUrl).GetAsync(new Uri(_sim.SsoUrl, "/")))
        {
            ssoPage.Stop();
        }

        Assert.True(appPage.Elapsed >= TimeSpan.FromMilliseconds(290), $"app page after {appPage.Elapsed}");
        Assert.True(ssoPage.Elapsed >= TimeSpan.FromMilliseconds(290), $"sso page after {ssoPage.Elapsed}");
    }

    [Fact]
    public async Task A_page_delayed_beyond_the_client_timeout_is_not_answered_in_time_while_the_api_still_is()
    {
        _sim.Options.PageDelay = TimeSpan.FromMinutes(5);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(200) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.GetAsync(_sim.AppUrl));
        var (access, _) = _sim.IssueTokens();
        using var me = await SimulatorApi.MeAsync(_http, _sim, access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task SsoFails_answers_500_on_the_sso_origin_and_leaves_the_app_api_alone()
    {
        _sim.Options.SsoFails = true;
        using var browser = new TwoOriginBrowser(_sim);

        var hop = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Equal(HttpStatusCode.InternalServerError, hop.Status);
        Assert.Equal(_sim.SsoUrl.Authority, hop.Url.Authority);
        Assert.Contains("<html", hop.Body);
        Assert.Equal(0, _sim.SignInFormsShown);
        var (access, refresh) = _sim.IssueTokens();
        using var me = await SimulatorApi.MeAsync(_http, _sim, access);
        using var renewed = await SimulatorApi.RefreshAsync(_http, _sim, refresh);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);

        _sim.Options.SsoFails = false;
        var form = await browser.NavigateAsync(_sim.AppUrl);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal(1, _sim.SignInFormsShown);
    }

    [Fact]
    public async Task ApiFails_answers_500_from_both_api_endpoints_and_leaves_the_pages_alone()
    {
        var (access, refresh) = _sim.IssueTokens();
        _sim.Options.ApiFails = true;

        using var me = await SimulatorApi.MeAsync(_http, _sim, access);
        using var renewed = await SimulatorApi.RefreshAsync(_http, _sim, refresh);
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);

        Assert.Equal(HttpStatusCode.InternalServerError, me.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, renewed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Equal(0, _sim.RefreshGrantsServed);

        _sim.Options.ApiFails = false;
        using var meAgain = await SimulatorApi.MeAsync(_http, _sim, access);
        Assert.Equal(HttpStatusCode.OK, meAgain.StatusCode);
    }

    [Fact]
    public async Task SignInNeverCompletes_shows_the_form_again_and_issues_nothing()
    {
        _sim.Options.SignInNeverCompletes = true;
        using var browser = new TwoOriginBrowser(_sim);
        var form = await browser.NavigateAsync(_sim.AppUrl);

        var again = await browser.SubmitSignInAsync(form, "", staySignedIn: true);
        var yetAgain = await browser.SubmitSignInAsync(again, "", staySignedIn: true);

        Assert.Equal(HttpStatusCode.OK, yetAgain.Status);
        Assert.Equal(_sim.SsoUrl.Authority, yetAgain.Url.Authority);
        Assert.Contains("id=\"sign-in\"", yetAgain.Body);
        Assert.Equal(3, _sim.SignInFormsShown);
        Assert.Equal(0, _sim.SignInsCompleted);
        Assert.Equal(0, _sim.LiveSsoSessions);
        Assert.Empty(_sim.TokenCookiesIssuedAt);
        Assert.Empty(browser.CookiesOf(_sim.AppUrl));
        Assert.Empty(browser.CookiesOf(_sim.SsoUrl));

        _sim.Options.SignInNeverCompletes = false;
        var landing = await browser.SubmitSignInAsync(yetAgain, "", staySignedIn: true);
        Assert.Contains("Signed in as", landing.Body);
    }

    [Fact]
    public async Task DecoyCookiesOnSso_sets_token_cookies_on_the_sso_origin_that_the_app_refuses()
    {
        _sim.Options.DecoyCookiesOnSso = true;
        using var browser = new TwoOriginBrowser(_sim);

        await browser.SubmitSignInAsync(await browser.NavigateAsync(_sim.AppUrl), "", staySignedIn: true);

        var sso = browser.CookiesOf(_sim.SsoUrl);
        var app = browser.CookiesOf(_sim.AppUrl);
        Assert.Equal(["access_token", "refresh_token", "sso_session"], sso.Select(c => c.Name).Order());
        Assert.NotEqual(app["access_token"]!.Value, sso["access_token"]!.Value);
        Assert.NotEqual(app["refresh_token"]!.Value, sso["refresh_token"]!.Value);
        using var decoyMe = await SimulatorApi.MeAsync(_http, _sim, sso["access_token"]!.Value);
        using var decoyRefresh = await SimulatorApi.RefreshAsync(_http, _sim, sso["refresh_token"]!.Value);
        using var realMe = await SimulatorApi.MeAsync(_http, _sim, app["access_token"]!.Value);
        Assert.Equal(HttpStatusCode.Unauthorized, decoyMe.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, decoyRefresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, realMe.StatusCode);
    }
}
