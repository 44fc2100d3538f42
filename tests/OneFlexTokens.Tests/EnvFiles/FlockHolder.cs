using System.Diagnostics;
using System.Runtime.Versioning;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// Another program holding a folder's lock, the one every save takes: util-linux's flock(1) on the folder, running
/// a shell that says "held" once it has the lock and keeps it until its input closes (on <see cref="Dispose"/>).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class FlockHolder : IDisposable
{
    private readonly Process _process;
    private bool _released;

    /// <param name="asUser">How to start a program as another user (<see cref="Harness.ThrowawayUser.StartInfo"/>); null for this process's user.</param>
    public FlockHolder(string folder, Func<string, string[], ProcessStartInfo>? asUser = null)
    {
        string[] args = { "--exclusive", folder, "sh", "-c", "echo held; read line" };
        var start = asUser?.Invoke("flock", args) ?? PlainStart("flock", args);
        start.RedirectStandardInput = true;
        _process = Process.Start(start)!;
        var held = _process.StandardOutput.ReadLineAsync();
        if (!held.Wait(TimeSpan.FromSeconds(30)) || held.Result != "held")
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail("flock(1) did not take the folder's lock: " + _process.StandardError.ReadToEnd());
        }
    }

    /// <summary>Releases the lock: the shell ends when its input closes, and flock(1) with it. Once; later calls do nothing.</summary>
    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _process.StandardInput.Close();
        Assert.True(_process.WaitForExit(30_000), "flock(1) did not end when its input closed");
        _process.Dispose();
    }

    private static ProcessStartInfo PlainStart(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
