using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

public class PlaywrightDriverTests
{
    private static HostPlatform Platform(OSKind os, Architecture architecture = Architecture.X64, Dictionary<string, string>? env = null, string? home = null) =>
        new(os, name => env is not null && env.TryGetValue(name, out var v) ? v : null, home ?? (os == OSKind.Windows ? @"C:\Users\jane" : "/home/jane"))
        {
            Architecture = architecture,
        };

    [Fact]
    public void The_driver_runtime_is_looked_up_where_Playwright_looks_for_each_OS_and_architecture()
    {
        Assert.Equal("/opt/m/.playwright/node/linux-x64/node", PlaywrightDriver.Locate(Platform(OSKind.Linux), "/opt/m").NodePath);
        Assert.Equal("/opt/m/.playwright/node/linux-arm64/node", PlaywrightDriver.Locate(Platform(OSKind.Linux, Architecture.Arm64), "/opt/m").NodePath);
        Assert.Equal("/m/.playwright/node/darwin-x64/node", PlaywrightDriver.Locate(Platform(OSKind.MacOS), "/m").NodePath);
        Assert.Equal("/m/.playwright/node/darwin-arm64/node", PlaywrightDriver.Locate(Platform(OSKind.MacOS, Architecture.Arm64), "/m").NodePath);
        Assert.Equal(@"C:\m\.playwright\node\win32_x64\node.exe", PlaywrightDriver.Locate(Platform(OSKind.Windows), @"C:\m").NodePath);
        Assert.Equal(@"C:\m\.playwright\node\win32_x64\node.exe", PlaywrightDriver.Locate(Platform(OSKind.Windows, Architecture.Arm64), @"C:\m").NodePath);
        Assert.Equal("/opt/m/.playwright/package/cli.js", PlaywrightDriver.Locate(Platform(OSKind.Linux), "/opt/m").CliPath);
    }

    [Fact]
    public void The_execute_bit_is_restored_when_the_user_may_change_the_file_and_a_per_user_copy_is_run_otherwise()
    {
        foreach (var os in new[] { OSKind.Linux, OSKind.MacOS })
        {
            Assert.Equal(DriverRepair.None, PlaywrightDriver.Decide(Platform(os), new NodeFileAccess(Executable: true, Writable: false)));
            Assert.Equal(DriverRepair.None, PlaywrightDriver.Decide(Platform(os), new NodeFileAccess(Executable: true, Writable: true)));
            Assert.Equal(DriverRepair.RestoreExecuteBit, PlaywrightDriver.Decide(Platform(os), new NodeFileAccess(Executable: false, Writable: true)));
            Assert.Equal(DriverRepair.PerUserCopy, PlaywrightDriver.Decide(Platform(os), new NodeFileAccess(Executable: false, Writable: false)));
        }

        // Windows has no execute bit: a package install runs as it is.
        Assert.Equal(DriverRepair.None, PlaywrightDriver.Decide(Platform(OSKind.Windows), new NodeFileAccess(Executable: false, Writable: false)));
    }

    [Fact]
    public void The_per_user_copy_lives_in_the_per_user_data_folder_keyed_by_driver_version_and_platform()
    {
        Assert.Equal("/home/jane/.local/share/OneFlexTokens/playwright-driver/1.64.1/linux-arm64/node",
            PlaywrightDriver.PerUserCopyPath(Platform(OSKind.Linux, Architecture.Arm64), "1.64.1"));
        Assert.Equal("/data/ann/OneFlexTokens/playwright-driver/1.64.1/linux-x64/node",
            PlaywrightDriver.PerUserCopyPath(Platform(OSKind.Linux, env: new() { ["XDG_DATA_HOME"] = "/data/ann" }), "1.64.1"));
        Assert.Equal("/home/jane/Library/Application Support/OneFlexTokens/playwright-driver/1.65.0/darwin-arm64/node",
            PlaywrightDriver.PerUserCopyPath(Platform(OSKind.MacOS, Architecture.Arm64), "1.65.0"));
        Assert.Equal(@"C:\Users\jane\AppData\Local\OneFlexTokens\playwright-driver\1.64.1\win32_x64\node.exe",
            PlaywrightDriver.PerUserCopyPath(Platform(OSKind.Windows), "1.64.1"));
    }

