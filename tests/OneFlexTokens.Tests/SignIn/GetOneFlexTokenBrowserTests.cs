using System.Diagnostics;
using System.Management.Automation;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Text;
using OneFlex.Simulator;
using OneFlexTokens.Errors;
using OneFlexTokens.SignIn;
using OneFlexTokens.TestSupport;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>Get-OneFlexToken in the real engine, against the simulator, with the real Chromium (headed ones under Xvfb).</summary>
[Collection(BrowserCollection.Name)]
public sealed class GetOneFlexTokenBrowserTests
{
    private const string SignIn = "Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -Timeout 60";
    private const string Headless = "Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -Headless -Timeout 30";

    private readonly XvfbDisplay _xvfb;

    public GetOneFlexTokenBrowserTests(XvfbDisplay xvfb)
    {
        _xvfb = xvfb;
    }

    private IDisposable Display()
    {
        Requirements.Require(_xvfb.Available, "Xvfb is not installed (apt-get install xvfb xauth).");
        return _xvfb.Use();
    }

    private static SimulatorOptions AutoSignIn(bool staySignedIn = true) => new()
    {
        AutoSignIn = true,
        AutoSignInDelay = TimeSpan.FromMilliseconds(300),
        AutoSignInStaySignedIn = staySignedIn,
    };

    private static OneFlexToken SingleToken(ScriptResult result)
    {
        Assert.True(!result.AllErrors.Any(), result.Describe());
        return Assert.Single(result.OutputOf<OneFlexToken>());
    }

    private static ErrorRecord SingleError(ScriptResult result, string errorId)
    {
        Assert.True(result.Output.Count == 0 && result.AllErrors.Count() == 1, result.Describe() + "\nVerbose:\n" + string.Join("\n", result.Verbose));
        var error = result.AllErrors.Single();
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        return error;
    }

    private static async Task<bool> ApiAcceptsAsync(OneFlexSimulator simulator, string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(simulator.AppUrl, "/api/gql"))
        {
            Content = new StringContent("{\"query\":\"query { me(languages: [\\\"fr-FR\\\", \\\"fr\\\"], defaultTimezone: \\\"Europe/Paris\\\") { id email } }\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Interactive_sign_in_returns_both_tokens_with_progress_and_keeps_the_session_owner_only()
    {
        await using var scope = await SignInScope.StartAsync(AutoSignIn());
        using var display = Display();
        using var session = new PowerShellSession();

        var result = session.Invoke(SignIn + " -Verbose", scope.AppUrl, scope.ProfilePath);

        var token = SingleToken(result);
        Assert.Equal(TokenSource.Browser, token.Source);
        Assert.Equal(scope.Simulator.Options.UserEmail, token.Email);
        Assert.Matches("^[0-9a-f]{20}$", token.RefreshToken);
        Assert.True(token.ExpiresAt > DateTimeOffset.UtcNow);
        Assert.Equal(scope.Simulator.AppUrl.ToString().TrimEnd('/'), token.BaseUrl);
        Assert.True(await ApiAcceptsAsync(scope.Simulator, token.AccessToken));
        Assert.Equal(1, scope.Simulator.SignInFormsShown);
        Assert.Equal(1, scope.Simulator.SignInsCompleted);

        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Processing && p.SecondsRemaining is > 0 and <= 60);
        Assert.Equal(ProgressRecordType.Completed, result.Progress[^1].RecordType);
        Assert.NotEmpty(result.Verbose);
        SecretAssert.NotLeaked(result, token.AccessToken, token.RefreshToken);

        var state = new SessionStateStore(scope.ProfilePath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(scope.ProfilePath));
        var kept = File.ReadAllText(state.FilePath);
        Assert.Contains(OneFlexSimulator.SsoSessionCookieName, kept);
        SecretAssert.NotIn(kept, token.AccessToken, token.RefreshToken);
        Assert.Empty(scope.BrowserProcesses());
    }

    [SkippableFact]
    public async Task Headless_renews_from_the_kept_session_in_a_new_runspace_until_the_SSO_session_ends()
    {
        // Session-only SSO cookie: Chromium forgets it on exit, so this passes only through the kept session state.
        await using var scope = await SignInScope.StartAsync(AutoSignIn(staySignedIn: false));
        OneFlexToken first;
        using (Display())
        using (var interactive = new PowerShellSession())
        {
            first = SingleToken(interactive.Invoke(SignIn, scope.AppUrl, scope.ProfilePath));
        }

        using var noDisplay = new EnvironmentScope(new() { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null });
        using var scheduled = new PowerShellSession();
        var renewed = scheduled.Invoke(Headless, scope.AppUrl, scope.ProfilePath);

        var token = SingleToken(renewed);
        Assert.Equal(TokenSource.Browser, token.Source);
        Assert.NotEqual(first.AccessToken, token.AccessToken);
        Assert.Equal(1, scope.Simulator.SignInFormsShown);
        Assert.True(scope.Simulator.SilentSignIns >= 1);
        Assert.True(await ApiAcceptsAsync(scope.Simulator, token.AccessToken));
        SecretAssert.NotLeaked(renewed, token.AccessToken, token.RefreshToken, first.AccessToken, first.RefreshToken);

        scope.Simulator.EndAllSsoSessions();
        var clock = Stopwatch.StartNew();
        var expired = scheduled.Invoke(Headless + " -Verbose", scope.AppUrl, scope.ProfilePath);
        clock.Stop();

        var error = SingleError(expired, ErrorIds.InteractiveLoginRequired);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"InteractiveLoginRequired took {clock.Elapsed}.");
        Assert.Contains("without -Headless", error.Exception.Message);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        SecretAssert.NotLeaked(expired, token.AccessToken, token.RefreshToken);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_existing_shared_profile_folder_is_used_as_it_is_with_a_warning()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        const UnixFileMode shared = (UnixFileMode)0b1_111_111_111;
        Directory.CreateDirectory(scope.ProfilePath);
        File.SetUnixFileMode(scope.ProfilePath, shared);
        using var session = new PowerShellSession();

        var result = session.Invoke(Headless, scope.AppUrl, scope.ProfilePath);

        SingleError(result, ErrorIds.InteractiveLoginRequired);
        Assert.Contains(result.Warnings, w => w.Contains(scope.ProfilePath) && w.Contains("mode 1777"));
        Assert.Equal(shared, File.GetUnixFileMode(scope.ProfilePath));
        Assert.NotEmpty(Directory.EnumerateFileSystemEntries(scope.ProfilePath));
    }

