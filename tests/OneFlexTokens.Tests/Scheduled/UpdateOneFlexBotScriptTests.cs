using System.Collections;
using OneFlex.Simulator;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Renewal;
using OneFlexTokens.Tests.Docker;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.Notifications;
using OneFlexTokens.Tests.SignIn;
using Xunit;

namespace OneFlexTokens.Tests.Scheduled;

/// <summary>
/// The scheduled renewal end to end: the shipped Scripts/Update-OneFlexBot.ps1 against the simulator, headless Chromium,
/// a bot container on the private Docker engine and a local webhook receiving the alerts.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class UpdateOneFlexBotScriptTests : ScheduledBotTests
{
    private readonly DockerEngineFixture _engine;

    public UpdateOneFlexBotScriptTests(DockerEngineFixture engine)
        : base("oneflex-scheduled-", new SimulatorOptions()) => _engine = engine;

    [SkippableFact]
    public async Task Expired_token_is_renewed_into_both_files_and_the_bot_restarted_then_a_fresh_token_is_left_alone()
    {
        _engine.Require();
        var (_, refresh) = Simulator.IssueTokens();
        var expired = WriteBotFolder(refresh);
        var bot = "oneflex-sched-" + Guid.NewGuid().ToString("N")[..8];
        await _engine.CreateBotAsync(bot, Path.Combine(BotFolder, "config"));
        var startedBefore = await _engine.StartedAtAsync(bot);

        // Two overlapping runs: the lock makes the second wait, and it then finds nothing due.
        var first = RenewalScriptRun.Start(Parameters(bot));
        var second = RenewalScriptRun.Start(Parameters(bot));
        var runs = new[] { first.Wait(), second.Wait() };

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Result.Describe() + "\n" + run.Log));
        Assert.Equal(1, Simulator.RefreshGrantsServed);
        var saved = EnvFileReader.ReadValues(ConfigEnv);
        var access = saved[EnvKeys.AccessToken];
        Assert.NotEqual(expired, access);
        Assert.Equal(access, EnvFileReader.ReadValues(RootEnv)[EnvKeys.AccessToken]);
        Assert.Equal(saved[EnvKeys.RefreshToken], EnvFileReader.ReadValues(RootEnv)[EnvKeys.RefreshToken]);
        Assert.Contains("DESK_IDS=3-014,3-015", File.ReadAllText(RootEnv));
        Assert.True(await _engine.StartedAtAsync(bot) > startedBefore, "the bot container was not restarted");
        Assert.Contains(access, await _engine.WaitForLogAsync(bot, access, TimeSpan.FromSeconds(20)));
        Assert.Empty(Webhook.Received);
        Assert.False(Directory.Exists(ProfilePath), "the refresh grant sufficed, yet a browser profile was created");
        var log = runs[^1].Log;
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-Z][\d:]* INFO  Saved ", log);
        Assert.Contains("Restarted container " + bot, log);
        Assert.Contains("Nothing due", log);
        Assert.Equal(new[] { RenewalOutcome.NothingDue, RenewalOutcome.Renewed }, RenewalLog.ReadRuns(LogPath).Select(r => r.Outcome).Order());
        Assert.Contains(runs, run => run.Result.HostText.StartsWith("Renewed (exit 0): Renewed with Refresh: valid until ", StringComparison.Ordinal));

        // Nothing due: no grant, no browser, no restart, exit 0.
        var startedAfterRenewal = await _engine.StartedAtAsync(bot);
        var fresh = RenewalScriptRun.Run(Parameters(bot));

        Assert.Equal(0, fresh.ExitCode);
        Assert.Equal(1, Simulator.RefreshGrantsServed);
        Assert.Equal(0, Simulator.SignInFormsShown);
        Assert.False(Directory.Exists(ProfilePath));
        Assert.Empty(ProcessTable.WithCommandLineContaining(ProfilePath));
        Assert.Equal(startedAfterRenewal, await _engine.StartedAtAsync(bot));
        Assert.Matches("Nothing due: .*valid until", fresh.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        foreach (var run in runs.Append(fresh))
        {
            SecretAssert.NotLeaked(run.Result, expired, refresh, access, saved[EnvKeys.RefreshToken]);
        }

        SecretAssert.NotIn(fresh.Log, expired, refresh, access, saved[EnvKeys.RefreshToken]);
        await _engine.RemoveAsync(bot);
    }

    [SkippableFact]
    public void Ended_SSO_session_exits_2_with_one_alert_leaves_both_files_untouched_and_a_rerun_does_not_alert_again()
    {
        Requirements.RequireUnix();
        Requirements.Require(SignInScope.TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        var (_, refresh) = Simulator.IssueTokens();
        var expired = WriteBotFolder(refresh);
        Simulator.EndAllSsoSessions();
        var rootBefore = File.ReadAllBytes(RootEnv);
        var configBefore = File.ReadAllBytes(ConfigEnv);

        var run = RenewalScriptRun.Run(Parameters("oneflex-not-restarted"));

        Assert.True(run.ExitCode == 2, run.Result.Describe() + "\n" + run.Log);
        Assert.Equal(1, Simulator.SignInFormsShown);
        var alert = Assert.Single(Webhook.Received);
        var embed = Assert.Single(alert.Json.GetProperty("embeds").EnumerateArray());
        Assert.Equal("OneFlex bot: sign in again", embed.GetProperty("title").GetString());
        Assert.Contains("Get-OneFlexToken", embed.GetProperty("description").GetString());
        Assert.Equal(rootBefore, File.ReadAllBytes(RootEnv));
        Assert.Equal(configBefore, File.ReadAllBytes(ConfigEnv));
        Assert.Contains("ERROR InteractiveLoginRequired (exit 2)", run.Log);
        Assert.Contains(" RESULT SignInRequired exit=2 error=InteractiveLoginRequired ", run.Log);
        Assert.Contains("Sign in again, in pwsh on this machine: Import-Module ", run.Result.HostText);
        Assert.Empty(ProcessTable.WithCommandLineContaining(ProfilePath));

        var again = RenewalScriptRun.Run(Parameters("oneflex-not-restarted"));

        Assert.Equal(2, again.ExitCode);
        Assert.Single(Webhook.Received);
        Assert.Contains("Already alerted about InteractiveLoginRequired", again.Log);
        Assert.Equal(configBefore, File.ReadAllBytes(ConfigEnv));
        foreach (var result in new[] { run, again })
        {
            SecretAssert.NotLeaked(result.Result, expired, refresh);
            SecretAssert.NotIn(alert.Body, expired, refresh);
        }

        SecretAssert.NotIn(again.Log, expired, refresh, Webhook.Url.AbsolutePath);
    }

    [Fact]
    public void Without_a_browser_a_rejected_refresh_token_exits_2_with_the_sign_in_alert()
    {
        var (_, refresh) = Simulator.IssueTokens();
        var expired = WriteBotFolder(refresh);
        Simulator.EndAllSsoSessions();
        var configBefore = File.ReadAllBytes(ConfigEnv);
        var parameters = Parameters("oneflex-not-restarted");
        parameters["NoBrowser"] = true;

        var run = RenewalScriptRun.Run(parameters);

        Assert.True(run.ExitCode == 2, run.Result.Describe() + "\n" + run.Log);
        Assert.Contains("ERROR RefreshTokenRejected (exit 2)", run.Log);
        Assert.Equal("OneFlex bot: sign in again", Assert.Single(Webhook.Received).Json.GetProperty("embeds")[0].GetProperty("title").GetString());
        Assert.Equal(configBefore, File.ReadAllBytes(ConfigEnv));
        Assert.Equal(0, Simulator.SignInFormsShown);
        Assert.False(Directory.Exists(ProfilePath));
        SecretAssert.NotLeaked(run.Result, expired, refresh);
        SecretAssert.NotIn(run.Log, expired, refresh);
    }

    [Fact]
    public void A_run_waits_for_the_lock_another_run_holds_and_gives_up_after_the_lock_timeout()
    {
        var fresh = Simulator.IssueTokens();
        WriteBotFolder(fresh.RefreshToken, fresh.AccessToken);
        var state = StatePath;
        Directory.CreateDirectory(state);
        var parameters = Parameters("oneflex-not-restarted");
        parameters["LockTimeoutSeconds"] = 60;

        RenewalScriptRun waited;
        using (var held = new FileStream(Path.Combine(state, "renewal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var running = RenewalScriptRun.Start(parameters);
            Assert.True(SpinWait.SpinUntil(() => LogText().Contains("Another renewal is running", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), LogText());
            Assert.DoesNotContain("Nothing due", LogText());
            held.Dispose();
            waited = running.Wait();
        }

        Assert.Equal(0, waited.ExitCode);
        Assert.Contains("Nothing due", waited.Log);

        using (new FileStream(Path.Combine(state, "renewal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            parameters["LockTimeoutSeconds"] = 1;
            parameters["WebhookUrl"] = Webhook.Url.ToString();
            var timedOut = RenewalScriptRun.Run(parameters);

            Assert.Equal(1, timedOut.ExitCode);
            Assert.Contains("ERROR RenewalLockTimeout (exit 1)", timedOut.Log);
            Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.RenewalLockTimeout), RenewalLog.ReadRuns(LogPath).Select(r => (r.Outcome, r.ExitCode, r.ErrorId)).Last());
            Assert.Single(Webhook.Received);
            SecretAssert.NotLeaked(timedOut.Result, fresh.AccessToken, fresh.RefreshToken);
        }

        SecretAssert.NotLeaked(waited.Result, fresh.AccessToken, fresh.RefreshToken);
        SecretAssert.NotIn(LogText(), fresh.AccessToken, fresh.RefreshToken);
    }

    [Fact]
    public void Any_other_failure_exits_1_with_one_alert_and_a_success_later_says_so_once()
    {
        Directory.CreateDirectory(BotFolder);
        var parameters = Parameters("oneflex-not-restarted");
        parameters["WebhookUrl"] = Webhook.Url.ToString();

        var missing = RenewalScriptRun.Run(parameters);
        var again = RenewalScriptRun.Run(parameters);

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(1, again.ExitCode);
        var alert = Assert.Single(Webhook.Received);
        Assert.Equal("OneFlex bot: token renewal failed", alert.Json.GetProperty("embeds")[0].GetProperty("title").GetString());
        Assert.Contains("ERROR EnvFileNotFound (exit 1)", again.Log);

        var fresh = Simulator.IssueTokens();
        WriteBotFolder(fresh.RefreshToken, fresh.AccessToken);
        var recovered = RenewalScriptRun.Run(parameters);

        Assert.Equal(0, recovered.ExitCode);
        Assert.Equal(2, Webhook.Received.Count);
        Assert.Equal(0x2ECC71, Webhook.Received[1].Json.GetProperty("embeds")[0].GetProperty("color").GetInt32());
        Assert.Contains("Nothing due", recovered.Log);
        SecretAssert.NotLeaked(recovered.Result, fresh.AccessToken, fresh.RefreshToken);
        SecretAssert.NotIn(recovered.Log, fresh.AccessToken, fresh.RefreshToken, Webhook.Url.AbsolutePath);
    }

    [Fact]
    public void A_module_that_cannot_be_imported_still_exits_1_with_an_outcome_line_in_the_log()
    {
        var fresh = Simulator.IssueTokens();
        WriteBotFolder(fresh.RefreshToken, fresh.AccessToken);
        var parameters = Parameters("oneflex-not-restarted");
        parameters["ModulePath"] = Path.Combine(Root, "no-such-module", "OneFlexTokens.psd1");

        var run = RenewalScriptRun.Run(parameters);

        Assert.Equal(1, run.ExitCode);
        var failed = Assert.Single(RenewalLog.ReadRuns(LogPath));
        Assert.Equal((RenewalOutcome.Failed, 1), (failed.Outcome, failed.ExitCode));
        Assert.False(string.IsNullOrEmpty(failed.ErrorId));
        Assert.StartsWith("Failed (exit 1): " + failed.ErrorId + ": ", run.Result.HostText);
        Assert.Empty(Webhook.Received);
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

    private Hashtable Parameters(string bot) => ScriptParameters(bot, _engine.MissingReason is null ? _engine.DockerHost : "unix:///nonexistent/docker.sock");
}
