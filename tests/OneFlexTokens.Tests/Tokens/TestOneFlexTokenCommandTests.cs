using System.Management.Automation;
using OneFlex.Simulator;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Tokens;

public class TestOneFlexTokenCommandTests : IDisposable
{
    private readonly PowerShellSession _session = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("oneflex-test-").FullName;

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_folder, true);
    }

    [Fact]
    public void Answers_true_or_false_like_Test_Path()
    {
        var valid = TestJwt.Valid();
        var expired = TestJwt.Create(DateTimeOffset.UtcNow.AddMinutes(-1));
        var result = _session.Invoke("Test-OneFlexToken -AccessToken $args[0]; Test-OneFlexToken $args[1]", valid, expired);
        Assert.Empty(result.AllErrors);
        Assert.Equal(new object[] { true, false }, result.Objects);
        SecretAssert.NotLeaked(result, valid, expired);
    }

    [Fact]
    public void PassThru_passes_valid_tokens_on_and_writes_a_specific_error_for_each_bad_one()
    {
        var now = DateTimeOffset.UtcNow;
        var inputs = new (string Token, string? ErrorId)[]
        {
            (TestJwt.Valid(), null),
            ("", "TokenEmpty"),
            ("0123456789abcdef0123", "TokenNotJwt"),
            ("a.b", "TokenMalformed"),
            ("e30.%%%.sig", "TokenBadEncoding"),
            (TestJwt.FromPayload("[]"), "TokenBadJson"),
            (TestJwt.Create(null), "TokenNoExpiry"),
            (TestJwt.Create(now.AddSeconds(-5)), "TokenExpired"),
            (TestJwt.Create(now.AddHours(2), notBefore: now.AddHours(1)), "TokenNotYetValid"),
            (TestJwt.Create(now.AddMinutes(2)), "TokenExpiresTooSoon"),
            (TestJwt.Valid(), null),
        };
        var tokens = inputs.Select(i => new OneFlexToken(i.Token, "0123456789abcdef0123", null, TokenSource.Parameter)).ToArray();

        var result = _session.Invoke("$args[0] | Test-OneFlexToken -PassThru -MinimumValidity '00:05:00'", (object)tokens);

        Assert.Null(result.Terminating);
        Assert.Equal(new[] { tokens[0], tokens[^1] }, result.OutputOf<OneFlexToken>());
        Assert.Equal(
            inputs.Where(i => i.ErrorId is not null).Select(i => i.ErrorId + ",OneFlexTokens.Commands.TestOneFlexTokenCommand"),
            result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.All(result.Errors, e => Assert.IsType<TokenStatus>(e.TargetObject));
        SecretAssert.NotLeaked(result, inputs.Select(i => i.Token).Where(t => t.Length > 3).Append("0123456789abcdef0123").ToArray());
    }

    [Fact]
    public void Detailed_reports_reason_expiry_and_identity()
    {
        var exp = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds());
        var token = TestJwt.Create(exp, subject: "u-7", email: "x@y.z");
        var result = _session.Invoke("Test-OneFlexToken -AccessToken $args[0] -Detailed; Test-OneFlexToken -AccessToken 'a.b' -Detailed", token);
        var statuses = result.OutputOf<TokenStatus>();
        Assert.Equal(2, statuses.Count);
        Assert.True(statuses[0].IsValid);
        Assert.Equal(exp, statuses[0].ExpiresAt);
        Assert.InRange(statuses[0].ExpiresIn!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal("u-7", statuses[0].Subject);
        Assert.Equal("x@y.z", statuses[0].Email);
        Assert.Equal(TokenSource.Parameter, statuses[0].Source);
        Assert.Equal(TokenValidity.Malformed, statuses[1].Reason);
        SecretAssert.NotLeaked(result, token);
    }

    [Fact]
    public void Binds_AccessToken_by_property_name()
    {
        var token = TestJwt.Valid();
        var result = _session.Invoke("[pscustomobject]@{ AccessToken = $args[0] }, [pscustomobject]@{ AccessToken = 'x.y' } | Test-OneFlexToken", token);
        Assert.Equal(new object[] { true, false }, result.Objects);
        SecretAssert.NotLeaked(result, token);
    }

    [Fact]
    public void Reads_the_token_from_an_env_file_relative_to_the_current_location()
    {
        var token = TestJwt.Valid();
        File.WriteAllText(Path.Combine(_folder, ".env"), $"# bot\nONEFLEX_TOKEN={token}\nONEFLEX_REFRESH_TOKEN=0123456789abcdef0123\n");
        var result = _session.Invoke("Set-Location -LiteralPath $args[0]; Test-OneFlexToken -EnvPath ./.env -PassThru", _folder);
        var passed = Assert.Single(result.OutputOf<OneFlexToken>());
        Assert.Equal(TokenSource.EnvFile, passed.Source);
        Assert.Equal("0123456789abcdef0123", passed.RefreshToken);
        SecretAssert.NotLeaked(result, token, "0123456789abcdef0123");
    }

    [Fact]
    public void A_missing_env_file_is_a_clear_error()
    {
        var result = _session.Invoke("Test-OneFlexToken -EnvPath $args[0]", Path.Combine(_folder, "nope", ".env"));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("EnvFileNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void An_env_file_without_the_token_key_is_reported_as_empty()
    {
        File.WriteAllText(Path.Combine(_folder, ".env"), "OTHER=1\n");
        var result = _session.Invoke("Test-OneFlexToken -EnvPath $args[0] -Detailed", Path.Combine(_folder, ".env"));
        Assert.Equal(TokenValidity.Empty, Assert.Single(result.OutputOf<TokenStatus>()).Reason);
    }

    [Fact]
    public void Detailed_and_PassThru_together_are_refused_by_their_parameter_sets()
    {
        var result = _session.Invoke("Test-OneFlexToken -AccessToken x -Detailed -PassThru");
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("AmbiguousParameterSet,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Every_input_binds_with_each_output_from_the_pipeline_and_by_name()
    {
        var valid = TestJwt.Valid();
        File.WriteAllText(Path.Combine(_folder, ".env"), $"ONEFLEX_TOKEN={valid}\n");
        var token = new OneFlexToken(valid, null, null, TokenSource.Parameter);
        var byProperty = new PSObject();
        byProperty.Properties.Add(new PSNoteProperty("AccessToken", valid));
        var file = Path.Combine(_folder, ".env");

        var result = _session.Invoke("""
            foreach ($switch in @{}, @{ Detailed = $true }, @{ PassThru = $true }) {
                $args[0] | Test-OneFlexToken @switch
                $args[1] | Test-OneFlexToken @switch
                Get-Item -LiteralPath $args[2] -Force | Test-OneFlexToken @switch
                Test-OneFlexToken $args[3] @switch
                Test-OneFlexToken -EnvPath $args[2] @switch
            }
            """, token, byProperty, file, valid);

        Assert.Empty(result.AllErrors);
        Assert.Equal(15, result.Objects.Count());
        Assert.All(result.Objects.Take(5), o => Assert.Equal(true, o));
        Assert.All(result.Objects.Skip(5).Take(5), o => Assert.True(Assert.IsType<TokenStatus>(o).IsValid));
        Assert.All(result.Objects.Skip(10), o => Assert.Equal(valid, Assert.IsType<OneFlexToken>(o).AccessToken));
        SecretAssert.NotLeaked(result, valid);
    }

    [Fact]
    public void A_negative_or_too_long_MinimumValidity_is_InvalidTimeout_before_any_token_is_read()
    {
        var result = _session.Invoke("Test-OneFlexToken -EnvPath $args[0] -MinimumValidity -90", Path.Combine(_folder, "nope", ".env"));
        var tooLong = _session.Invoke("Test-OneFlexToken -AccessToken $args[0] -MinimumValidity '1.00:00:01'", TestJwt.Valid());

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("InvalidTimeout,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.StartsWith("-MinimumValidity is -1 min 30 s; it must be from 0", error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.StartsWith("InvalidTimeout,", Assert.Single(tooLong.AllErrors).FullyQualifiedErrorId);
        Assert.Empty(tooLong.Output);
    }

    [Fact]
    public void Default_display_shows_no_whole_token()
    {
        var access = TestJwt.Valid();
        var token = new OneFlexToken(access, "0123456789abcdef0123", "https://oneflex.example", TokenSource.Browser);
        var result = _session.Invoke("$args[0] | Out-String; $args[0] | Format-List | Out-String; Test-OneFlexToken $args[0] -Detailed | Out-String", token);
        var shown = string.Concat(result.Objects.Cast<string>());
        Assert.Contains("Browser", shown);
        Assert.Contains(token.AccessTokenMasked, shown);
        SecretAssert.NotLeaked(result, access, "0123456789abcdef0123");
    }

    [Fact]
    public async Task Online_asks_the_service_who_the_token_belongs_to()
    {
        await using var simulator = await OneFlexSimulator.StartAsync();
        var (access, refresh) = simulator.IssueTokens();
        var forged = TestJwt.Valid();
        var result = _session.Invoke(
            "Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[1] -Detailed; Test-OneFlexToken -AccessToken $args[2] -Online -BaseUrl $args[1] -PassThru",
            access, simulator.AppUrl.ToString(), forged);
        var status = Assert.Single(result.OutputOf<TokenStatus>());
        Assert.True(status.IsValid, status.Message);
        Assert.True(status.CheckedOnline);
        Assert.Equal(simulator.Options.UserEmail, status.Email);
        Assert.Equal($"{simulator.Options.UserFirstName} {simulator.Options.UserLastName}", status.User);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("TokenRejected,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        SecretAssert.NotLeaked(result, access, refresh, forged);
    }

    [Fact]
    public async Task Online_tells_a_service_it_cannot_reach_from_one_that_rejects_the_token()
    {
        await using var simulator = await OneFlexSimulator.StartAsync();
        var (access, _) = simulator.IssueTokens();
        var forged = TestJwt.Valid();
        var closedPort = ClosedLoopbackUrl();
        var notTheApi = simulator.SsoUrl.GetLeftPart(UriPartial.Authority);

        var rejected = _session.Invoke("Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[1]", forged, simulator.AppUrl.ToString());
        simulator.Options.ApiFails = true;
        var result = _session.Invoke("""
            Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[1]
            Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[2] -Timeout 5
            Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[3] -PassThru
            Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[2] -Detailed -Timeout 5
            """, access, simulator.AppUrl.ToString(), closedPort, notTheApi);

        Assert.Equal(new object[] { false }, rejected.Objects);
        Assert.Empty(rejected.AllErrors);
        var status = Assert.Single(result.Output).BaseObject as TokenStatus;
        Assert.Equal((TokenValidity.Unreachable, false, true), (status!.Reason, status.IsValid, status.CheckedOnline));
        Assert.Equal(new[] { "ServiceUnreachable", "ServiceUnreachable", "ServiceUnreachable" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category));
        Assert.Contains(simulator.AppUrl.GetLeftPart(UriPartial.Authority), result.Errors[0].Exception.Message);
        Assert.Contains("HTTP 500 to 3 attempt(s)", result.Errors[0].Exception.Message);
        Assert.Contains(closedPort, result.Errors[1].Exception.Message);
        Assert.Contains("HTTP 404", result.Errors[2].Exception.Message);
        Assert.Contains(closedPort, status.Message);
        SecretAssert.NotLeaked(result, access);
        SecretAssert.NotLeaked(rejected, forged);
    }

    [Fact]
    public void Online_refuses_a_plain_http_base_url_that_is_not_loopback()
    {
        var token = TestJwt.Valid();
        var result = _session.Invoke("Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl http://oneflex.example.com", token);
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("InsecureBaseUrl,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
        SecretAssert.NotLeaked(result, token);
    }

    private static string ClosedLoopbackUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