    [SkippableFact]
    public async Task Timeout_ends_a_sign_in_nobody_completes()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        using var display = Display();
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -Timeout 3 -Verbose", scope.AppUrl, scope.ProfilePath);

        var error = SingleError(result, ErrorIds.SignInTimeout);
        Assert.Contains("within 3 s.", error.Exception.Message);
        Assert.True(scope.Simulator.SignInFormsShown == 1, $"forms shown: {scope.Simulator.SignInFormsShown}");
        Assert.Contains(result.Progress, p => p.SecondsRemaining is > 0 and <= 3);
        Assert.Empty(scope.BrowserProcesses());
    }

    [SkippableFact]
    public async Task A_failing_SSO_page_is_reported_at_once()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = true, SsoFails = true });
        using var display = Display();
        using var session = new PowerShellSession();

        var clock = Stopwatch.StartNew();
        var result = session.Invoke(SignIn, scope.AppUrl, scope.ProfilePath);

        var error = SingleError(result, ErrorIds.ServiceError);
        Assert.Contains("HTTP 500", error.Exception.Message);
        Assert.Contains(scope.Simulator.SsoUrl.GetLeftPart(UriPartial.Authority), error.Exception.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [SkippableFact]
    public async Task Closing_the_browser_ends_the_wait_with_BrowserClosed()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        using var display = Display();
        using var session = new PowerShellSession();

        var running = session.Start(SignIn, null, scope.AppUrl, scope.ProfilePath);
        Assert.True(Wait.Until(() => scope.Simulator.SignInFormsShown > 0 || running.IsCompleted, TimeSpan.FromSeconds(30)), "The sign-in form never showed.");
        var browser = ProcessTable.BrowserMainProcess(scope.ProfilePath);
        Assert.NotNull(browser);
        ProcessTable.Terminate(browser!.Value);
        var result = running.Wait(TimeSpan.FromSeconds(20));

        var error = SingleError(result, ErrorIds.BrowserClosed);
        Assert.Contains("Run Get-OneFlexToken again", error.Exception.Message);
    }

    [SkippableFact]
    public async Task Stop_cancels_at_once_and_leaves_no_browser_or_driver_behind()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        using var display = Display();
        using var session = new PowerShellSession();
        var driversBefore = ProcessTable.DriverChildren();

        var running = session.Start(SignIn, null, scope.AppUrl, scope.ProfilePath);
        Assert.True(Wait.Until(() => scope.Simulator.SignInFormsShown > 0 || running.IsCompleted, TimeSpan.FromSeconds(30)), "The sign-in form never showed.");
        Assert.NotEmpty(scope.BrowserProcesses());
        running.Stop();
        var result = running.Wait(TimeSpan.FromSeconds(20));

        Assert.Equal(PSInvocationState.Stopped, running.State);
        Assert.Empty(result.Output);
        Assert.Empty(scope.BrowserProcesses());
        Assert.Empty(ProcessTable.DriverChildren().Except(driversBefore));
    }

    [SkippableFact]
    public async Task Only_the_app_origin_cookies_are_taken()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(300), DecoyCookiesOnSso = true });
        using var display = Display();
        using var session = new PowerShellSession();

        var result = session.Invoke(SignIn, scope.AppUrl, scope.ProfilePath);

        var token = SingleToken(result);
        Assert.Equal(1, scope.Simulator.SignInsCompleted);
        Assert.True(await ApiAcceptsAsync(scope.Simulator, token.AccessToken), "The token taken is not the app origin's.");
        SecretAssert.NotLeaked(result, token.AccessToken, token.RefreshToken);
    }

    [SkippableFact]
    public async Task A_rejected_refresh_token_falls_back_to_the_browser()
    {
        await using var scope = await SignInScope.StartAsync(AutoSignIn());
        using var display = Display();
        using var session = new PowerShellSession();
        const string stale = "00000000000000000000";

        var result = session.Invoke("Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -RefreshToken $args[2] -Timeout 60", scope.AppUrl, scope.ProfilePath, stale);

        var token = SingleToken(result);
        Assert.Equal(TokenSource.Browser, token.Source);
        Assert.Contains(result.Warnings, w => w.Contains("HTTP 401") && w.Contains("browser"));
        SecretAssert.NotLeaked(result, token.AccessToken, token.RefreshToken, stale);
    }

    [SkippableFact]
    public async Task Without_a_display_a_window_is_refused_at_once_with_guidance()
    {
        await using var scope = await SignInScope.StartAsync(AutoSignIn());
        using var noDisplay = new EnvironmentScope(new() { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null });
        using var session = new PowerShellSession();

        var result = session.Invoke(SignIn, scope.AppUrl, scope.ProfilePath);

        var error = SingleError(result, ErrorIds.NoDisplay);
        Assert.Contains("-Headless", error.Exception.Message);
        Assert.Equal(0, scope.Simulator.SignInFormsShown);
        Assert.False(Directory.Exists(scope.ProfilePath));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_module_runs_its_own_driver_from_any_directory_though_the_host_holds_another_Playwright()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        using var display = Display();
        var moduleDriver = Path.Combine(RepoPaths.ModuleDirectory, ".playwright");
        Assert.True(File.GetUnixFileMode(Path.Combine(moduleDriver, "node", "linux-x64", "node")).HasFlag(UnixFileMode.UserExecute), "The bundled node is not executable.");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.Playwright.dll")), "The test host should hold its own Playwright copy for this test to mean something.");

        using var session = new PowerShellSession(workingDirectory: scope.Root);
        var driversBefore = ProcessTable.DriverChildren();
        var running = session.Start(SignIn + " -Verbose", null, scope.AppUrl, scope.ProfilePath);
        Assert.True(Wait.Until(() => scope.Simulator.SignInFormsShown > 0 || running.IsCompleted, TimeSpan.FromSeconds(60)), "The sign-in form never showed.");
        var drivers = ProcessTable.DriverChildren().Except(driversBefore).Select(ProcessTable.CommandLine).ToArray();
        running.Stop();
        var stopped = running.Wait(TimeSpan.FromSeconds(30));
        Assert.True(scope.BrowserProcesses().Count == 0, stopped.Describe() + string.Join("\n", stopped.Verbose) + "\n" + string.Join("\n", scope.BrowserProcesses().Select(ProcessTable.CommandLine)));

        var driver = Assert.Single(drivers);
        Assert.Contains(Path.GetFullPath(moduleDriver), driver);
    }

    [SkippableFact]
    public async Task The_whole_renewal_pipeline_writes_both_env_files()
    {
        await using var scope = await SignInScope.StartAsync(AutoSignIn());
        using var display = Display();
        var bot = Path.Combine(scope.Root, "bot");
        Directory.CreateDirectory(Path.Combine(bot, "config"));
        File.WriteAllText(Path.Combine(bot, ".env"), "# réglages du bot\nDESK_ID=42\nONEFLEX_TOKEN=old\n");
        using var session = new PowerShellSession(workingDirectory: bot);

        var result = session.Invoke(
            "Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -Timeout 60 | Test-OneFlexToken -PassThru | Save-OneFlexEnv -Path ./.env, ./config/.env",
            scope.AppUrl,
            scope.ProfilePath);

        Assert.True(!result.AllErrors.Any(), result.Describe());
        Assert.Equal(1, scope.Simulator.SignInsCompleted);
        var tokens = OneFlexTokens.EnvFiles.EnvFileReader.ReadTokens(Path.Combine(bot, ".env"));
        Assert.NotNull(tokens.AccessToken);
        Assert.NotEqual("old", tokens.AccessToken);
        Assert.Matches("^[0-9a-f]{20}$", tokens.RefreshToken);
        Assert.Equal(tokens, OneFlexTokens.EnvFiles.EnvFileReader.ReadTokens(Path.Combine(bot, "config", ".env")));
        Assert.StartsWith("# réglages du bot\nDESK_ID=42\n", File.ReadAllText(Path.Combine(bot, ".env")));
        Assert.True(await ApiAcceptsAsync(scope.Simulator, tokens.AccessToken!));
        SecretAssert.NotLeaked(result, tokens.AccessToken, tokens.RefreshToken);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_browser_that_does_not_start_is_BrowserLaunchFailed()
    {
        await using var scope = await SignInScope.StartAsync(AutoSignIn());
        var notABrowser = Path.Combine(scope.Root, "not-a-browser");
        File.WriteAllText(notABrowser, "#!/bin/sh\nexit 3\n");
        File.SetUnixFileMode(notABrowser, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var session = new PowerShellSession();

        var result = session.Invoke(Headless + " -BrowserPath $args[2]", scope.AppUrl, scope.ProfilePath, notABrowser);

        var error = SingleError(result, ErrorIds.BrowserLaunchFailed);
        Assert.Contains(notABrowser, error.Exception.Message);
        Assert.Equal(0, scope.Simulator.SignInFormsShown);
    }

    [SkippableFact]
    public async Task The_profile_keeps_the_SSO_session_not_the_tokens_and_a_later_headless_renewal_still_works()
    {
        await using var scope = await SignInScope.StartAsync(AutoSignIn(staySignedIn: true));
        OneFlexToken first;
        using (Display())
        using (var interactive = new PowerShellSession())
        {
            var result = interactive.Invoke(SignIn + " -Verbose", scope.AppUrl, scope.ProfilePath);
            first = SingleToken(result);
            Assert.True(result.Verbose.Any(v => v.Contains("Removed the token cookies from the profile", StringComparison.Ordinal)), string.Join("\n", result.Verbose));
        }

        var afterSignIn = ChromiumCookieStore.Read(scope.ProfilePath);
        Assert.Contains(afterSignIn, c => c.Name == OneFlexSimulator.SsoSessionCookieName && c.Host == scope.Simulator.SsoUrl.Host);
        Assert.DoesNotContain(afterSignIn, c => c.Name is "access_token" or "refresh_token");
        Assert.DoesNotContain("access_token", ChromiumCookieStore.RawText(scope.ProfilePath));

        using var noDisplay = new EnvironmentScope(new() { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null });
        using var scheduled = new PowerShellSession();
        var renewed = SingleToken(scheduled.Invoke(Headless, scope.AppUrl, scope.ProfilePath));

        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(1, scope.Simulator.SignInFormsShown);
        Assert.DoesNotContain(ChromiumCookieStore.Read(scope.ProfilePath), c => c.Name is "access_token" or "refresh_token");
        Assert.DoesNotContain("refresh_token", ChromiumCookieStore.RawText(scope.ProfilePath));
    }

    [SkippableFact]
    public async Task A_token_cookie_that_is_not_a_readable_JWT_is_ServiceError_not_a_crash()
    {
        // The service sets an access_token whose 'sub' is a lone surrogate.
        var hostile = TestJwt.FromPayload("{\"sub\":\"\\ud800\",\"exp\":4102444800}");
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions
        {
            AutoSignIn = true,
            AutoSignInDelay = TimeSpan.FromMilliseconds(300),
            AccessTokenOverride = _ => hostile,
        });
        using var display = Display();
        using var session = new PowerShellSession();

        var result = session.Invoke(SignIn, scope.AppUrl, scope.ProfilePath);

        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        ModuleErrors.AssertModuleError(error);
        Assert.Equal(ErrorIds.ServiceError, ModuleErrors.IdOf(error));
        Assert.Contains("not valid Unicode", error.Exception.Message);
        Assert.Contains(scope.AppUrl.TrimEnd('/'), error.Exception.Message);
        SecretAssert.NotLeaked(result, hostile);
    }
}
