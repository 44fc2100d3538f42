using System.Net;
using System.Text.Json;
using OneFlex.Simulator;
using Xunit;

namespace OneFlexTokens.Tests.Simulator;

public sealed class SimulatorApiTests : IAsyncLifetime
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
    public void Origins_are_on_different_hosts_with_os_chosen_ports()
    {
        Assert.Equal("127.0.0.1", _sim.AppUrl.Host);
        Assert.Equal("localhost", _sim.SsoUrl.Host);
        Assert.NotEqual(0, _sim.AppUrl.Port);
        Assert.NotEqual(_sim.AppUrl.Port, _sim.SsoUrl.Port);
        Assert.Equal($"http://127.0.0.1:{_sim.AppUrl.Port}/api/gql", new Uri(_sim.AppUrl, "/api/gql").ToString());
    }

    [Fact]
    public async Task Sso_origin_answers_on_every_loopback_address_a_browser_may_use_for_localhost()
    {
        // A browser resolves localhost to 127.0.0.1 and, on a machine with an IPv6 loopback, to ::1 as well.
        var origins = new List<Uri> { new($"http://127.0.0.1:{_sim.SsoUrl.Port}/") };
        if (HasIPv6Loopback())
        {
            origins.Add(new Uri($"http://[::1]:{_sim.SsoUrl.Port}/"));
        }

        foreach (var origin in origins)
        {
            using var response = await _http.GetAsync(origin);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("OneFlex SSO", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Refresh_grant_returns_a_new_bearer_access_token_for_the_same_user()
    {
        var (access, refresh) = _sim.IssueTokens();
        Assert.Matches("^[0-9a-f]{20}$", refresh);

        using var response = await SimulatorApi.RefreshAsync(_http, _sim, refresh);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bearer", body.RootElement.GetProperty("token_type").GetString());
        var renewed = body.RootElement.GetProperty("access_token").GetString()!;
        Assert.NotEqual(access, renewed);
        var claims = DecodedJwt.Decode(renewed);
        Assert.Equal(_sim.Options.UserEmail, claims.Email);
        Assert.Equal(_sim.UserId, claims.Subject);
        Assert.Equal(1, _sim.RefreshGrantsServed);
        using var me = await SimulatorApi.MeAsync(_http, _sim, renewed);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Refresh_grant_fails_with_401_once_the_sso_sessions_are_ended()
    {
        var (_, refresh) = _sim.IssueTokens();
        using (var before = await SimulatorApi.RefreshAsync(_http, _sim, refresh))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        _sim.EndAllSsoSessions();

        using var after = await SimulatorApi.RefreshAsync(_http, _sim, refresh);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var body = JsonDocument.Parse(await after.Content.ReadAsStringAsync());
        Assert.Equal("invalid_grant", body.RootElement.GetProperty("error").GetString());
        Assert.Equal(0, _sim.LiveSsoSessions);
    }

    [Fact]
    public async Task Refresh_grant_fails_with_401_when_the_session_lifetime_is_over()
    {
        _sim.Options.SsoSessionLifetime = TimeSpan.Zero;
        var (_, refresh) = _sim.IssueTokens();

        using var response = await SimulatorApi.RefreshAsync(_http, _sim, refresh);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Refresh_grant_fails_with_401_for_an_unknown_refresh_token()
    {
        using var response = await SimulatorApi.RefreshAsync(_http, _sim, "0123456789abcdef0123");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("not json", "invalid_request")]
    [InlineData("[]", "invalid_request")]
    [InlineData("""{"grant_type":"refresh_token"}""", "invalid_request")]
    [InlineData("""{"grant_type":"password","refresh_token":"0123456789abcdef0123"}""", "unsupported_grant_type")]
    [InlineData("""{"refresh_token":"0123456789abcdef0123"}""", "unsupported_grant_type")]
    public async Task Refresh_grant_answers_400_to_a_malformed_body(string json, string error)
    {
        using var response = await SimulatorApi.PostJsonAsync(_http, new Uri(_sim.AppUrl, "/api/auth/token"), json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Issued_access_token_carries_the_contract_claims_and_the_configured_lifetime()
    {
        _sim.Options.AccessTokenLifetime = TimeSpan.FromSeconds(90);
        var (access, _) = _sim.IssueTokens();

        var claims = DecodedJwt.Decode(access);
        var header = claims.Header;

        Assert.Equal("HS256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal(TimeSpan.FromSeconds(90), claims.ExpiresAt - claims.IssuedAt);
        Assert.Equal(claims.IssuedAt, claims.NotBefore);
        Assert.InRange(claims.IssuedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(_sim.Options.UserEmail, claims.Email);
        Assert.Equal(OneFlexSimulator.UserIdFor(_sim.Options.UserEmail), claims.Subject);
    }

    [Fact]
    public async Task Gql_me_answers_the_signed_in_user()
    {
        var (access, _) = _sim.IssueTokens();

        using var response = await SimulatorApi.MeAsync(_http, _sim, access);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var me = body.RootElement.GetProperty("data").GetProperty("me");
        Assert.Equal(_sim.UserId, me.GetProperty("id").GetString());
        Assert.Equal("jane.doe@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Jane", me.GetProperty("firstName").GetString());
        Assert.Equal("Doe", me.GetProperty("lastName").GetString());
        Assert.Equal("Jane Doe", me.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task Gql_answers_401_to_an_expired_token()
    {
        var now = DateTimeOffset.UtcNow;
        var expired = _sim.CreateAccessToken(now.AddMinutes(-20), now.AddMinutes(-5));

        using var response = await SimulatorApi.MeAsync(_http, _sim, expired);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Gql_answers_401_to_a_token_not_valid_yet()
    {
        var now = DateTimeOffset.UtcNow;
        var early = _sim.CreateAccessToken(now, now.AddMinutes(15), notBefore: now.AddMinutes(5));

        using var response = await SimulatorApi.MeAsync(_http, _sim, early);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not yet valid", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Gql_answers_401_to_a_badly_signed_token()
    {
        var now = DateTimeOffset.UtcNow;
        var good = _sim.CreateAccessToken(now, now.AddMinutes(15));
        var parts = good.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        var tampered = $"{parts[0]}.{parts[1]}.{new string(signature)}";
        await using var other = await OneFlexSimulator.StartAsync();
        var fromAnotherKey = other.CreateAccessToken(now, now.AddMinutes(15));

        using var tamperedResponse = await SimulatorApi.MeAsync(_http, _sim, tampered);
        using var otherKeyResponse = await SimulatorApi.MeAsync(_http, _sim, fromAnotherKey);
        using var goodResponse = await SimulatorApi.MeAsync(_http, _sim, good);

        Assert.Equal(HttpStatusCode.Unauthorized, tamperedResponse.StatusCode);
        Assert.Contains("signature", await tamperedResponse.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, otherKeyResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, goodResponse.StatusCode);
    }

    private static bool HasIPv6Loopback()
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetworkV6, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    public async Task Gql_answers_401_to_a_malformed_token(string token)
    {
        using var response = await SimulatorApi.MeAsync(_http, _sim, token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Gql_answers_401_without_a_bearer_token()
    {
        using var response = await SimulatorApi.PostJsonAsync(_http, new Uri(_sim.AppUrl, "/api/gql"), SimulatorApi.MeQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}
