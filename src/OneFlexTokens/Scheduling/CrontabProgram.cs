using System.ComponentModel;
using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.Common;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// The caller's crontab, through the <c>crontab</c> program (never by writing cron's spool files): <c>crontab -l</c>
/// to read, <c>crontab -</c> to install, <c>crontab -r</c> to remove. Bounded in time and size.
/// </summary>
internal sealed class CrontabProgram
{
    public const int MaxBytes = 1024 * 1024;

    private readonly string _executable;
    private readonly TimeSpan _timeout;

    public CrontabProgram(string executable = "crontab", TimeSpan? timeout = null)
    {
        _executable = executable;
        _timeout = timeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The crontab's bytes; empty when the user has none.</summary>
    public byte[] Read()
    {
        var (exitCode, output, errors) = Run(new[] { "-l" }, null);
        if (exitCode == 0)
        {
            return output;
        }

        if (errors.Contains("no crontab for", StringComparison.OrdinalIgnoreCase))
        {
            return Array.Empty<byte>();
        }

        throw Failed("-l", errors, exitCode);
    }

    /// <summary>Installs <paramref name="crontab"/> as the user's crontab, or removes the crontab when it is empty.</summary>
    public void Write(byte[] crontab)
    {
        var arguments = crontab.Length == 0 ? new[] { "-r" } : new[] { "-" };
        var (exitCode, _, errors) = Run(arguments, crontab.Length == 0 ? null : crontab);
        if (exitCode != 0 && !(crontab.Length == 0 && errors.Contains("no crontab for", StringComparison.OrdinalIgnoreCase)))
        {
            throw Failed(arguments[0], errors, exitCode);
        }
    }

    private (int ExitCode, byte[] Output, string Errors) Run(string[] arguments, byte[]? input)
    {
        var start = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new OneFlexException(ErrorIds.CrontabUnavailable, ErrorCategory.NotInstalled, Messages.CrontabUnavailable(_executable), _executable, e);
        }

        using (process)
        {
            var output = ReadBoundedAsync(process.StandardOutput.BaseStream);
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                if (input is not null)
                {
                    process.StandardInput.BaseStream.Write(input);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It stopped reading (and says why on stderr).
            }

            if (!process.WaitForExit(_timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new OneFlexException(ErrorIds.CrontabFailed, ErrorCategory.OperationTimeout, Messages.CrontabTimedOut(arguments[0], _timeout), _executable);
            }

            var bytes = output.GetAwaiter().GetResult() ?? throw new OneFlexException(ErrorIds.CrontabFailed, ErrorCategory.LimitsExceeded, Messages.CrontabTooLarge(MaxBytes), _executable);
            return (process.ExitCode, bytes, errors.GetAwaiter().GetResult());
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private OneFlexException Failed(string argument, string errors, int exitCode)
    {
        var firstLine = errors.Split('\n', 2)[0].Trim();
        return new OneFlexException(ErrorIds.CrontabFailed, ErrorCategory.InvalidOperation,
            Messages.CrontabFailed(argument, firstLine.Length > 0 ? firstLine : $"exit code {exitCode}"), _executable);
    }
}
