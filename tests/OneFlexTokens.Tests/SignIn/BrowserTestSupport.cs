using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using OneFlex.Simulator;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.TestSupport;
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

/// <summary>One Xvfb server for the collection. Tests take its display for themselves with <see cref="XvfbServer.Use"/>.</summary>
public sealed class XvfbDisplay : XvfbServer
{
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

    internal static BrowserChoice? TryFindBrowser()
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

/// <summary>Chromium's cookie store (an SQLite file in the profile): which cookies it holds, by host and name.</summary>
public static class ChromiumCookieStore
{
    public static string FileOf(string profile) =>
        new[] { Path.Combine(profile, "Default", "Network", "Cookies"), Path.Combine(profile, "Default", "Cookies") }.FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException("The profile has no Chromium cookie store.", profile);

    /// <summary>The bytes of the store and its journal, as text: a deleted row can linger in free pages.</summary>
    public static string RawText(string profile)
    {
        var store = FileOf(profile);
        return string.Concat(Directory.GetFiles(Path.GetDirectoryName(store)!, Path.GetFileName(store) + "*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
    }

    public static IReadOnlyList<(string Host, string Name)> Read(string profile)
    {
        // A copy: SQLite must not create or change files inside the profile.
        var copy = Path.Combine(Path.GetTempPath(), "oneflex-cookies-" + Guid.NewGuid().ToString("N"));
        File.Copy(FileOf(profile), copy);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT host_key, name FROM cookies";
            using var reader = command.ExecuteReader();
            var cookies = new List<(string, string)>();
            while (reader.Read())
            {
                cookies.Add((reader.GetString(0).TrimStart('.'), reader.GetString(1)));
            }

            return cookies;
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
