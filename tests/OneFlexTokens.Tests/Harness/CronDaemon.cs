using System.Diagnostics;
using System.Runtime.Versioning;

namespace OneFlexTokens.Tests.Harness;

/// <summary>
/// Debian's cron daemon running for a test: the one already running here (its pid file names a live cron), or one
/// started in the foreground (<c>cron -f</c>) and stopped, by its own process, when disposed. Needs root.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CronDaemon : IDisposable
{
    private const string PidFile = "/var/run/crond.pid";
    private readonly Process? _started;

    private CronDaemon(Process? started) => _started = started;

    /// <summary>Why no cron daemon can run here, or null.</summary>
    public static string? Problem =>
        OperatingSystem.IsWindows() || Environment.UserName != "root" ? "running the cron daemon needs root on Linux (CI runs as root)"
        : !File.Exists("/usr/sbin/cron") ? "no cron daemon (Debian: apt-get install cron; tests/install-deps.sh does)"
        : null;

    public static CronDaemon Start()
    {
        if (CronHoldsThePidFile())
        {
            // Only one cron may hold the pid file's lock: the running one reads every crontab, ours included.
            return new CronDaemon(null);
        }

        Directory.CreateDirectory("/var/run");
        // Not redirected: the jobs cron forks inherit its output, and one from /etc/crontab (cron.daily at 06:25, which
        // sleeps for minutes) would hold a pipe open long after the daemon was stopped, and the test waiting on it.
        var start = new ProcessStartInfo("/usr/sbin/cron", "-f") { UseShellExecute = false };
        return new CronDaemon(Process.Start(start)!);
    }

    /// <summary>Throws when the cron this test relies on is gone (the one started here ended, e.g. another cron took the lock and then ended).</summary>
    public void EnsureRunning()
    {
        if (_started is { HasExited: true } && !CronHoldsThePidFile())
        {
            throw new InvalidOperationException($"cron -f ended with exit code {_started.ExitCode} and no other cron runs");
        }
    }

    public void Dispose()
    {
        if (_started is null)
        {
            return;
        }

        if (!_started.HasExited)
        {
            _started.Kill();
            _started.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _started.Dispose();
    }

    /// <summary>Whether a cron daemon runs: it holds an exclusive lock on its pid file for as long as it runs.</summary>
    private static bool CronHoldsThePidFile()
    {
        try
        {
            // .NET takes a shared flock when it opens a file: that fails only while cron holds its exclusive one.
            using var pidFile = new FileStream(PidFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
