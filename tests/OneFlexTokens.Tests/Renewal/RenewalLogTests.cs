using System.Runtime.Versioning;
using OneFlexTokens.Errors;
using OneFlexTokens.Renewal;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>The renewal log: its two kinds of line, what it never holds, its bound, and the files it refuses.</summary>
public sealed class RenewalLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oneflex-renewal-log-").FullName;

    private string LogPath => Path.Combine(_folder, "renewal.log");

    public void Dispose() => Directory.Delete(_folder, true);

    [Fact]
    public void Outcome_lines_are_read_back_and_detail_lines_are_not_runs()
    {
        var log = new RenewalLog(LogPath);
        log.Info("Renewal due: Expired.");
        log.Outcome(RenewalOutcome.Renewed, null, "Renewed with Refresh: valid until 2026-12-03 12:00:00Z.");
        log.Error("DockerUnreachable (exit 1): Cannot reach the Docker engine.");
        log.Outcome(RenewalOutcome.Failed, ErrorIds.DockerUnreachable, "Cannot reach the Docker engine at unix:///var/run/docker.sock:\nconnection refused.");
        log.Outcome(RenewalOutcome.SignInRequired, ErrorIds.RefreshTokenRejected, "The service rejected the refresh token.");

        var lines = File.ReadAllLines(LogPath);
        var runs = RenewalLog.ReadRuns(LogPath);

        Assert.Equal(5, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d (INFO |ERROR|RESULT) \S", line));
        Assert.Equal(
            new[] { (RenewalOutcome.Renewed, 0, (string?)null), (RenewalOutcome.Failed, 1, ErrorIds.DockerUnreachable), (RenewalOutcome.SignInRequired, 2, ErrorIds.RefreshTokenRejected) },
            runs.Select(r => (r.Outcome, r.ExitCode, r.ErrorId)));
        Assert.StartsWith("Cannot reach the Docker engine at ", runs[1].Message);
        Assert.EndsWith(": connection refused.", runs[1].Message);
        Assert.True((DateTimeOffset.Now - runs[0].Time).Duration() < TimeSpan.FromMinutes(1));
        Assert.Equal(runs.TakeLast(2), RenewalLog.ReadRuns(LogPath, last: 2));
    }

    [Fact]
    public void A_hostile_outcome_line_is_read_back_with_its_control_characters_escaped()
    {
        // Issue 16, finding 9: whoever could write the log could put a title, a bell and a clear-screen there.
        var run = RenewalLog.ParseOutcome("2026-12-07T04:00:00+00:00 RESULT Failed exit=1 error=Boom\u001b]0;t\u0007 \u001b[2J\u009b31mred\u0000");

        Assert.NotNull(run);
        Assert.Equal(@"Boom\e]0;t\x07", run.ErrorId);
        Assert.Equal(@"\e[2J\x9B31mred\0", run.Message);
    }

    [Fact]
    public void No_token_URL_user_info_or_webhook_path_is_ever_written()
    {
        var access = TestJwt.Valid();
        const string refresh = "0123456789abcdef0123456789";
        const string webhook = "https://discord.com/api/webhooks/123456/s3cr3t-webhook-token";
        var log = new RenewalLog(LogPath);

        log.Warn($"ONEFLEX_TOKEN={access} and ONEFLEX_REFRESH_TOKEN={refresh} posted to {webhook}");
        log.Info("Asked https://jane:hunter2@oneflex.example.com/api/auth/token with Bearer " + access);
        log.Outcome(RenewalOutcome.Failed, ErrorIds.NotificationRejected, $"{webhook} refused {access}");

        var text = File.ReadAllText(LogPath);
        SecretAssert.NotIn(text, access, refresh, "/api/webhooks/123456/s3cr3t-webhook-token", "hunter2", "jane:");
        Assert.Contains("https://discord.com/", text);
        Assert.Contains("oneflex.example.com", text);
        Assert.Equal(3, File.ReadAllLines(LogPath).Length);
    }

    [Fact]
    public void The_log_is_rotated_by_size_keeping_one_old_file_and_the_runs_of_both_are_read()
    {
        const long max = 4096;
        var log = new RenewalLog(LogPath, max) { MayRotate = true };
        for (var run = 0; run < 200; run++)
        {
            log.Info($"Run {run}: renewal due, a detail line that takes some room in the log.");
            log.Outcome(RenewalOutcome.NothingDue, null, $"Run {run} found nothing due.");
        }

        Assert.Equal(new[] { "renewal.log", "renewal.log.1" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(_folder), file => Assert.InRange(new FileInfo(file).Length, 1, max));
        Assert.True(new FileInfo(LogPath + ".1").Length > max / 2, "the old file was rotated long before it was full");
        var runs = RenewalLog.ReadRuns(LogPath);
        Assert.Equal("Run 199 found nothing due.", runs[^1].Message);
        var numbers = runs.Select(r => int.Parse(r.Message.Split(' ')[1])).ToArray();
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Length), numbers);
        Assert.True(numbers.Length > 20, $"only {numbers.Length} runs survived two files of {max} bytes");
    }

    [Fact]
    public void A_run_without_the_lock_does_not_rotate()
    {
        var log = new RenewalLog(LogPath, 512);
        for (var i = 0; i < 20; i++)
        {
            log.Info("A waiting run's line: it may not rotate a file the lock holder writes.");
        }

        Assert.False(File.Exists(LogPath + ".1"));
        Assert.True(new FileInfo(LogPath).Length > 512);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_log_is_created_owner_only_and_an_existing_one_is_made_so()
    {
        Requirements.RequireUnix();
        new RenewalLog(LogPath).Info("first");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LogPath));

        File.SetUnixFileMode(LogPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        new RenewalLog(LogPath).Info("second");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(LogPath));
        Assert.Equal(2, File.ReadAllLines(LogPath).Length);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_log_that_is_a_link_or_a_fifo_is_refused_with_its_id_and_nothing_is_written_through_it()
    {
        Requirements.RequireUnix();
        var target = Path.Combine(_folder, "target.txt");
        File.WriteAllText(target, "keep\n");
        File.CreateSymbolicLink(LogPath, target);

        var link = Assert.Throws<OneFlexException>(() => new RenewalLog(LogPath).Info("through a link"));

        Assert.Equal(ErrorIds.RenewalStateNotWritable, link.ErrorId);
        Assert.Equal("keep\n", File.ReadAllText(target));
        Assert.Empty(RenewalLog.ReadRuns(LogPath));

        var fifo = Path.Combine(_folder, "fifo.log");
        Assert.Equal(0, Mkfifo(fifo, 0x180));
        var refused = Assert.Throws<OneFlexException>(() => new RenewalLog(fifo).Info("into a FIFO"));
        Assert.Equal(ErrorIds.RenewalStateNotWritable, refused.ErrorId);
        Assert.Empty(RenewalLog.ReadRuns(fifo));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, uint mode);
}
