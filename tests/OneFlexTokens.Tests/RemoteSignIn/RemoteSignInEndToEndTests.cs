using System.Collections;
using System.Management.Automation;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneFlex.Simulator;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Renewal;
using OneFlexTokens.Tests.Docker;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.Notifications;
using OneFlexTokens.Tests.Scheduled;
using OneFlexTokens.Tests.SignIn;
using OneFlexTokens.TestSupport;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.RemoteSignIn;

/// <summary>
/// The sign-in from a phone end to end, with real parts only: the module's cmdlets and the shipped script in a real
/// engine, the simulator's three-step human sign-in (non-ASCII password, MFA code, pop-up, confirm), the engine's headless
/// Chromium streamed to the listener, a second Chromium playing the phone (<see cref="ScriptedPhone"/>), a bot container on
/// the private Docker engine, and a webhook receiving the alerts.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class RemoteSignInEndToEndTests : ScheduledBotTests
{
    private const string Password = "Pässwörd-ü€🔑 ĳ";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly Regex LinkPattern = new(@"https?://\S+/#[A-Za-z0-9_-]{40,}", RegexOptions.CultureInvariant);

    private readonly DockerEngineFixture _engine;

    public RemoteSignInEndToEndTests(DockerEngineFixture engine)
        : base("oneflex-remote-", new SimulatorOptions { HumanSignIn = true, HumanSignInPopup = true, HumanSignInConfirm = true, Password = Password }) => _engine = engine;

    [SkippableFact]
    public async Task The_link_from_the_information_stream_signs_in_on_a_phone_and_the_pipeline_saves_both_files_and_restarts_the_bot()
    {
        Requirements.Require(ScriptedPhone.MissingReason is null, ScriptedPhone.MissingReason ?? "");
        _engine.Require();
        var expired = WriteBotFolder("00000000000000000000");
        var bot = "oneflex-remote-" + Guid.NewGuid().ToString("N")[..8];
        await _engine.CreateBotAsync(bot, Path.Combine(BotFolder, "config"));
        var startedBefore = await _engine.StartedAtAsync(bot);

        using var session = new PowerShellSession();
        var running = session.Start(
            "Get-OneFlexToken -RemoteSignIn -BaseUrl $args[0] -ProfilePath $args[1] -ListenAddress 127.0.0.1:0 -Verbose | Save-OneFlexEnv -Path $args[2], $args[3] -PassThru | Restart-OneFlexBot -Name $args[4] -DockerHost $args[5]",
            null,
            Simulator.AppUrl.ToString(), ProfilePath, RootEnv, ConfigEnv, bot, _engine.DockerHost);
        var link = await LinkFromInformationAsync(running);

        // A chat app's preview fetches the page without the fragment: it consumes nothing.
        Assert.Equal(200, await ScriptedPhone.FetchLikeAPreviewAsync(link));

        await using var phone = await ScriptedPhone.StartAsync(RepoPaths.ModuleDirectory);
        var viewer = await phone.OpenAsync(link);
        Assert.DoesNotContain("#", viewer.Url, StringComparison.Ordinal);
        await ScriptedPhone.WaitForFirstFrameAsync(viewer, Bound);
        var notice = await SignInOnPhoneAsync(phone, viewer, () => string.Join("\n", running.PowerShell.Streams.Verbose.Select(v => v.Message)));

        var result = running.Wait(Bound);

        Assert.True(result.AllErrors.ToArray() is [], result.Describe());
        Assert.StartsWith("Signed in.", notice, StringComparison.Ordinal);
        var saved = EnvFileReader.ReadValues(ConfigEnv);
        var access = saved[EnvKeys.AccessToken];
        Assert.NotEqual(expired, access);
        Assert.Equal(access, EnvFileReader.ReadValues(RootEnv)[EnvKeys.AccessToken]);
        Assert.Contains("DESK_IDS=3-014,3-015", File.ReadAllText(RootEnv), StringComparison.Ordinal);
        Assert.True(await _engine.StartedAtAsync(bot) > startedBefore, "the bot container was not restarted");
        Assert.Equal(1, Simulator.SignInsCompleted);

        // The link goes to the information stream and the progress only; nothing else carries a secret or the password.
        var secret = link.Split('#')[1];
        foreach (var text in result.Verbose.Concat(result.Warnings).Concat(result.Debug).Concat(result.AllErrors.Select(e => e.ToString())))
        {
            SecretAssert.NotIn(text, secret, Password, access, saved[EnvKeys.RefreshToken]);
        }

        Assert.Contains(result.Information, line => line.Contains(link, StringComparison.Ordinal));
        Assert.Empty(BrowserProcesses());
        await AssertNotListeningAsync(link);
    }

    [SkippableFact]
    public async Task A_scheduled_run_alerts_with_the_link_later_runs_wait_and_the_phone_saves_restarts_and_alerts_again()
    {
        Requirements.Require(ScriptedPhone.MissingReason is null, ScriptedPhone.MissingReason ?? "");
        _engine.Require();
        var expired = WriteBotFolder("00000000000000000000");
        var bot = "oneflex-remote-" + Guid.NewGuid().ToString("N")[..8];
        await _engine.CreateBotAsync(bot, Path.Combine(BotFolder, "config"));
        var startedBefore = await _engine.StartedAtAsync(bot);

        var waiting = RenewalScriptRun.Start(Parameters(bot));
        Assert.True(await Webhook.WaitForAsync(1, Bound), "no alert came");
        var alert = Webhook.Received[0];
        var link = LinkPattern.Match(alert.Body).Value;
        Assert.NotEmpty(link);
        Assert.Equal(4, alert.Json.GetProperty("flags").GetInt32());
        Assert.Empty(BrowserProcesses());

        // A later scheduled run while the link waits: no second sign-in, no second alert.
        var later = RenewalScriptRun.Run(Parameters(bot));
        Assert.Equal(2, later.ExitCode);
        Assert.Contains("RESULT SignInWaiting", later.Log, StringComparison.Ordinal);
        Assert.Single(Webhook.Received);

        await using var phone = await ScriptedPhone.StartAsync(RepoPaths.ModuleDirectory);
        var viewer = await phone.OpenAsync(link);
        await ScriptedPhone.WaitForFirstFrameAsync(viewer, Bound);
        var notice = await SignInOnPhoneAsync(phone, viewer, LogText);

        var run = waiting.Wait();

        Assert.True(run.ExitCode == 0, run.Result.Describe() + "\n" + run.Log);
        Assert.Contains(bot, notice, StringComparison.Ordinal);
        var saved = EnvFileReader.ReadValues(ConfigEnv);
        var access = saved[EnvKeys.AccessToken];
        Assert.NotEqual(expired, access);
        Assert.Equal(access, EnvFileReader.ReadValues(RootEnv)[EnvKeys.AccessToken]);
        Assert.True(await _engine.StartedAtAsync(bot) > startedBefore, "the bot container was not restarted");
        Assert.True(await Webhook.WaitForAsync(2, Bound), "no 'renewed again' alert");
        Assert.Null(WaitingSignIn.Read(new RenewalState(StatePath)));

        // The link is in the first alert only: never in the log, the run's streams, or another alert.
        var secret = link.Split('#')[1];
        SecretAssert.NotIn(File.ReadAllText(LogPath), secret, Password, access);
        SecretAssert.NotLeaked(run.Result, secret, Password, access, saved[EnvKeys.RefreshToken]);
        SecretAssert.NotIn(Webhook.Received[1].Body, secret, Password, access);
        SecretAssert.NotIn(alert.Body, Password, access);

        // The next run renews without a human (the SSO session the phone opened lives in the profile).
        Assert.Empty(BrowserProcesses());
        await AssertNotListeningAsync(link);
    }

    [SkippableFact]
    public async Task When_the_bot_cannot_be_restarted_after_the_phone_signed_in_the_phone_says_so_and_the_restart_stays_pending()
    {
        Requirements.Require(ScriptedPhone.MissingReason is null, ScriptedPhone.MissingReason ?? "");
        WriteBotFolder("00000000000000000000");
        var parameters = Parameters("oneflex-bot");
        parameters["DockerHost"] = "unix:///nonexistent/docker.sock";
        var waiting = RenewalScriptRun.Start(parameters);
        Assert.True(await Webhook.WaitForAsync(1, Bound), "no alert came");
        var link = LinkPattern.Match(Webhook.Received[0].Body).Value;

        await using var phone = await ScriptedPhone.StartAsync(RepoPaths.ModuleDirectory);
        var viewer = await phone.OpenAsync(link);
        await ScriptedPhone.WaitForFirstFrameAsync(viewer, Bound);
        var notice = await SignInOnPhoneAsync(phone, viewer, LogText);
        var run = waiting.Wait();

        Assert.Contains("DockerUnreachable", notice, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 1, run.Result.Describe() + "\n" + run.Log);
        Assert.Contains("error=DockerUnreachable", run.Log, StringComparison.Ordinal);
        Assert.True(new RenewalState(StatePath).RestartPending, "the restart is not left for the next run");
        Assert.Equal(EnvFileReader.ReadValues(ConfigEnv)[EnvKeys.AccessToken], EnvFileReader.ReadValues(RootEnv)[EnvKeys.AccessToken]);
    }

    [SkippableFact]
    public async Task A_second_device_is_refused_and_Ctrl_C_during_the_session_leaves_no_browser_and_no_listener()
    {
        Requirements.Require(ScriptedPhone.MissingReason is null, ScriptedPhone.MissingReason ?? "");
        using var session = new PowerShellSession();
        var running = session.Start("Get-OneFlexToken -RemoteSignIn -BaseUrl $args[0] -ProfilePath $args[1] -ListenAddress 127.0.0.1:0", null, Simulator.AppUrl.ToString(), ProfilePath);
        var link = await LinkFromInformationAsync(running);
        await using (var phone = await ScriptedPhone.StartAsync(RepoPaths.ModuleDirectory))
        {
            var viewer = await phone.OpenAsync(link);
            await ScriptedPhone.WaitForFirstFrameAsync(viewer, Bound);

            // Another device with the same link, meanwhile: refused; the phone's session goes on.
            var intruder = await phone.OpenOnAnotherDeviceAsync(link);
            Assert.Contains("already used", await ScriptedPhone.WaitForNoticeAsync(intruder, Bound), StringComparison.Ordinal);
            Assert.True((await ScriptedPhone.StatsAsync(viewer)).GetProperty("frames").GetInt32() > 0);
            running.Stop();
            var result = running.Wait(Bound);
            Assert.IsType<PipelineStoppedException>(result.Terminating);
            Assert.Contains("stopped on the computer", await ScriptedPhone.WaitForNoticeAsync(viewer, Bound), StringComparison.Ordinal);
        }

        Assert.Empty(BrowserProcesses());
        await AssertNotListeningAsync(link);
    }

    /// <summary>The link, as the user sees it in the information stream, once the listener listens.</summary>
    private static async Task<string> LinkFromInformationAsync(RunningScript running)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Look(object? sender, DataAddedEventArgs e)
        {
            var records = (PSDataCollection<InformationRecord>)sender!;
            if (LinkPattern.Match(records[e.Index].ToString()) is { Success: true } match)
            {
                found.TrySetResult(match.Value);
            }
        }

        running.PowerShell.Streams.Information.DataAdded += Look;
        foreach (var record in running.PowerShell.Streams.Information.ToArray())
        {
            if (LinkPattern.Match(record.ToString()) is { Success: true } match)
            {
                found.TrySetResult(match.Value);
            }
        }

        var link = await found.Task.WaitAsync(Bound);
        running.PowerShell.Streams.Information.DataAdded -= Look;
        return link;
    }

    private static async Task AssertNotListeningAsync(string link)
    {
        var uri = new Uri(link);
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(uri.Host, uri.Port));
    }

    /// <summary>The whole sign-in typed on the phone (username, password, the MFA pop-up, the confirm): the phone's last notice.</summary>
    /// <param name="whatRan">What the run said so far, for the failure message when the phone does not finish.</param>
    private async Task<string> SignInOnPhoneAsync(ScriptedPhone phone, IPage viewer, Func<string> whatRan)
    {
        try
        {
            await phone.SignInAsync(viewer, new PhoneSignIn(Simulator.SsoUrl, Simulator.Options.UserEmail, Password, Popup: true, Confirm: true), Bound);
            return await ScriptedPhone.WaitForNoticeAsync(viewer, Bound);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw new TimeoutException($"The phone did not finish: {await ScriptedPhone.StatsAsync(viewer)}\n{whatRan()}", e);
        }
    }

    private string LogText() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "no log";

    private IReadOnlyList<int> BrowserProcesses() => ProcessTable.WithCommandLineContaining(ProfilePath);

    private Hashtable Parameters(string bot)
    {
        var parameters = ScriptParameters(bot, _engine.DockerHost);
        parameters["RemoteSignIn"] = true;
        parameters["ListenAddress"] = "127.0.0.1:0";
        return parameters;
    }
}
