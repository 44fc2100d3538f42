using System.ComponentModel;
using System.Diagnostics;

namespace OneFlexTokens.Scheduling;

/// <summary>What a program run by <see cref="ExternalProgram"/> ended with; <see cref="Output"/> is null when it wrote more than allowed.</summary>
internal sealed record ProgramRun(int ExitCode, byte[]? Output, string Errors, bool TimedOut)
{
    public string FirstErrorLine => Errors.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line : $"exit code {ExitCode}";
}

/// <summary>
/// Runs a system program (crontab, schtasks) with its arguments passed one by one (no shell), input written to it,
/// its output read up to a size bound and its run bounded in time (killed, with its children, past it).
/// </summary>
internal static class ExternalProgram
{
    /// <exception cref="Win32Exception">The program could not be started (not installed).</exception>
    public static ProgramRun Run(string executable, IEnumerable<string> arguments, byte[]? input, TimeSpan timeout, int maxOutputBytes, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = ReadBoundedAsync(process.StandardOutput.BaseStream, maxOutputBytes);
        var errors = ReadHeadAsync(process.StandardError.BaseStream, maxOutputBytes);
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

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProgramRun(-1, null, string.Empty, TimedOut: true);
        }

        return new ProgramRun(process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult(), TimedOut: false);
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream stream, int maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var tooLarge = false;
        int read;
        while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            // Past the bound, keep draining (so the program is not blocked on a full pipe) but keep nothing.
            tooLarge |= buffer.Length + read > maxBytes;
            if (!tooLarge)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        return tooLarge ? null : buffer.ToArray();
    }

    /// <summary>The first <paramref name="maxBytes"/> of what a program says on stderr (the rest drained), as text.</summary>
    private static async Task<string> ReadHeadAsync(Stream stream, int maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, (int)Math.Min(read, Math.Max(0, maxBytes - buffer.Length)));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
