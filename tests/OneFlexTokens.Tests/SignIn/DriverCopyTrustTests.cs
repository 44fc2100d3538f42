using System.Management.Automation;
using System.Runtime.Versioning;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>
/// Issue 16, finding 3: the per-user copy of the driver's Node runtime was trusted by its size and execute bit. A throwaway
/// account plants a copy in a data folder everyone may write (XDG_DATA_HOME on a shared folder); root, whose sign-in
/// would run the copy, is the account attacked.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DriverCopyTrustTests : IClassFixture<ThrowawayUser>, IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly ThrowawayUser _user;
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-driver-trust-").FullName;

    public DriverCopyTrustTests(ThrowawayUser user)
    {
        _user = user;
        File.SetUnixFileMode(_root, OwnerOnlyFolder | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        // The module's driver: a runtime of a fixed size and the files its version is read from.
        Node = PlaywrightDriver.Locate(HostPlatform.Current, ModuleRoot).NodePath;
        Directory.CreateDirectory(Path.GetDirectoryName(Node)!);
        var runtime = new byte[64 * 1024];
        Random.Shared.NextBytes(runtime);
        "#!/bin/sh\nexit 0\n"u8.CopyTo(runtime);
        File.WriteAllBytes(Node, runtime);
        Directory.CreateDirectory(Path.Combine(ModuleRoot, ".playwright", "package"));
        File.WriteAllText(Path.Combine(ModuleRoot, ".playwright", "package", "cli.js"), "// entry point\n");
        File.WriteAllText(Path.Combine(ModuleRoot, ".playwright", "package", "package.json"), "{ \"version\": \"1.64.1\" }");
    }

    private string ModuleRoot => Path.Combine(_root, "module");

    private string Node { get; }

    private string Marker => Path.Combine(_root, "planted-ran");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static HostPlatform WithDataFolder(string dataFolder) =>
        HostPlatform.Current with { GetEnvironmentVariable = name => name == "XDG_DATA_HOME" ? dataFolder : null };

    private string EnsureCopy(HostPlatform platform) => PlaywrightDriver.EnsurePerUserCopy(platform, PlaywrightDriver.Locate(platform, ModuleRoot));

    /// <summary>A shell script that leaves a marker when run, padded with comment bytes to the runtime's exact size.</summary>
    private byte[] PlantedRuntime()
    {
        var script = $"#!/bin/sh\ntouch '{Marker}'\n#";
        var planted = new byte[new FileInfo(Node).Length];
        Array.Fill(planted, (byte)'x');
        System.Text.Encoding.ASCII.GetBytes(script).CopyTo(planted, 0);
        planted[^1] = (byte)'\n';
        return planted;
    }

    [SkippableFact]
    public void A_node_file_planted_in_a_world_writable_data_folder_is_DriverCopyNotTrusted_and_never_run()
    {
        Requirements.RequireUnix();
        _user.Require();
        var shared = Path.Combine(_root, "shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)0x3FF);
        var platform = WithDataFolder(shared);
        var copy = PlaywrightDriver.PerUserCopyPath(platform, "1.64.1");
        var plantedFile = Path.Combine(_root, "planted");
        File.WriteAllBytes(plantedFile, PlantedRuntime());
        _user.Run(TimeSpan.FromMinutes(1), "/bin/sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && cp \"$2\" \"$1\" && chmod 755 \"$1\"", "sh", copy, plantedFile);
        Assert.Equal(new FileInfo(Node).Length, new FileInfo(copy).Length);

        var refused = Assert.Throws<OneFlexException>(() => EnsureCopy(platform));

        Assert.Equal(ErrorIds.DriverCopyNotTrusted, refused.ErrorId);
        Assert.Equal(ErrorCategory.SecurityError, refused.Category);
        Assert.Contains($"'{shared}'", refused.Message);
        Assert.Contains("mode 1777, owner uid 0 (root)", refused.Message);
        Assert.Contains("XDG_DATA_HOME", refused.Message);
        Assert.Equal(PlantedRuntime(), File.ReadAllBytes(copy));
        Assert.Equal(_user.Uid, PlatformFiles.Inspect(copy).OwnerId);
        Assert.False(File.Exists(Marker));
        Assert.Equal(new[] { "OneFlexTokens" }, Directory.GetFileSystemEntries(shared).Select(Path.GetFileName).ToArray());
    }

    [SkippableFact]
    public void A_folder_above_the_copy_owned_by_another_account_is_DriverCopyNotTrusted_naming_it_and_its_owner()
    {
        Requirements.RequireUnix();
        _user.Require();
        var data = Directory.CreateDirectory(Path.Combine(_root, "data"), OwnerOnlyFolder).FullName;
        var platform = WithDataFolder(data);
        var versionFolder = Path.Combine(data, "OneFlexTokens", "playwright-driver", "1.64.1");
        Directory.CreateDirectory(versionFolder, OwnerOnlyFolder);
        File.SetUnixFileMode(Path.Combine(data, "OneFlexTokens"), OwnerOnlyFolder);
        File.SetUnixFileMode(Path.Combine(data, "OneFlexTokens", "playwright-driver"), OwnerOnlyFolder);
        Chown(versionFolder, _user.Uid, _user.Gid);

        var refused = Assert.Throws<OneFlexException>(() => EnsureCopy(platform));

        Assert.Equal(ErrorIds.DriverCopyNotTrusted, refused.ErrorId);
        Assert.Contains($"'{versionFolder}'", refused.Message);
        Assert.Contains($"it is owned by uid {_user.Uid} ({_user.Name})", refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(versionFolder));
    }

    [SkippableFact]
    public void A_copy_of_the_runtimes_size_with_other_content_is_replaced_by_the_runtime_before_it_runs()
    {
        Requirements.RequireUnix();
        var data = Directory.CreateDirectory(Path.Combine(_root, "own data"), OwnerOnlyFolder).FullName;
        var platform = WithDataFolder(data);
        var copy = EnsureCopy(platform);
        Assert.Equal(File.ReadAllBytes(Node), File.ReadAllBytes(copy));

        // Same size, execute bit kept: what the size check let through.
        File.WriteAllBytes(copy, PlantedRuntime());
        Assert.Equal(copy, EnsureCopy(platform));

        Assert.Equal(File.ReadAllBytes(Node), File.ReadAllBytes(copy));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(copy));
        Assert.False(File.Exists(Marker));
    }

    private static void Chown(string path, uint uid, uint gid) => Programs.Run("chown", $"{uid}:{gid}", path);
}