    [Fact]
    public void A_missing_driver_has_its_own_error_id_and_says_how_to_repair_the_install()
    {
        using var driver = new FakeDriver();
        File.Delete(driver.Node);

        var failure = Assert.Throws<OneFlexException>(() => PlaywrightDriver.Prepare(driver.Platform, driver.Root));

        Assert.Equal(ErrorIds.PlaywrightDriverUnusable, failure.ErrorId);
        Assert.Equal(ErrorCategory.NotInstalled, failure.Category);
        Assert.Contains(driver.Node, failure.Message);
        Assert.Contains("Install-PSResource OneFlexTokens -Reinstall", failure.Message);
        Assert.DoesNotContain("-ProfilePath", failure.Message);

        using var noPackage = new FakeDriver();
        File.Delete(Path.Combine(noPackage.Root, ".playwright", "package", "cli.js"));
        Assert.Equal(ErrorIds.PlaywrightDriverUnusable, Assert.Throws<OneFlexException>(() => PlaywrightDriver.Prepare(noPackage.Platform, noPackage.Root)).ErrorId);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_runtime_that_lost_its_execute_bit_gets_it_back_for_whoever_may_read_it()
    {
        Requirements.RequireUnix();
        using var driver = new FakeDriver();
        File.SetUnixFileMode(driver.Node, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var prepared = PlaywrightDriver.Prepare(driver.Platform, driver.Root);

        Assert.Equal(DriverRepair.RestoreExecuteBit, prepared.Repair);
        Assert.Equal(driver.Node, prepared.NodePath);
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(driver.Node));
        Assert.Equal(DriverRepair.None, PlaywrightDriver.Prepare(driver.Platform, driver.Root).Repair);
        Assert.False(Directory.Exists(Path.Combine(driver.Home, ".local")), "no per-user copy when the bit could be restored");
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void The_per_user_copy_is_whole_executable_owner_only_and_made_once_per_driver_version()
    {
        Requirements.RequireUnix();
        using var driver = new FakeDriver();

        var copy = PlaywrightDriver.EnsurePerUserCopy(driver.Platform, PlaywrightDriver.Locate(driver.Platform, driver.Root));

        Assert.Equal(PlaywrightDriver.PerUserCopyPath(driver.Platform, "1.64.1"), copy);
        Assert.Equal(File.ReadAllBytes(driver.Node), File.ReadAllBytes(copy));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(copy));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(copy)!));
        var written = File.GetLastWriteTimeUtc(copy);
        File.SetLastWriteTimeUtc(copy, written.AddMinutes(-5));
        Assert.Equal(copy, PlaywrightDriver.EnsurePerUserCopy(driver.Platform, PlaywrightDriver.Locate(driver.Platform, driver.Root)));
        Assert.Equal(written.AddMinutes(-5), File.GetLastWriteTimeUtc(copy));

