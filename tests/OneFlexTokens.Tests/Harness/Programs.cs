using System.Diagnostics;
using Xunit;

namespace OneFlexTokens.Tests.Harness;

/// <summary>The tests' one way to run a program as this process's user (chown, chmod, dotnet tool …) and fail the test when it fails.</summary>
public static class Programs
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="program"/> and returns its standard output; fails the test when it exits non-zero or runs past 30 s.</summary>
    public static string Run(string program, params string[] args) => Run(DefaultTimeout, program, args);

    /// <inheritdoc cref="Run(string, string[])"/>
    public static string Run(TimeSpan timeout, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within {timeout.TotalSeconds} s");
        }

        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {output.Result}{errors.Result}");
        return output.Result;
    }
}
