using System.Diagnostics;
using System.Runtime.Versioning;
using Xunit;

namespace OneFlexTokens.Tests.Harness;

/// <summary>
/// An unprivileged system user created for the tests (useradd) and removed after them (userdel), to run a process
/// as someone who is not root (setpriv, with no supplementary groups). Users left by a test run that was killed are
/// removed by the next run: the name carries the creating process's id, then a number, as test classes running in
/// parallel each have their own. Needs root, as CI runs.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ThrowawayUser : IDisposable
{
    private const string Prefix = "oneflext";
    private static int _made;

    public ThrowawayUser()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root")
        {
            Problem = "creating a throwaway user needs root (CI runs as root)";
            return;
        }

        RemoveLeftovers();
        // The count keeps test classes that each make one at the same time apart.
        Name = $"{Prefix}{Environment.ProcessId}n{Interlocked.Increment(ref _made)}";
        var (created, output) = Try("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", Name);
        if (!created)
        {
            Problem = $"useradd failed: {output}";
            Name = null;
            return;
        }

        Uid = uint.Parse(Try("id", "-u", Name).Output.Trim());
        Gid = uint.Parse(Try("id", "-g", Name).Output.Trim());
        Home = Directory.CreateTempSubdirectory($"{Prefix}-home-").FullName;
        Try("chown", $"{Uid}:{Gid}", Home);
    }

    public string? Name { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    /// <summary>Why there is no user, or null.</summary>
    public string? Problem { get; }

    private string? Home { get; }

    private readonly Dictionary<string, string> _copies = new(StringComparer.Ordinal);

    /// <summary>
    /// A copy of <paramref name="folder"/> this user can read (a temp folder, 0755, files readable by all, execute bits
    /// kept), made once per folder and removed on <see cref="Dispose"/>: the checkout may sit in a folder other accounts
    /// cannot enter (a 0700 home).
    /// </summary>
    public string ReadableCopy(string folder)
    {
        lock (_copies)
        {
            if (!_copies.TryGetValue(folder, out var copy))
            {
                copy = Directory.CreateTempSubdirectory($"{Prefix}-run-").FullName;
                _copies[folder] = copy;
                CopyReadable(new DirectoryInfo(folder), copy);
            }

            return copy;
        }
    }

    /// <summary>The EnvWriter helper (module code run as another process) in a copy this user can read.</summary>
    public string EnvWriterDll => Path.Combine(
        ReadableCopy(Path.GetDirectoryName(EnvFiles.EnvWriterProcessTests.HelperDll)!), Path.GetFileName(EnvFiles.EnvWriterProcessTests.HelperDll));

    private static void CopyReadable(DirectoryInfo source, string target)
    {
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(target, readable | executable | UnixFileMode.UserWrite);
        foreach (var file in source.EnumerateFiles())
        {
            var copied = file.CopyTo(Path.Combine(target, file.Name));
            File.SetUnixFileMode(copied.FullName, readable | UnixFileMode.UserWrite | (file.UnixFileMode.HasFlag(UnixFileMode.UserExecute) ? executable : 0));
        }

        foreach (var folder in source.EnumerateDirectories())
        {
            CopyReadable(folder, Directory.CreateDirectory(Path.Combine(target, folder.Name)).FullName);
        }
    }

    public void Require() => Requirements.Require(Name is not null, Problem ?? "no throwaway user");

    /// <summary>Runs <paramref name="program"/> as this user and returns its standard output; fails the test if it does not end in time or exits non-zero.</summary>
    public string Run(TimeSpan timeout, string program, params string[] args)
    {
        using var process = Process.Start(StartInfo(program, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} as {Name} did not finish within {timeout.TotalSeconds} s");
        }

        Assert.True(process.ExitCode == 0, $"{program} as {Name} exited with {process.ExitCode}: {errors.Result}");
        return output.Result;
    }

    /// <summary>How to start <paramref name="program"/> as this user (setpriv), standard output and error redirected, for a caller that talks to it.</summary>
    public ProcessStartInfo StartInfo(string program, params string[] args)
    {
        // In "/", as cron starts a job in a home: the test's own folder may be one this user cannot enter.
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var arg in new[] { $"--reuid={Uid}", $"--regid={Gid}", "--clear-groups", "--", program }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = Home;
        start.Environment["DOTNET_CLI_HOME"] = Home;
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        return start;
    }

    public void Dispose()
    {
        if (Name is not null)
        {
            Try("userdel", Name);
        }

        if (Home is not null)
        {
            Directory.Delete(Home, recursive: true);
        }

        foreach (var copy in _copies.Values)
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    private static void RemoveLeftovers()
    {
        foreach (var line in File.ReadAllLines("/etc/passwd"))
        {
            var name = line.Split(':')[0];
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(name[Prefix.Length..].Split('n')[0], out var pid) && !ProcessIds.IsRunning(pid))
            {
                Try("userdel", name);
            }
        }
    }

    private static (bool Ok, string Output) Try(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // useradd and userdel wait for the lock on /etc/passwd; another program may hold it for a moment.
        for (var attempt = 1; ; attempt++)
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode == 0 || attempt == 5 || !errors.Result.Contains("lock", StringComparison.OrdinalIgnoreCase))
            {
                return (process.ExitCode == 0, output.Result + errors.Result);
            }

            Thread.Sleep(200 * attempt);
        }
    }
}
