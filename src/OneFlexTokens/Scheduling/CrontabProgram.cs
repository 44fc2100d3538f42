using System.ComponentModel;
using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// A crontab, through the <c>crontab</c> program (never by writing cron's spool files): <c>crontab -l</c> to read,
/// <c>crontab -</c> to install, <c>crontab -r</c> to remove. The caller's own crontab, or with <see cref="User"/> another
/// user's (<c>crontab -u</c>, which only root may use). Bounded in time and size.
/// </summary>
internal sealed class CrontabProgram
{
    public const int MaxBytes = 1024 * 1024;

    private readonly string _executable;
    private readonly TimeSpan _timeout;

    public CrontabProgram(string? user = null, string executable = "crontab", TimeSpan? timeout = null)
    {
        User = user;
        _executable = executable;
        _timeout = timeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The user whose crontab this is; null for the caller's.</summary>
    public string? User { get; }

    /// <summary>The crontab's bytes; empty when the user has none.</summary>
    public byte[] Read()
    {
        var run = Run("-l", null);
        if (run.ExitCode == 0)
        {
            return run.Output ?? throw new OneFlexException(ErrorIds.CrontabFailed, ErrorCategory.LimitsExceeded, Messages.CrontabTooLarge(MaxBytes), _executable);
        }

        if (run.Errors.Contains("no crontab for", StringComparison.OrdinalIgnoreCase))
        {
            return Array.Empty<byte>();
        }

        throw Failed("-l", run);
    }

    /// <summary>Installs <paramref name="crontab"/> as the crontab, or removes the crontab when it is empty.</summary>
    public void Write(byte[] crontab)
    {
        var argument = crontab.Length == 0 ? "-r" : "-";
        var run = Run(argument, crontab.Length == 0 ? null : crontab);
        if (run.ExitCode != 0 && !(crontab.Length == 0 && run.Errors.Contains("no crontab for", StringComparison.OrdinalIgnoreCase)))
        {
            throw Failed(argument, run);
        }
    }

    private ProgramRun Run(string argument, byte[]? input)
    {
        var arguments = User is null ? new[] { argument } : new[] { "-u", User, argument };
        ProgramRun run;
        try
        {
            run = ExternalProgram.Run(_executable, arguments, input, _timeout, MaxBytes);
        }
        catch (Win32Exception e)
        {
            throw new OneFlexException(ErrorIds.CrontabUnavailable, ErrorCategory.NotInstalled, Messages.CrontabUnavailable(_executable), _executable, e);
        }

        if (run.TimedOut)
        {
            throw new OneFlexException(ErrorIds.CrontabFailed, ErrorCategory.OperationTimeout, Messages.CrontabTimedOut(argument, _timeout), _executable);
        }

        return run;
    }

    private OneFlexException Failed(string argument, ProgramRun run) =>
        new(ErrorIds.CrontabFailed, ErrorCategory.InvalidOperation, Messages.CrontabFailed(argument, run.FirstErrorLine), _executable);
}
