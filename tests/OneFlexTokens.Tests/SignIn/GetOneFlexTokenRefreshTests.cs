using System.Management.Automation;
using OneFlex.Simulator;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>Get-OneFlexToken's refresh grant in the real engine against the simulator: no browser involved.</summary>
public sealed class GetOneFlexTokenRefreshTests : IAsyncLifetime
{
    private OneFlexSimulator _simulator = null!;
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-refresh-").FullName;

    public async Task InitializeAsync() => _simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions());

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        Directory.Delete(_root, true);
    }

    private string AppUrl => _simulator.AppUrl.ToString();

    private static ErrorRecord SingleError(ScriptResult result, string errorId)
    {
        Assert.True(result.Output.Count == 0 && result.AllErrors.Count() == 1, result.Describe());
        var error = result.AllErrors.Single();
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        return error;
    }

    private void AssertNoBrowserUsed()
    {
        Assert.Equal(0, _simulator.SignInFormsShown);
        Assert.Equal(0, _simulator.SilentSignIns);
    }

    [Fact]
    public void RefreshToken_renews_without_a_browser()
    {
        var (_, refresh) = _simulator.IssueTokens();
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -Verbose", AppUrl, refresh);

        Assert.True(!result.AllErrors.Any(), result.Describe());
        var token = Assert.Single(result.OutputOf<OneFlexToken>());
        Assert.Equal(TokenSource.Refresh, token.Source);
        Assert.Equal(refresh, token.RefreshToken);
        Assert.Equal(_simulator.Options.UserEmail, token.Email);
        Assert.Equal(1, _simulator.RefreshGrantsServed);
        AssertNoBrowserUsed();
        SecretAssert.NotLeaked(result, token.AccessToken, refresh);
    }

    [Fact]
    public void EnvPath_reads_the_refresh_token_from_the_bot_env_file()
    {
        var (_, refresh) = _simulator.IssueTokens();
        var env = Path.Combine(_root, ".env");
        File.WriteAllText(env, $"# bot settings\nDESK_ID=42\nONEFLEX_TOKEN=old\nONEFLEX_REFRESH_TOKEN={refresh}\n");
        using var session = new PowerShellSession(workingDirectory: _root);

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -EnvPath ./.env -NoBrowser", AppUrl);

        Assert.True(!result.AllErrors.Any(), result.Describe());
        var token = Assert.Single(result.OutputOf<OneFlexToken>());
        Assert.Equal(TokenSource.Refresh, token.Source);
        AssertNoBrowserUsed();
        SecretAssert.NotLeaked(result, token.AccessToken, refresh);
    }

    [Fact]
    public void A_rejected_refresh_token_with_NoBrowser_is_RefreshTokenRejected()
    {
        var (_, refresh) = _simulator.IssueTokens();
        _simulator.EndAllSsoSessions();
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -NoBrowser", AppUrl, refresh);

        var error = SingleError(result, ErrorIds.RefreshTokenRejected);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.Contains("without -NoBrowser", error.Exception.Message);
        AssertNoBrowserUsed();
        SecretAssert.NotLeaked(result, refresh);
    }

    [Fact]
    public void A_failing_API_is_retried_then_reported_as_ServiceError()
    {
        var (_, refresh) = _simulator.IssueTokens();
        _simulator.Options.ApiFails = true;
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -NoBrowser -Verbose", AppUrl, refresh);

        var error = SingleError(result, ErrorIds.ServiceError);
        Assert.Contains("HTTP 500", error.Exception.Message);
        Assert.Contains("3 attempt", error.Exception.Message);
        Assert.Equal(2, result.Verbose.Count(v => v.Contains("retrying")));
        AssertNoBrowserUsed();
        SecretAssert.NotLeaked(result, refresh);
    }

    [Fact]
    public void An_env_file_without_a_refresh_token_and_NoBrowser_says_what_to_do()
    {
        var env = Path.Combine(_root, "empty.env");
        File.WriteAllText(env, "DESK_ID=42\n");
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -EnvPath $args[1] -NoBrowser", AppUrl, env);

        var error = SingleError(result, ErrorIds.EnvKeyMissing);
        Assert.Contains("ONEFLEX_REFRESH_TOKEN", error.Exception.Message);
        AssertNoBrowserUsed();
    }

    [Theory]
    [InlineData("http://oneflex.example.com", ErrorIds.InsecureBaseUrl)]
    [InlineData("oneflex.example.com", ErrorIds.InvalidBaseUrl)]
    public void A_bad_BaseUrl_is_refused_before_anything_is_sent(string baseUrl, string errorId)
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken 0123456789abcdef0123 -NoBrowser", baseUrl);

        SingleError(result, errorId);
        SecretAssert.NotLeaked(result, "0123456789abcdef0123");
    }

    [Fact]
    public void Timeout_takes_seconds_or_a_TimeSpan_and_refuses_nonsense()
    {
        using var session = new PowerShellSession();
        var help = session.Invoke("(Get-Command Get-OneFlexToken).Parameters['Timeout'].ParameterType.FullName");
        Assert.Equal(typeof(TimeSpan).FullName, help.Objects.Single());

        var bad = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -Headless -Timeout 'soon'", AppUrl);
        Assert.Contains(bad.AllErrors, e => e.FullyQualifiedErrorId.StartsWith("ParameterArgumentTransformationError", StringComparison.Ordinal));
        var negative = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -Headless -Timeout -5", AppUrl);
        Assert.StartsWith(ErrorIds.InvalidTimeout + ",", negative.AllErrors.Single().FullyQualifiedErrorId);
        AssertNoBrowserUsed();
    }

    [Fact]
    public void A_missing_browser_says_what_to_install_before_anything_starts()
    {
        using var session = new PowerShellSession();

        var missingPath = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -Headless -BrowserPath $args[1]", AppUrl, Path.Combine(_root, "no-such-browser"));
        var error = SingleError(missingPath, ErrorIds.BrowserNotFound);
        Assert.Contains("no-such-browser", error.Exception.Message);

        if (!File.Exists("/opt/microsoft/msedge/msedge") && !OperatingSystem.IsWindows())
        {
            var noEdge = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -Headless -Browser Edge", AppUrl);
            Assert.Contains("OneFlexTokens never downloads a browser", SingleError(noEdge, ErrorIds.BrowserNotFound).Exception.Message);
        }

        AssertNoBrowserUsed();
    }
}
