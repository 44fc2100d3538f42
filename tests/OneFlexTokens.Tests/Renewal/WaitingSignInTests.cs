using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Renewal;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.Notifications;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>
/// The one waiting sign-in from a phone of a bot folder (issue 19, item 4): its lock and file, what other runs and
/// Get-OneFlexRenewal make of it, and hostile state. Real files, a real second process holding the lock, a real webhook.
/// </summary>
public sealed class WaitingSignInTests : IAsyncLifetime
{
    private static readonly DateTimeOffset LinkExpiry = new(2026, 12, 8, 8, 30, 0, TimeSpan.Zero);

    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-waiting-").FullName;
    private WebhookReceiver _webhook = null!;

    private string BotFolder => Path.Combine(_root, "bot");

    private string StateFolder => Path.Combine(BotFolder, ".oneflextokens");

    private RenewalState State => new(StateFolder);

    private string WaitingFile => Path.Combine(StateFolder, RenewalState.SignInWaitingFileName);

    private string LockPath => Path.Combine(StateFolder, RenewalState.SignInLockFileName);

    private static WaitingSignInInfo Info => new(DateTimeOffset.Now, LinkExpiry, "0.0.0.0:8765", "https://nas.example.ts.net/oneflex/", Environment.ProcessId);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(BotFolder, "config"));
        File.WriteAllText(Path.Combine(BotFolder, "config", ".env"), $"ONEFLEX_TOKEN={TestJwt.Create(DateTimeOffset.UtcNow.AddHours(2))}\n");
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _webhook.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void One_sign_in_waits_at_a_time_and_ending_it_removes_its_file_and_frees_the_next()
    {
        using (var waiting = WaitingSignIn.TryBegin(State, Info))
        {
            Assert.NotNull(waiting);
            Assert.Null(WaitingSignIn.TryBegin(State, Info));
            var read = WaitingSignIn.Read(State);
            Assert.Equal(Info with { Started = read!.Started }, read);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(WaitingFile));
            }

            waiting!.Update(Info with { Listening = "0.0.0.0:9443" });
            Assert.Equal("0.0.0.0:9443", WaitingSignIn.Read(State)!.Listening);
        }

        Assert.False(File.Exists(WaitingFile));
        Assert.Null(WaitingSignIn.Read(State));
        using var next = WaitingSignIn.TryBegin(State, Info);
        Assert.NotNull(next);
    }

    [Fact]
    public void The_file_never_holds_the_links_secret_even_when_given_the_whole_link()
    {
        var link = SignInLink.Create("https://nas.example.ts.net/", TimeSpan.FromHours(12), TimeProvider.System);
        var secret = link.Link[(link.Link.IndexOf('#') + 1)..];

        using (WaitingSignIn.TryBegin(State, WaitingSignInInfo.Of(link, "127.0.0.1:8765") with { PublicUrl = link.Link }))
        {
            SecretAssert.NotIn(File.ReadAllText(WaitingFile), secret);
            Assert.Equal("https://nas.example.ts.net/", WaitingSignIn.Read(State)!.PublicUrl);
            Assert.Equal(link.ExpiresAt, WaitingSignIn.Read(State)!.LinkExpiresAt);
        }
    }

    [SkippableFact]
    public void A_waiter_in_another_process_is_seen_and_once_it_is_killed_its_left_file_counts_for_nothing()
    {
        Requirements.RequireUnix();
        Directory.CreateDirectory(StateFolder);
        File.WriteAllText(WaitingFile, """{"started":"2026-12-08T02:00:00.0000000+00:00","linkExpiresAt":"2026-12-08T14:00:00.0000000+00:00","listening":"127.0.0.1:8765","publicUrl":"https://nas.example.ts.net/","pid":4242}""");
        using var waiter = HoldLockInAnotherProcess();

        Assert.Null(WaitingSignIn.TryBegin(State, Info));
        var seen = WaitingSignIn.Read(State);
        Assert.Equal((4242, "127.0.0.1:8765"), (seen!.ProcessId, seen.Listening));

        waiter.Kill();
        Assert.True(File.Exists(WaitingFile));
        Assert.Null(WaitingSignIn.Read(State));
        using var next = WaitingSignIn.TryBegin(State, Info);
        Assert.NotNull(next);
    }

    [SkippableTheory]
    [InlineData("fifo")]
    [InlineData("huge")]
    [InlineData("bad json")]
    [InlineData("wrong types")]
    public void A_hostile_waiting_file_reads_as_none_without_blocking(string kind)
    {
        Requirements.RequireUnix();
        using var waiter = HoldLockInAnotherProcess();
        switch (kind)
        {
            case "fifo":
                Programs.Run("mkfifo", WaitingFile);
                break;
            case "huge":
                using (var file = File.Create(WaitingFile))
                {
                    file.SetLength(2L * 1024 * 1024 * 1024);
                }

                break;
            case "bad json":
                File.WriteAllText(WaitingFile, "{\"started\": ");
                break;
            default:
                File.WriteAllText(WaitingFile, """{"started":1,"linkExpiresAt":[],"listening":{},"publicUrl":null,"pid":"x"}""");
                break;
        }

        Assert.Null(WaitingSignIn.Read(State));
    }

    [SkippableFact]
    public void A_lock_that_is_no_regular_file_and_a_file_of_another_account_are_refused_as_the_state_folders_other_files()
    {
        Requirements.RequireUnix();
        Directory.CreateDirectory(StateFolder);
        Programs.Run("mkfifo", LockPath);
        foreach (var refused in new Func<object?>[] { () => WaitingSignIn.Read(State), () => WaitingSignIn.TryBegin(State, Info) })
        {
            var error = Assert.Throws<OneFlexException>(refused);
            Assert.Equal((ErrorIds.RenewalStateNotWritable, ErrorCategory.SecurityError), (error.ErrorId, error.Category));
        }

        File.Delete(LockPath);
        Skip.IfNot(Environment.UserName == "root", "Giving a file to another account needs root.");
        using var waiter = HoldLockInAnotherProcess();
        File.WriteAllText(WaitingFile, "{}");
        Programs.Run("chown", "65534:65534", WaitingFile);
        Assert.Equal(ErrorIds.StateNotTrusted, Assert.Throws<OneFlexException>(() => WaitingSignIn.Read(State)).ErrorId);
    }

    [Fact]
    public async Task While_a_sign_in_waits_a_run_with_RemoteSignIn_ends_at_once_with_exit_2_no_alert_and_without_waiting_for_the_renewal_lock()
    {
        var options = new RenewalOptions { BotFolder = BotFolder, RemoteSignInEnabled = true, WebhookUrl = _webhook.Url.ToString(), LockTimeout = TimeSpan.FromSeconds(1) };
        using (WaitingSignIn.TryBegin(State, Info))
        using (LockFile.Acquire(Path.Combine(StateFolder, RenewalState.LockFileName), TimeSpan.FromSeconds(5), CancellationToken.None))
        {
            var clock = Stopwatch.StartNew();
            var result = await new BotRenewal(HostPlatform.Current).RunAsync(options, new RenewalCallbacks(), CancellationToken.None);

            Assert.True(result.Outcome == RenewalOutcome.SignInWaiting, result.ToString());
            Assert.Equal((2, (string?)null), (result.ExitCode, result.ErrorId));
            Assert.True(clock.Elapsed < options.LockTimeout, $"the run waited {clock.Elapsed} for the renewal lock");
            Assert.Equal($"A sign-in from a phone is waiting (listening on 0.0.0.0:8765, link valid until {LinkExpiry:u}): open the link its alert carries. This run changed nothing and sent no alert.", result.Message);
            var run = Assert.Single(RenewalLog.ReadRuns(Path.Combine(StateFolder, "renewal.log")));
            Assert.Equal((RenewalOutcome.SignInWaiting, 2, (string?)null), (run.Outcome, run.ExitCode, run.ErrorId));
            Assert.StartsWith("A sign-in from a phone is waiting (listening on 0.0.0.0:8765, link valid until ", run.Message, StringComparison.Ordinal);

            // Without -RemoteSignIn a run does not look: it waits for the renewal lock as before.
            Assert.Empty(_webhook.Received);
            var without = await new BotRenewal(HostPlatform.Current).RunAsync(options with { RemoteSignInEnabled = false, WebhookUrl = null }, new RenewalCallbacks(), CancellationToken.None);
            Assert.Equal(ErrorIds.RenewalLockTimeout, without.ErrorId);
        }

        var after = await new BotRenewal(HostPlatform.Current).RunAsync(options, new RenewalCallbacks(), CancellationToken.None);
        Assert.True(after.Outcome == RenewalOutcome.NothingDue, after.ToString());
        Assert.Empty(_webhook.Received);
    }

    [Fact]
    public async Task A_run_with_a_listener_parameter_but_no_RemoteSignIn_fails_with_RemoteSignInParameterWithoutSwitch_in_its_log()
    {
        var result = await new BotRenewal(HostPlatform.Current).RunAsync(
            new RenewalOptions { BotFolder = BotFolder, PublicUrl = "https://nas.example.ts.net/" }, new RenewalCallbacks(), CancellationToken.None);

        Assert.Equal((RenewalOutcome.Failed, 1, ErrorIds.RemoteSignInParameterWithoutSwitch), (result.Outcome, result.ExitCode, result.ErrorId));
        Assert.Equal(ErrorIds.RemoteSignInParameterWithoutSwitch, Assert.Single(RenewalLog.ReadRuns(Path.Combine(StateFolder, "renewal.log"))).ErrorId);
    }

    [Fact]
    public void Get_OneFlexRenewal_shows_where_a_waiting_sign_in_listens_and_until_when_its_link_works()
    {
        using var session = new PowerShellSession();
        var before = session.Invoke("Get-OneFlexRenewal -BotFolder $args[0]", BotFolder).ThrowOnError();
        var idle = Assert.IsType<RenewalStatus>(Assert.Single(before.Output).BaseObject);
        Assert.Equal((null, null, false), (idle.SignInWaitingUntil, idle.SignInListening, idle.SignInRequired));

        using (WaitingSignIn.TryBegin(State, Info))
        {
            var shown = session.Invoke("$s = Get-OneFlexRenewal -BotFolder $args[0]; $s; $s | Out-String -Width 250", BotFolder).ThrowOnError();
            var status = Assert.IsType<RenewalStatus>(shown.Output[0].BaseObject);
            Assert.Equal((LinkExpiry, "0.0.0.0:8765"), (status.SignInWaitingUntil, status.SignInListening));
            var text = (string)shown.Output[1].BaseObject;
            Assert.Contains($"SignInWaiting  : a sign-in from a phone, listening on 0.0.0.0:8765; its link works until {LinkExpiry.ToLocalTime():yyyy-MM-dd HH:mm}", text);
            Assert.Contains("SignInRequired : YES: open the link of the sign-in alert on your phone", text);
        }
    }

    /// <summary>A real second process (flock(1), which alone holds it) holding the sign-in lock as a waiting run does, until killed or disposed.</summary>
    private LockHolder HoldLockInAnotherProcess()
    {
        Directory.CreateDirectory(StateFolder);
        var start = new ProcessStartInfo("flock", new[] { "--close", LockPath, "sh", "-c", "echo held; exec cat" })
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        Assert.Equal("held", process.StandardOutput.ReadLine());
        return new LockHolder(process);
    }

    private sealed class LockHolder(Process process) : IDisposable
    {
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                Kill();
            }

            process.Dispose();
        }
    }
}
