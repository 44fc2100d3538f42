using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>Real parsers to check quoting against: /bin/sh for POSIX words, the Windows rules for a command line.</summary>
internal static class ArgumentSplitting
{
    /// <summary>
    /// How a Windows program (pwsh.exe among them) splits its command line: CommandLineToArgvW on Windows; elsewhere
    /// .NET's own implementation of the same rules, which splits ProcessStartInfo.Arguments.
    /// </summary>
    public static string[] LikeWindows(string commandLine)
    {
        if (OperatingSystem.IsWindows())
        {
            var argv = CommandLineToArgvW("x.exe " + commandLine, out var count);
            try
            {
                return Enumerable.Range(1, count - 1).Select(i => Marshal.PtrToStringUni(Marshal.ReadIntPtr(argv, i * IntPtr.Size))!).ToArray();
            }
            finally
            {
                LocalFree(argv);
            }
        }

        return Run(new ProcessStartInfo("/bin/sh", "-c \"printf '%s\\0' \\\"$@\\\"\" sh " + commandLine));
    }

    /// <summary>What /bin/sh makes of <paramref name="script"/>'s words, printed back one by one.</summary>
    public static string[] LikeSh(string script)
    {
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return Run(start);
    }

    private static string[] Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Length == 0 ? Array.Empty<string>() : output[..^1].Split('\0');
    }

    [DllImport("shell32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern IntPtr CommandLineToArgvW(string commandLine, out int count);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);
}
