using System.Collections.Concurrent;
using OneFlex.Simulator;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.SignIn;
using OneFlexTokens.TestSupport;
using OneFlexTokens.Tests.Docker;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.Notifications;
using OneFlexTokens.Tests.SignIn;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>
/// The scheduled renewal's decisions, called on the core service itself (no runspace): against the simulator, a bot
/// container on the private Docker engine, headless Chromium and a local webhook receiving the alerts.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class BotRenewalTests : IAsyncLifetime
{
    private static readonly TimeSpan MinimumValidity = TimeSpan.FromMinutes(10);

    private readonly DockerEngineFixture _engine;
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-renewal-").FullName;
    private OneFlexSimulator _simulator = null!;
    private WebhookReceiver _webhook = null!;

    public BotRenewalTests(DockerEngineFixture engine) => _engine = engine;

    private string BotFolder => Path.Combine(_root, "oneflex");

    private string ConfigEnv => Path.Combine(BotFolder, "config", ".env");

    private string RootEnv => Path.Combine(BotFolder, ".env");

    private string StateFolder => Path.Combine(BotFolder, ".oneflextokens");

    private string LogPath => Path.Combine(StateFolder, "renewal.log");

    private string ProfilePath => Path.Combine(_root, "profile");

    public async Task InitializeAsync()
    {
        _simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(300) });
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _simulator.DisposeAsync();
        try
        {
            Directory.Delete(_root, true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Nothing_due_writes_one_outcome_line_and_touches_nothing_else()
    {
        var fresh = _simulator.IssueTokens();
        WriteBotFolder(fresh.AccessToken, fresh.RefreshToken);
        var before = File.ReadAllBytes(ConfigEnv);

        var (result, seen) = await RunAsync(Options(dockerHost: "unix:///nonexistent/docker.sock"));

        Assert.True(result.Outcome == RenewalOutcome.NothingDue, result.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.ErrorId);
        Assert.Equal(JwtReader.Read(fresh.AccessToken).ExpiresAt, result.ExpiresAt);
        Assert.Empty(result.FilesSaved);
        Assert.Empty(result.ContainersRestarted);
        Assert.Equal(before, File.ReadAllBytes(ConfigEnv));
        Assert.Equal(0, _simulator.RefreshGrantsServed);
        Assert.False(Directory.Exists(ProfilePath), "a nothing-due run created the browser profile");
        Assert.Empty(_webhook.Received);
        var line = Assert.Single(File.ReadAllLines(LogPath));
        var run = Assert.Single(RenewalLog.ReadRuns(LogPath));
        Assert.Equal((RenewalOutcome.NothingDue, 0, (string?)null), (run.Outcome, run.ExitCode, run.ErrorId));
        Assert.StartsWith("Nothing due: the token in config/.env is valid until ", run.Message);
        Assert.Contains(" RESULT NothingDue exit=0 error=- Nothing due", line);
        Assert.Equal(new[] { "renewal.lock", "renewal.log" }, Directory.GetFileSystemEntries(StateFolder).Select(Path.GetFileName).Order());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(StateFolder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LogPath));
        }

        Assert.Empty(seen.Progress);
        SecretAssert.NotIn(File.ReadAllText(LogPath) + result, fresh.AccessToken, fresh.RefreshToken);
    }

    [SkippableFact]
    public async Task Due_token_is_renewed_by_the_refresh_grant_saved_to_both_files_and_the_bot_restarted()
    {
        _engine.Require();
        var (_, refresh) = _simulator.IssueTokens();
        var expired = WriteBotFolder(ExpiredToken(), refresh);
        var bot = await CreateBotAsync();
        var startedBefore = await _engine.StartedAtAsync(bot);

        var (result, seen) = await RunAsync(Options(bot));

        Assert.True(result.Outcome == RenewalOutcome.Renewed, result.ToString() + "\n" + LogText());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TokenSource.Refresh, result.Source);
        Assert.Equal(1, _simulator.RefreshGrantsServed);
        var saved = EnvFileReader.ReadTokens(ConfigEnv);
        Assert.NotEqual(expired, saved.AccessToken);
        Assert.Equal(saved, EnvFileReader.ReadTokens(RootEnv));
        Assert.Contains("DESK_IDS=3-014,3-015", File.ReadAllText(RootEnv));
        Assert.Equal(JwtReader.Read(saved.AccessToken).ExpiresAt, result.ExpiresAt);
        Assert.Equal(new[] { RootEnv, ConfigEnv }, result.FilesSaved.Select(f => f.Path));
        Assert.Equal(bot, Assert.Single(result.ContainersRestarted).Name);
        Assert.True(await _engine.StartedAtAsync(bot) > startedBefore, "the bot container was not restarted");
        Assert.False(Directory.Exists(ProfilePath), "the refresh grant sufficed, yet a browser profile was created");
        Assert.False(File.Exists(Path.Combine(StateFolder, "restart-pending")));
        var log = LogText();
        Assert.Contains("INFO  Renewal due: Expired.", log);
        Assert.Contains("INFO  New token ", log);
        Assert.Contains("INFO  Restarted container " + bot + ": running.", log);
        Assert.Equal(RenewalOutcome.Renewed, Assert.Single(RenewalLog.ReadRuns(LogPath)).Outcome);
        Assert.Contains(seen.Verbose, v => v.StartsWith("Saved " + RootEnv, StringComparison.Ordinal));
        Assert.Contains(seen.Progress, p => p.Status == "Saving .env and config/.env");
        Assert.True(seen.Progress.Last() is { Completed: true, Status: "Renewed" }, string.Join(", ", seen.Progress));
        Assert.Empty(_webhook.Received);
        SecretAssert.NotIn(log + result + string.Join("\n", seen.Verbose), expired, refresh, saved.AccessToken, saved.RefreshToken, _webhook.Url.AbsolutePath);
        await _engine.RemoveAsync(bot);
    }

    [SkippableFact]
    public async Task Refused_refresh_token_is_renewed_by_a_headless_browser_on_the_saved_SSO_session()
    {
        _engine.Require();
        Requirements.RequireUnix();
        Requirements.Require(SignInScope.TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        using var xvfb = new XvfbServer();
        Requirements.Require(xvfb.Available, xvfb.MissingReason ?? "Xvfb is not installed.");
        using (xvfb.Use())
        {
            // The human's first sign-in, in a window: it leaves the SSO session in the profile.
            await new TokenAcquisition(HostPlatform.Current).GetAsync(
                new TokenRequest { BaseUrl = _simulator.AppUrl.ToString(), ProfilePath = ProfilePath, Timeout = TimeSpan.FromSeconds(60) }, new SignInCallbacks(), CancellationToken.None);
        }

        var stale = "0123456789abcdef0123";
        var expired = WriteBotFolder(ExpiredToken(), stale);
        var bot = await CreateBotAsync();

        var (result, seen) = await RunAsync(Options(bot));

        Assert.True(result.Outcome == RenewalOutcome.Renewed, result.ToString() + "\n" + LogText());
        Assert.Equal(TokenSource.Browser, result.Source);
        var saved = EnvFileReader.ReadTokens(ConfigEnv);
        Assert.Equal(saved, EnvFileReader.ReadTokens(RootEnv));
        Assert.NotEqual(stale, saved.RefreshToken);
        Assert.Matches(@"(?m) WARN  The service rejected the refresh token \(HTTP \d+\); signing in with the browser instead\.$", LogText());
        Assert.Contains(seen.Warnings, w => w.StartsWith("The service rejected the refresh token", StringComparison.Ordinal));
        Assert.Contains(seen.Progress, p => p.Activity == "Renewing OneFlex tokens (headless)" && p.SecondsRemaining is > 0 and <= 60);
        Assert.Equal(bot, Assert.Single(result.ContainersRestarted).Name);
        Assert.Empty(ProcessTable.WithCommandLineContaining(ProfilePath));
        SecretAssert.NotIn(LogText() + result, expired, stale, saved.AccessToken, saved.RefreshToken);
        await _engine.RemoveAsync(bot);
    }

    [SkippableFact]
    public async Task Ended_SSO_session_needs_a_sign_in_exit_2_with_one_alert_carrying_the_command_and_no_file_changed()
    {
        Requirements.RequireUnix();
        Requirements.Require(SignInScope.TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        var (_, refresh) = _simulator.IssueTokens();
        var expired = WriteBotFolder(ExpiredToken(), refresh);
        _simulator.EndAllSsoSessions();
        var configBefore = File.ReadAllBytes(ConfigEnv);

        var (result, _) = await RunAsync(Options());

        Assert.True(result.Outcome == RenewalOutcome.SignInRequired, result.ToString() + "\n" + LogText());
        Assert.Equal((2, ErrorIds.InteractiveLoginRequired), (result.ExitCode, result.ErrorId));
        Assert.Equal(configBefore, File.ReadAllBytes(ConfigEnv));
        Assert.Empty(result.FilesSaved);
        var alert = Assert.Single(_webhook.Received).Json.GetProperty("embeds")[0];
        Assert.Equal("OneFlex bot: sign in again", alert.GetProperty("title").GetString());
        Assert.EndsWith("```\n" + result.SignInCommand + "\n```", alert.GetProperty("description").GetString());
        Assert.StartsWith($"Get-OneFlexToken -ProfilePath '{ProfilePath}' -BaseUrl '{_simulator.AppUrl.ToString().TrimEnd('/')}' | Save-OneFlexEnv -Path '{RootEnv}', '{ConfigEnv}' -PassThru | Restart-OneFlexBot -Name ", result.SignInCommand);
        Assert.Contains(" ERROR InteractiveLoginRequired (exit 2): ", LogText());
        Assert.Equal(ErrorIds.InteractiveLoginRequired, File.ReadAllText(Path.Combine(StateFolder, "last-alert.txt")));
        Assert.Empty(ProcessTable.WithCommandLineContaining(ProfilePath));
        SecretAssert.NotIn(LogText() + result + alert, expired, refresh, _webhook.Url.AbsolutePath);
    }

    [Fact]
    public async Task Without_a_browser_a_refused_refresh_token_needs_a_sign_in()
    {
        var (_, refresh) = _simulator.IssueTokens();
        var expired = WriteBotFolder(ExpiredToken(), refresh);
        _simulator.EndAllSsoSessions();

        var (result, _) = await RunAsync(Options() with { NoBrowser = true });

        Assert.Equal((RenewalOutcome.SignInRequired, 2, ErrorIds.RefreshTokenRejected), (result.Outcome, result.ExitCode, result.ErrorId));
        Assert.Equal(0, _simulator.SignInFormsShown);
        Assert.False(Directory.Exists(ProfilePath));
        Assert.Equal("OneFlex bot: sign in again", Assert.Single(_webhook.Received).Json.GetProperty("embeds")[0].GetProperty("title").GetString());
        Assert.EndsWith("Sign in again, in pwsh on this machine: " + result.SignInCommand, result.ToString());
        var run = Assert.Single(RenewalLog.ReadRuns(LogPath));
        Assert.Equal((RenewalOutcome.SignInRequired, 2, ErrorIds.RefreshTokenRejected), (run.Outcome, run.ExitCode, run.ErrorId));
        SecretAssert.NotIn(LogText(), expired, refresh);
    }

    [Fact]
    public async Task Without_WebhookUrl_the_alert_goes_to_the_webhook_Register_saved_before_the_one_in_config_env()
    {
        var (_, refresh) = _simulator.IssueTokens();
        WriteBotFolder(ExpiredToken(), refresh);
        File.AppendAllText(ConfigEnv, "NOTIFICATION_WEBHOOK_URL=" + new Uri(_webhook.Url, "/api/webhooks/9/from-config-env") + "\n");
        _simulator.EndAllSsoSessions();
        RenewalRegistrar.SaveWebhook(BotFolder, _webhook.Url.ToString());

        var (saved, _) = await RunAsync(Options() with { WebhookUrl = null, NoBrowser = true });

        Assert.Equal(ErrorIds.RefreshTokenRejected, saved.ErrorId);
        Assert.Equal(_webhook.Url.AbsolutePath, Assert.Single(_webhook.Received).Path);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RenewalRegistrar.WebhookFile(BotFolder)));
        }

        // Without the saved one, NOTIFICATION_WEBHOOK_URL of config/.env (a new problem, so a new alert).
        RenewalRegistrar.RemoveRegistrationState(BotFolder);
        Assert.False(File.Exists(RenewalRegistrar.WebhookFile(BotFolder)));
        File.Delete(Path.Combine(StateFolder, "last-alert.txt"));
        await RunAsync(Options() with { WebhookUrl = null, NoBrowser = true });

        Assert.Equal("/api/webhooks/9/from-config-env", _webhook.Received[1].Path);
        SecretAssert.NotIn(LogText(), _webhook.Url.AbsolutePath, "from-config-env");
    }

    [Theory]
    [InlineData(ErrorIds.InteractiveLoginRequired, true)]
    [InlineData(ErrorIds.RefreshTokenRejected, true)]
    [InlineData(ErrorIds.NoDisplay, true)]
    [InlineData(ErrorIds.ServiceUnreachable, false)]
    [InlineData(ErrorIds.BrowserNotFound, false)]
    [InlineData(ErrorIds.EnvFileNotFound, false)]
    [InlineData(ErrorIds.DockerUnreachable, false)]
    public void Only_an_ended_SSO_session_needs_a_human(string errorId, bool needsSignIn) =>
        Assert.Equal(needsSignIn, BotRenewal.NeedsSignIn(errorId));

    [Fact]
    public async Task A_failure_is_alerted_once_with_its_error_id_and_its_end_once()
    {
        Directory.CreateDirectory(BotFolder);

        var (missing, _) = await RunAsync(Options());
        var (again, _) = await RunAsync(Options());

        Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.EnvFileNotFound), (missing.Outcome, missing.ExitCode, missing.ErrorId));
        Assert.Equal(ErrorIds.EnvFileNotFound, again.ErrorId);
        var alert = Assert.Single(_webhook.Received).Json.GetProperty("embeds")[0];
        Assert.Equal("OneFlex bot: token renewal failed", alert.GetProperty("title").GetString());
        Assert.StartsWith(ErrorIds.EnvFileNotFound + " on ", alert.GetProperty("description").GetString());
        Assert.Contains("INFO  Already alerted about EnvFileNotFound; no new alert.", LogText());

        var fresh = _simulator.IssueTokens();
        WriteBotFolder(fresh.AccessToken, fresh.RefreshToken);
        var (recovered, _) = await RunAsync(Options());
        var (quiet, _) = await RunAsync(Options());

        Assert.Equal(RenewalOutcome.NothingDue, recovered.Outcome);
        Assert.Equal(RenewalOutcome.NothingDue, quiet.Outcome);
        Assert.Equal(2, _webhook.Received.Count);
        var recovery = _webhook.Received[1].Json.GetProperty("embeds")[0];
        Assert.Equal("OneFlex bot tokens renewed again", recovery.GetProperty("title").GetString());
        Assert.Equal(0x2ECC71, recovery.GetProperty("color").GetInt32());
        Assert.False(File.Exists(Path.Combine(StateFolder, "last-alert.txt")));
        Assert.Equal(
            new[] { RenewalOutcome.Failed, RenewalOutcome.Failed, RenewalOutcome.NothingDue, RenewalOutcome.NothingDue },
            RenewalLog.ReadRuns(LogPath).Select(r => r.Outcome));
        SecretAssert.NotIn(LogText(), fresh.AccessToken, fresh.RefreshToken, _webhook.Url.AbsolutePath);
    }

    [Fact]
    public async Task An_alert_that_cannot_be_sent_is_logged_and_retried_by_the_next_run_without_changing_the_outcome()
    {
        Directory.CreateDirectory(BotFolder);
        _webhook.Answer(404);

        var (first, _) = await RunAsync(Options());
        var (second, _) = await RunAsync(Options());

        Assert.Equal((RenewalOutcome.Failed, ErrorIds.EnvFileNotFound), (first.Outcome, first.ErrorId));
        Assert.Equal((RenewalOutcome.Failed, ErrorIds.EnvFileNotFound), (second.Outcome, second.ErrorId));
        Assert.Equal(2, _webhook.Received.Count);
        Assert.Contains("WARN  Alert not sent (NotificationRejected): ", LogText());
        Assert.Equal(ErrorIds.EnvFileNotFound, File.ReadAllText(Path.Combine(StateFolder, "last-alert.txt")));
        SecretAssert.NotIn(LogText(), _webhook.Url.AbsolutePath);
    }

    [Fact]
    public async Task Without_a_webhook_where_to_give_one_is_said_once_in_the_renewals_own_parameters_until_one_is_given()
    {
        Directory.CreateDirectory(BotFolder);
        var noWebhook = Options() with { WebhookUrl = null };
        var marker = Path.Combine(StateFolder, "webhook-missing");

        var (first, seenFirst) = await RunAsync(noWebhook);
        var (second, seenSecond) = await RunAsync(noWebhook);

        Assert.Equal((ErrorIds.EnvFileNotFound, ErrorIds.EnvFileNotFound), (first.ErrorId, second.ErrorId));
        var warning = Assert.Single(seenFirst.Warnings);
        Assert.StartsWith("Alert not sent (NotificationWebhookMissing): This renewal has no webhook", warning);
        Assert.Contains($"Register-OneFlexRenewal -BotFolder '{BotFolder}' -WebhookUrl <url> saves it", warning);
        Assert.Contains("NOTIFICATION_WEBHOOK_URL in " + ConfigEnv, warning);
        Assert.Contains("pass -WebhookUrl to Invoke-OneFlexRenewal or Update-OneFlexBot.ps1", warning);
        Assert.DoesNotContain("-EnvPath", warning);
        Assert.Empty(seenSecond.Warnings);
        Assert.True(File.Exists(marker));
        Assert.Single(LogText().Split('\n'), line => line.Contains("WARN  Alert not sent (NotificationWebhookMissing): This renewal has no webhook"));
        Assert.Contains("INFO  Alert not sent (NotificationWebhookMissing): This renewal still has no webhook", LogText());

        // A run that finds a webhook alerts and forgets the warning, so a later run without one says it again.
        var (third, seenThird) = await RunAsync(Options());
        var (fourth, seenFourth) = await RunAsync(noWebhook with { MinimumValidity = TimeSpan.FromMinutes(-1) });

        Assert.Equal(ErrorIds.EnvFileNotFound, third.ErrorId);
        Assert.Single(_webhook.Received);
        Assert.Empty(seenThird.Warnings);
        Assert.Equal(ErrorIds.InvalidTimeout, fourth.ErrorId);
        Assert.StartsWith("Alert not sent (NotificationWebhookMissing): This renewal has no webhook", Assert.Single(seenFourth.Warnings));
        Assert.True(File.Exists(marker));
    }

    [SkippableFact]
    public async Task Tokens_saved_without_a_restart_are_restarted_by_the_next_run_even_when_nothing_is_due()
    {
        _engine.Require();
        var (_, refresh) = _simulator.IssueTokens();
        WriteBotFolder(ExpiredToken(), refresh);
        var bot = await CreateBotAsync();
        var startedBefore = await _engine.StartedAtAsync(bot);

        var (engineDown, _) = await RunAsync(Options(bot, dockerHost: "unix://" + Path.Combine(_root, "no-engine.sock")));

        Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.DockerUnreachable), (engineDown.Outcome, engineDown.ExitCode, engineDown.ErrorId));
        Assert.Equal(2, engineDown.FilesSaved.Count);
        Assert.True(File.Exists(Path.Combine(StateFolder, "restart-pending")));
        var saved = EnvFileReader.ReadTokens(ConfigEnv);
        Assert.True(TokenValidator.Evaluate(saved.AccessToken, MinimumValidity, DateTimeOffset.UtcNow).IsValid);

        var (engineBack, _) = await RunAsync(Options(bot));

        Assert.True(engineBack.Outcome == RenewalOutcome.Renewed, engineBack.ToString() + "\n" + LogText());
        Assert.StartsWith("Restarted " + bot + " with the token an earlier run saved", engineBack.Message);
        Assert.Equal(1, _simulator.RefreshGrantsServed);
        Assert.Empty(engineBack.FilesSaved);
        Assert.Equal(saved, EnvFileReader.ReadTokens(ConfigEnv));
        Assert.True(await _engine.StartedAtAsync(bot) > startedBefore, "the bot container was not restarted");
        Assert.False(File.Exists(Path.Combine(StateFolder, "restart-pending")));
        Assert.Equal(new[] { "OneFlex bot: token renewal failed", "OneFlex bot tokens renewed again" },
            _webhook.Received.Select(w => w.Json.GetProperty("embeds")[0].GetProperty("title").GetString()));

        var (quiet, _) = await RunAsync(Options(bot));
        Assert.Equal(RenewalOutcome.NothingDue, quiet.Outcome);
        await _engine.RemoveAsync(bot);
    }

    [SkippableFact]
    public async Task A_bot_container_missing_after_the_save_fails_the_run_with_ContainerNotFound_as_Restart_OneFlexBot_reports_it()
    {
        _engine.Require();
        var (_, refresh) = _simulator.IssueTokens();
        WriteBotFolder(ExpiredToken(), refresh);
        var missing = "oneflex-renewal-missing-" + Guid.NewGuid().ToString("N")[..8];

        var (result, _) = await RunAsync(Options(missing));

        Assert.True(result.Outcome == RenewalOutcome.Failed, result.ToString() + "\n" + LogText());
        Assert.Equal((1, ErrorIds.ContainerNotFound), (result.ExitCode, result.ErrorId));
        Assert.Contains(missing, result.Message);
        Assert.Equal(new[] { RootEnv, ConfigEnv }, result.FilesSaved.Select(f => f.Path));
        Assert.Empty(result.ContainersRestarted);
        Assert.True(File.Exists(Path.Combine(StateFolder, "restart-pending")), "the restart the run could not do is not pending");
        var alert = Assert.Single(_webhook.Received).Json.GetProperty("embeds")[0];
        Assert.Equal("OneFlex bot: token renewal failed", alert.GetProperty("title").GetString());
        Assert.StartsWith(ErrorIds.ContainerNotFound + " on ", alert.GetProperty("description").GetString());
        Assert.Contains(missing, alert.GetProperty("description").GetString());
        Assert.Contains(" ERROR ContainerNotFound (exit 1): No container matches " + missing + " on ", LogText());
        Assert.Equal(ErrorIds.ContainerNotFound, Assert.Single(RenewalLog.ReadRuns(LogPath)).ErrorId);

        // Restart-OneFlexBot, asked for the same name on the same engine, says the same thing.
        using var session = new PowerShellSession();
        var cmdlet = session.Invoke("Restart-OneFlexBot -DockerHost $args[0] -Name $args[1]", _engine.DockerHost, missing);
        var error = Assert.Single(cmdlet.AllErrors);
        Assert.StartsWith(ErrorIds.ContainerNotFound + ",", error.FullyQualifiedErrorId);
        Assert.Equal(error.Exception.Message, result.Message);
    }

    [Fact]
    public async Task A_run_waits_for_the_lock_another_run_holds_and_gives_up_after_the_lock_timeout_with_its_own_error_id()
    {
        var fresh = _simulator.IssueTokens();
        WriteBotFolder(fresh.AccessToken, fresh.RefreshToken);
        Directory.CreateDirectory(StateFolder);
        var lockPath = Path.Combine(StateFolder, "renewal.lock");

        RenewalResult waited;
        using (var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var running = RunAsync(Options() with { LockTimeout = TimeSpan.FromMinutes(1) });
            Assert.True(SpinWait.SpinUntil(() => LogText().Contains("Another renewal is running; waiting for it.", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), LogText());
            Assert.False(running.IsCompleted);
            Assert.Empty(RenewalLog.ReadRuns(LogPath));
            held.Dispose();
            waited = (await running).Result;
        }

        Assert.Equal(RenewalOutcome.NothingDue, waited.Outcome);

        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            File.Delete(ConfigEnv);
            var lockTimeout = TimeSpan.FromSeconds(1.5);
            var (timedOut, _) = await RunAsync(Options() with { LockTimeout = lockTimeout });

            // It gave up on the lock, not on the missing config/.env it never got to read.
            Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.RenewalLockTimeout), (timedOut.Outcome, timedOut.ExitCode, timedOut.ErrorId));
            Assert.True(timedOut.Duration >= lockTimeout, $"gave up after {timedOut.Duration}");
            Assert.Contains(lockPath, timedOut.Message);
            Assert.Equal("OneFlex bot: token renewal failed", Assert.Single(_webhook.Received).Json.GetProperty("embeds")[0].GetProperty("title").GetString());
        }

        Assert.Equal(new[] { RenewalOutcome.NothingDue, RenewalOutcome.Failed }, RenewalLog.ReadRuns(LogPath).Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_lock_timeout_that_is_not_positive_fails_with_its_id_in_the_log_of_a_first_run()
    {
        var fresh = _simulator.IssueTokens();
        WriteBotFolder(fresh.AccessToken, fresh.RefreshToken);

        var (result, _) = await RunAsync(Options() with { LockTimeout = TimeSpan.Zero });

        Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.InvalidTimeout), (result.Outcome, result.ExitCode, result.ErrorId));
        Assert.Equal(ErrorIds.InvalidTimeout, Assert.Single(RenewalLog.ReadRuns(LogPath)).ErrorId);
    }

    [Fact]
    public async Task A_negative_minimum_validity_fails_with_InvalidTimeout_as_Test_OneFlexToken_does_and_changes_no_file()
    {
        var expired = TestJwt.Create(DateTimeOffset.UtcNow.AddMinutes(-1));
        WriteBotFolder(expired, "0123456789abcdef0123");
        var rootBefore = File.ReadAllBytes(RootEnv);
        var configBefore = File.ReadAllBytes(ConfigEnv);

        var (result, _) = await RunAsync(Options() with { MinimumValidity = TimeSpan.FromMinutes(-1), NoBrowser = true });

        Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.InvalidTimeout), (result.Outcome, result.ExitCode, result.ErrorId));
        Assert.StartsWith("-MinimumValidity is -1 min; it must be from 0", result.Message);
        Assert.Equal(ErrorIds.InvalidTimeout, Assert.Single(RenewalLog.ReadRuns(LogPath)).ErrorId);
        Assert.Equal(rootBefore, File.ReadAllBytes(RootEnv));
        Assert.Equal(configBefore, File.ReadAllBytes(ConfigEnv));
    }

    [Fact]
    public async Task A_log_that_is_a_link_is_refused_exit_1_and_its_target_is_not_written()
    {
        Requirements.RequireUnix();
        var fresh = _simulator.IssueTokens();
        WriteBotFolder(fresh.AccessToken, fresh.RefreshToken);
        Directory.CreateDirectory(StateFolder);
        var victim = Path.Combine(_root, "victim.txt");
        File.WriteAllText(victim, "precious\n");
        File.CreateSymbolicLink(LogPath, victim);

        var (result, _) = await RunAsync(Options());

        Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.RenewalStateNotWritable), (result.Outcome, result.ExitCode, result.ErrorId));
        Assert.Contains(LogPath, result.Message);
        Assert.Equal("precious\n", File.ReadAllText(victim));
    }

    private RenewalOptions Options(string bot = "oneflex-renewal-absent", string? dockerHost = null) => new()
    {
        BotFolder = BotFolder,
        BaseUrl = _simulator.AppUrl.ToString(),
        ProfilePath = ProfilePath,
        DockerHost = dockerHost ?? (_engine.MissingReason is null ? _engine.DockerHost : "unix:///nonexistent/docker.sock"),
        BotName = bot,
        WebhookUrl = _webhook.Url.ToString(),
        MinimumValidity = MinimumValidity,
    };

    private static async Task<(RenewalResult Result, Seen Seen)> RunAsync(RenewalOptions options)
    {
        var seen = new Seen();
        var callbacks = new RenewalCallbacks { Verbose = seen.Verbose.Enqueue, Warning = seen.Warnings.Enqueue, Progress = seen.Progress.Enqueue };
        var result = await Task.Run(() => new BotRenewal(HostPlatform.Current).RunAsync(options, callbacks, CancellationToken.None));
        return (result, seen);
    }

    private async Task<string> CreateBotAsync()
    {
        var bot = "oneflex-renewal-" + Guid.NewGuid().ToString("N")[..8];
        await _engine.CreateBotAsync(bot, Path.Combine(BotFolder, "config"));
        return bot;
    }

    private string LogText()
    {
        try
        {
            return File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private string ExpiredToken()
    {
        var issued = DateTimeOffset.UtcNow.AddHours(-2);
        return _simulator.CreateAccessToken(issued, issued.AddMinutes(15));
    }

    private string WriteBotFolder(string accessToken, string refreshToken)
    {
        Directory.CreateDirectory(Path.Combine(BotFolder, "config"));
        var env = $"""
            # OneFlex bot — réservation
            ONEFLEX_TOKEN={accessToken}
            ONEFLEX_REFRESH_TOKEN={refreshToken}
            DESK_IDS=3-014,3-015

            """;
        File.WriteAllText(RootEnv, env);
        File.WriteAllText(ConfigEnv, env);
        return accessToken;
    }

    private sealed class Seen
    {
        public ConcurrentQueue<string> Verbose { get; } = new();

        public ConcurrentQueue<string> Warnings { get; } = new();

        public ConcurrentQueue<ProgressReport> Progress { get; } = new();
    }
}
