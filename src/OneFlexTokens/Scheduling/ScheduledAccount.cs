using System.ComponentModel;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// The account a scheduled renewal runs as, and how to run a program as that account the way its scheduler will: a
/// child process for the caller's own schedule; for another user's (root only), through runuser (Linux) or sudo
/// (macOS), which take that account's groups from the system. Windows runs the task's program directly, as the caller.
/// </summary>
internal sealed class ScheduledAccount
{
    /// <summary>How long Register waits for the scheduled command's -Check run.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(60);

    private const int MaxOutputBytes = 64 * 1024;
    private readonly HostPlatform _host;

    /// <param name="user">Another account (the scheduler's user, root only); null for the caller.</param>
    public ScheduledAccount(HostPlatform host, string? user)
    {
        _host = host;
        User = user;
    }

    public string? User { get; }

    private string Name => User ?? _host.UserName;

    /// <summary>The words that run <paramref name="words"/> as this account.</summary>
    internal IReadOnlyList<string> As(IReadOnlyList<string> words) =>
        User is null || _host.IsWindows ? words
        : _host.OS == OSKind.MacOS ? new[] { "sudo", "-n", "-H", "-u", User, "--" }.Concat(words).ToList()
        : new[] { "runuser", "-u", User, "--" }.Concat(words).ToList();

    /// <summary>
    /// The words that run <paramref name="command"/> as cron runs a job's command (DSM's scheduler runs its
    /// user-defined script the same way): an environment holding only cron's own variables, then /bin/sh -c.
    /// </summary>
    internal IReadOnlyList<string> CronShell(string command) => As(new[]
    {
        "/usr/bin/env", "-i", "HOME=" + (User is null ? _host.HomeDirectory : "/"), "LOGNAME=" + Name, "SHELL=/bin/sh", "PATH=/usr/bin:/bin",
        "/bin/sh", "-c", command,
    });

    /// <summary>Whether this account may execute <paramref name="path"/>, asked as that account (test -x); on Windows, whether it exists.</summary>
    public bool CanExecute(string path) =>
        _host.IsWindows ? File.Exists(path)
        : Run(As(new[] { "/bin/sh", "-c", "test -x \"$1\"", "sh", path }), TimeSpan.FromSeconds(10), null) is { ExitCode: 0, TimedOut: false };

    /// <summary>Runs <paramref name="words"/> (already as this account), bounded in time and output; null when it could not be started.</summary>
    internal static ProgramRun? Run(IReadOnlyList<string> words, TimeSpan timeout, string? workingDirectory)
    {
        try
        {
            return ExternalProgram.Run(words[0], words.Skip(1), null, timeout, MaxOutputBytes, workingDirectory);
        }
        catch (Win32Exception)
        {
            return null;
        }
    }
}
