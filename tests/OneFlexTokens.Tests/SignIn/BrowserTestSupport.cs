using System.Diagnostics;
using System.Runtime.InteropServices;
using OneFlex.Simulator;
using OneFlexTokens.Common;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>
/// Tests that start a real browser run one at a time and alone: they change DISPLAY for the process, count
/// browser and driver processes, and Chromium on two shared cores is slow enough without company.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<XvfbDisplay>
{
    public const string Name = "Real browser";
}

/// <summary>One Xvfb server for the collection. Tests take its display for themselves with <see cref="Use"/>.</summary>
public sealed class XvfbDisplay : IDisposable
{
    private readonly Process? _server;

    public XvfbDisplay()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/Xvfb"))
        {
            return;
        }

        for (var number = 91; number < 120 && _server is null; number++)
        {
            var socket = $"/tmp/.X11-unix/X{number}";
            if (File.Exists(socket) || File.Exists($"/tmp/.X{number}-lock"))
            {
                continue;
            }

            var process = Process.Start(new ProcessStartInfo("/usr/bin/Xvfb", $":{number} -screen 0 1280x800x24 -nolisten tcp")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            process.ErrorDataReceived += (_, _) => { };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (Wait.Until(() => File.Exists(socket) || process.HasExited, TimeSpan.FromSeconds(15)) && !process.HasExited)
            {
                _server = process;
                Display = $":{number}";
            }
            else
            {
                Stop(process);
            }
        }
    }

    public string? Display { get; }

    public bool Available => Display is not null;

    /// <summary>Sets DISPLAY (and clears WAYLAND_DISPLAY) for this process until disposed.</summary>
    public IDisposable Use() => new EnvironmentScope(new() { ["DISPLAY"] = Display, ["WAYLAND_DISPLAY"] = null });

    public void Dispose()
    {
        if (_server is not null)
        {
            Stop(_server);
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }
}

public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _before = new();

    public EnvironmentScope(Dictionary<string, string?> values)
    {
        foreach (var (name, value) in values)
        {
            _before[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _before)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

public static class Wait
{
    /// <summary>Waits for <paramref name="condition"/>, checking every 25 ms, at most <paramref name="bound"/>.</summary>
    public static bool Until(Func<bool> condition, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > bound)
            {
                return false;
            }

            Thread.Sleep(25);
        }

        return true;
    }
}

/// <summary>A simulator and a fresh profile folder for one test; asserts at the end that no browser of that profile is left.</summary>
public sealed class SignInScope : IAsyncDisposable
{
    private SignInScope(OneFlexSimulator simulator, string root)
    {
        Simulator = simulator;
        Root = root;
        ProfilePath = Path.Combine(root, "profile");
    }

    public OneFlexSimulator Simulator { get; }

    public string Root { get; }

    public string ProfilePath { get; }

    public string AppUrl => Simulator.AppUrl.ToString();

    public static async Task<SignInScope> StartAsync(SimulatorOptions options)
    {
        Requirements.RequireUnix();
        Requirements.Require(TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        var simulator = await OneFlexSimulator.StartAsync(options);
        return new SignInScope(simulator, Directory.CreateTempSubdirectory("oneflex-signin-").FullName);
    }

    public static BrowserChoice? TryFindBrowser()
    {
        try
        {
            return new BrowserLocator(HostPlatform.Current).Locate();
        }
        catch (OneFlexException)
        {
            return null;
        }
    }

    /// <summary>Processes whose command line names this test's profile: the browser and its helpers.</summary>
    public IReadOnlyList<int> BrowserProcesses() => ProcessTable.WithCommandLineContaining(ProfilePath);

    public async ValueTask DisposeAsync()
    {
        var leftovers = BrowserProcesses();
        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }

        Assert.True(leftovers.Count == 0, $"Browser processes left behind: {string.Join(", ", leftovers)}");
    }
}

public static class ProcessTable
{
    public static IReadOnlyList<int> WithCommandLineContaining(string text) =>
        All().Where(p => p.CommandLine.Contains(text, StringComparison.Ordinal)).Select(p => p.Pid).ToArray();

    /// <summary>Playwright driver (node run-driver) processes whose parent is this test process.</summary>
    public static IReadOnlyList<int> DriverChildren() =>
        All().Where(p => p.ParentPid == Environment.ProcessId && p.CommandLine.Contains("run-driver", StringComparison.Ordinal)).Select(p => p.Pid).ToArray();

    /// <summary>The browser's main process for a profile: the one without a --type= (renderer, gpu, zygote …) argument.</summary>
    public static int? BrowserMainProcess(string profilePath) =>
        All().Where(p => p.CommandLine.Contains(profilePath, StringComparison.Ordinal) && !p.CommandLine.Contains("--type=", StringComparison.Ordinal))
            .Select(p => (int?)p.Pid)
            .FirstOrDefault();

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public static void Terminate(int pid) => _ = kill(pid, 15);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static IEnumerable<(int Pid, int ParentPid, string CommandLine)> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string commandLine;
            int parent;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parent = int.Parse(afterName[1]);
                if (afterName[0] == "Z")
                {
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                continue;
            }

            yield return (pid, parent, commandLine);
        }
    }
}