        // Another driver version gets its own copy; a copy that does not match the runtime is replaced.
        driver.SetVersion("1.65.0");
        File.AppendAllText(driver.Node, "# a newer runtime\n");
        var newer = PlaywrightDriver.EnsurePerUserCopy(driver.Platform, PlaywrightDriver.Locate(driver.Platform, driver.Root));
        Assert.Contains("/1.65.0/", newer);
        Assert.True(File.Exists(copy));
        File.WriteAllText(newer, "truncated");
        PlaywrightDriver.EnsurePerUserCopy(driver.Platform, PlaywrightDriver.Locate(driver.Platform, driver.Root));
        Assert.Equal(File.ReadAllBytes(driver.Node), File.ReadAllBytes(newer));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Processes_racing_for_the_per_user_copy_all_get_a_whole_one_and_leave_no_temporary_file()
    {
        Requirements.RequireUnix();
        using var driver = new FakeDriver(runtimeBytes: 8 * 1024 * 1024);
        var location = PlaywrightDriver.Locate(driver.Platform, driver.Root);
        using var start = new ManualResetEventSlim();

        var racers = Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
        {
            start.Wait();
            return PlaywrightDriver.EnsurePerUserCopy(driver.Platform, location);
        })).ToArray();
        start.Set();
        var copies = await Task.WhenAll(racers);

        var copy = Assert.Single(copies.Distinct());
        Assert.Equal(File.ReadAllBytes(driver.Node), File.ReadAllBytes(copy));
        Assert.Equal(new[] { "node" }, Directory.GetFiles(Path.GetDirectoryName(copy)!).Select(f => Path.GetFileName(f)).ToArray());
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_temporary_copy_left_by_a_killed_process_is_removed_once_it_is_old()
    {
        Requirements.RequireUnix();
        using var driver = new FakeDriver();
        var folder = Path.GetDirectoryName(PlaywrightDriver.PerUserCopyPath(driver.Platform, "1.64.1"))!;
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, "node.oneflex-0123.tmp");
        var fresh = Path.Combine(folder, "node.oneflex-4567.tmp");
        File.WriteAllText(stale, "half a runtime");
        File.WriteAllText(fresh, "another process is copying");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));

        PlaywrightDriver.EnsurePerUserCopy(driver.Platform, PlaywrightDriver.Locate(driver.Platform, driver.Root));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_per_user_folder_that_cannot_be_written_is_PlaywrightDriverUnusable_with_the_folder_and_the_repair()
    {
        Requirements.RequireUnix();
        using var driver = new FakeDriver();
        // A regular file where the per-user data folder should be: no user, root included, can create folders in it.
        var blocked = Path.Combine(driver.Home, "not-a-folder");
        File.WriteAllText(blocked, "");
        var platform = driver.Platform with { GetEnvironmentVariable = name => name == "XDG_DATA_HOME" ? blocked : null };

        var failure = Assert.Throws<OneFlexException>(() => PlaywrightDriver.EnsurePerUserCopy(platform, PlaywrightDriver.Locate(platform, driver.Root)));

        Assert.Equal(ErrorIds.PlaywrightDriverUnusable, failure.ErrorId);
        Assert.Contains(blocked, failure.Message);
        Assert.Contains("chmod +x " + driver.Node, failure.Message);
        Assert.Contains("Install-PSResource OneFlexTokens -Reinstall", failure.Message);
    }

    [Fact]
    public void The_driver_version_comes_from_the_package_and_anything_unreadable_is_unknown()
    {
        using var driver = new FakeDriver();
        Assert.Equal("1.64.1", PlaywrightDriver.DriverVersion(driver.Root));
        driver.SetVersion("../../etc");
        Assert.Equal("unknown", PlaywrightDriver.DriverVersion(driver.Root));
        File.WriteAllText(Path.Combine(driver.Root, ".playwright", "package", "package.json"), "{ not json");
        Assert.Equal("unknown", PlaywrightDriver.DriverVersion(driver.Root));
    }

    [SkippableFact]
    public void The_built_module_carries_a_runnable_driver_for_this_machine()
    {
        Requirements.RequireUnix();
        var prepared = PlaywrightDriver.Prepare(HostPlatform.Current, RepoPaths.ModuleDirectory);
        Assert.Equal(DriverRepair.None, prepared.Repair);
        Assert.StartsWith(RepoPaths.ModuleDirectory, prepared.NodePath);
        Assert.Equal("1.64.1", PlaywrightDriver.DriverVersion(RepoPaths.ModuleDirectory));
    }

    [Fact]
    public void The_driver_variables_hold_the_driver_only_while_Playwright_starts_it_and_then_what_they_held_before()
    {
        var driver = new PreparedDriver("/opt/oneflex-module", "/opt/oneflex-module/.playwright/node/linux-x64/node", DriverRepair.None);
        var before = (Search: Environment.GetEnvironmentVariable(PlaywrightDriver.SearchPathVariable), Node: Environment.GetEnvironmentVariable(PlaywrightDriver.NodePathVariable));

        var during = PlaywrightDriver.StartWith(driver, () =>
            (Search: Environment.GetEnvironmentVariable(PlaywrightDriver.SearchPathVariable), Node: Environment.GetEnvironmentVariable(PlaywrightDriver.NodePathVariable)));
        Assert.Throws<InvalidOperationException>(() => PlaywrightDriver.StartWith<int>(driver, () => throw new InvalidOperationException("the driver did not start")));

        Assert.Equal((driver.Root, driver.NodePath), during);
        Assert.Equal(before, (Environment.GetEnvironmentVariable(PlaywrightDriver.SearchPathVariable), Environment.GetEnvironmentVariable(PlaywrightDriver.NodePathVariable)));
    }

    /// <summary>A driver folder laid out like the module's (.playwright/node/&lt;platform&gt;/node, .playwright/package) and a home of its own.</summary>
    private sealed class FakeDriver : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("oneflex-driver-").FullName;

        public FakeDriver(int runtimeBytes = 4096)
        {
            Directory.CreateDirectory(Home);
            Platform = new HostPlatform(HostPlatform.Current.OS, _ => null, Home);
            Node = PlaywrightDriver.Locate(Platform, Root).NodePath;
            Directory.CreateDirectory(Path.GetDirectoryName(Node)!);
            var content = new byte[runtimeBytes];
            Random.Shared.NextBytes(content);
            "#!/bin/sh\nexit 0\n"u8.CopyTo(content);
            File.WriteAllBytes(Node, content);
            Directory.CreateDirectory(Path.Combine(Root, ".playwright", "package"));
            File.WriteAllText(Path.Combine(Root, ".playwright", "package", "cli.js"), "// the driver's entry point\n");
            SetVersion("1.64.1");
        }

        public string Root => Path.Combine(_folder, "module");

        public string Home => Path.Combine(_folder, "home");

        public HostPlatform Platform { get; }

        public string Node { get; }

        public void SetVersion(string version) =>
            File.WriteAllText(Path.Combine(Root, ".playwright", "package", "package.json"), $"{{ \"name\": \"playwright-core\", \"version\": \"{version}\" }}");

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
