using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.SignIn;

/// <summary>What the sign-in does so that the driver's Node runtime can run.</summary>
internal enum DriverRepair
{
    /// <summary>Run it where it is.</summary>
    None,

    /// <summary>Give it back its execute bit (packages keep no Unix modes), then run it where it is.</summary>
    RestoreExecuteBit,

    /// <summary>Run a per-user copy: the installed file is not executable and this user may not change it.</summary>
    PerUserCopy,
}

/// <summary>What this user may do with the driver's Node runtime file.</summary>
internal readonly record struct NodeFileAccess(bool Executable, bool Writable);

/// <summary>The Node runtime and the JS entry point of a driver folder (the folder that holds .playwright).</summary>
internal sealed record DriverLocation(string Root, string NodePath, string CliPath);

/// <summary>The driver a sign-in starts: the folder that holds .playwright, the Node runtime it runs, and what it took to make that runnable.</summary>
internal sealed record PreparedDriver(string Root, string NodePath, DriverRepair Repair);

/// <summary>
/// The one place that points Playwright at its driver (.playwright/ in the module folder: a Node runtime per platform and
/// the JS package). Nothing is set for the process: <see cref="PrepareForSignIn"/> finds the driver and makes its Node
/// runtime runnable (an installed package has lost the execute bit, so it is restored where this user may change the
/// file, and otherwise, for an install for all users owned by root or a read-only folder, a per-user copy is run), and
/// <see cref="StartWith"/> hands both paths to Playwright only while it starts the driver process, then puts the
/// variables back, so another module's Playwright in the same process never runs this module's driver.
/// </summary>
internal static class PlaywrightDriver
{
    public const string SearchPathVariable = "PLAYWRIGHT_DRIVER_SEARCH_PATH";
    public const string NodePathVariable = "PLAYWRIGHT_NODEJS_PATH";

    private static readonly object Gate = new();
    private static readonly TimeSpan StaleCopyAge = TimeSpan.FromHours(1);
    private static string? _moduleFolder;
    private static ((string Path, long Length, DateTime WriteTime) Key, byte[] Hash)? _moduleRuntimeHash;

    /// <summary>
    /// Remembers the folder the module was imported from, when it holds a driver: a host may have loaded this assembly from
    /// its own folder (and hold another Playwright there). Kept in this class only; the process environment is left alone.
    /// </summary>
    public static void UseModuleFolder(string? moduleDirectory)
    {
        if (!string.IsNullOrEmpty(moduleDirectory) && Directory.Exists(Path.Combine(moduleDirectory, ".playwright")))
        {
            Volatile.Write(ref _moduleFolder, moduleDirectory);
        }
    }

    public static DriverLocation Locate(HostPlatform platform, string root)
    {
        var (folder, fileName) = platform.PlaywrightNode;
        return new DriverLocation(
            root,
            platform.JoinPath(root, ".playwright", "node", folder, fileName),
            platform.JoinPath(root, ".playwright", "package", "cli.js"));
    }

    /// <summary>
    /// A file this user may write is normally this user's own install, whose mode the user may change; one it may
    /// neither run nor write belongs to someone else (root's install for all users) or sits on a read-only folder.
    /// </summary>
    public static DriverRepair Decide(HostPlatform platform, NodeFileAccess node) =>
        !platform.HasExecuteBits || node.Executable ? DriverRepair.None
        : node.Writable ? DriverRepair.RestoreExecuteBit
        : DriverRepair.PerUserCopy;

    /// <summary>Where this user's copy of the Node runtime lives: per driver version, so that upgrades never mix.</summary>
    public static string PerUserCopyPath(HostPlatform platform, string driverVersion)
    {
        var (folder, fileName) = platform.PlaywrightNode;
        return platform.JoinPath(platform.UserDataDirectory, "OneFlexTokens", "playwright-driver", driverVersion, folder, fileName);
    }

    /// <summary>Makes the driver in <paramref name="root"/> runnable for this user and says which Node runtime to run. Leaves the environment alone.</summary>
    public static PreparedDriver Prepare(HostPlatform platform, string root)
    {
        var location = Locate(platform, root);
        foreach (var required in new[] { location.NodePath, location.CliPath })
        {
            if (!File.Exists(required))
            {
                throw new OneFlexException(ErrorIds.PlaywrightDriverUnusable, ErrorCategory.NotInstalled, Messages.PlaywrightDriverMissing(required), required);
            }
        }

        var repair = Decide(platform, Probe(platform, location.NodePath));
        if (repair == DriverRepair.RestoreExecuteBit && !OperatingSystem.IsWindows())
        {
            if (UnixFiles.TryAddExecuteBits(location.NodePath))
            {
                return new PreparedDriver(root, location.NodePath, DriverRepair.RestoreExecuteBit);
            }

            // Writable without being ours (a group-writable file): the owner alone may change its mode.
            repair = DriverRepair.PerUserCopy;
        }

        if (repair == DriverRepair.PerUserCopy && !OperatingSystem.IsWindows())
        {
            return new PreparedDriver(root, EnsurePerUserCopy(platform, location), DriverRepair.PerUserCopy);
        }

        return new PreparedDriver(root, location.NodePath, DriverRepair.None);
    }

    /// <summary>
    /// Before Playwright starts its driver: the driver of PLAYWRIGHT_DRIVER_SEARCH_PATH when the user set it, else the
    /// module's own (<see cref="ModuleFolder"/>), made runnable. A PLAYWRIGHT_NODEJS_PATH the user set is run as it is.
    /// </summary>
    public static PreparedDriver PrepareForSignIn(HostPlatform platform)
    {
        // Under the lock: while another sign-in starts its driver, the variables hold its values, not the user's.
        lock (Gate)
        {
            var root = platform.Env(SearchPathVariable) ?? ModuleFolder;
            if (platform.Env(NodePathVariable) is { } userNode)
            {
                return File.Exists(userNode)
                    ? new PreparedDriver(root, userNode, DriverRepair.None)
                    : throw new OneFlexException(ErrorIds.PlaywrightDriverUnusable, ErrorCategory.NotInstalled, Messages.PlaywrightNodePathMissing(NodePathVariable, userNode), userNode);
            }

            return Prepare(platform, root);
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/> (the call that starts Playwright's driver process, which reads both variables once)
    /// with the variables naming <paramref name="driver"/>, and puts back what they were before it returns. The lock keeps
    /// two sign-ins of this module from mixing their values; the process keeps nothing of them.
    /// </summary>
    public static T StartWith<T>(PreparedDriver driver, Func<T> start)
    {
        lock (Gate)
        {
            var searchPath = Environment.GetEnvironmentVariable(SearchPathVariable);
            var nodePath = Environment.GetEnvironmentVariable(NodePathVariable);
            try
            {
                Environment.SetEnvironmentVariable(SearchPathVariable, driver.Root);
                Environment.SetEnvironmentVariable(NodePathVariable, driver.NodePath);
                return start();
            }
            finally
            {
                Environment.SetEnvironmentVariable(SearchPathVariable, searchPath);
                Environment.SetEnvironmentVariable(NodePathVariable, nodePath);
            }
        }
    }

    /// <summary>The folder the module was imported from, else the folder of OneFlexTokens.dll: the module's root, which holds .playwright.</summary>
    public static string ModuleFolder => Volatile.Read(ref _moduleFolder) ?? Path.GetDirectoryName(typeof(PlaywrightDriver).Assembly.Location)!;

    /// <summary>playwright-core's version from the driver's package.json: the key of the per-user copy.</summary>
    public static string DriverVersion(string root)
    {
        try
        {
            using var stream = File.OpenRead(Path.Combine(root, ".playwright", "package", "package.json"));
            using var json = JsonDocument.Parse(stream);
            if (JsonFields.String(json.RootElement, "version") is { Length: > 0 and <= 64 } text
                && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+'))
            {
                return text;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // No readable version: the content check still keeps different runtimes apart.
        }

        return "unknown";
    }

    private static NodeFileAccess Probe(HostPlatform platform, string nodePath) =>
        !platform.HasExecuteBits || OperatingSystem.IsWindows()
            ? new NodeFileAccess(Executable: true, Writable: true)
            : new NodeFileAccess(UnixFiles.CanExecute(nodePath), UnixFiles.CanWrite(nodePath));

    /// <summary>
    /// Copies the Node runtime to the per-user folder once per driver version: into a temporary file of its own,
    /// made executable, then renamed over the final name (atomic), so two processes racing each end up with a
    /// whole, executable copy and a running copy is never written to. The folders from the user's data folder down
    /// and the copy pass the trust rule (<see cref="TrustedPath"/>: DriverCopyNotTrusted, nothing run or written there)
    /// and the copy is run only when its content is the module's runtime (SHA-256), else it is replaced.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    internal static string EnsurePerUserCopy(HostPlatform platform, DriverLocation location)
    {
        var copy = PerUserCopyPath(platform, DriverVersion(location.Root));
        var folder = Path.GetDirectoryName(copy)!;
        try
        {
            EnsureTrustedFolders(platform.UserDataDirectory, folder);
            if (IsSameRuntime(copy, location.NodePath))
            {
                return copy;
            }

            // Copies run without a lock (two first sign-ins may race; the last rename wins, both whole), so only old leftovers go.
            AtomicFile.RemoveLeftovers(copy, olderThan: StaleCopyAge);
            AtomicFile.Write(copy, stream =>
            {
                using var source = File.OpenRead(location.NodePath);
                source.CopyTo(stream);
            }, newFileMode: UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OneFlexException(ErrorIds.PlaywrightDriverUnusable, ErrorCategory.ResourceUnavailable,
                Messages.PlaywrightDriverNotCopied(location.NodePath, folder, DisplayText.FirstLine(e.Message)), location.NodePath, e);
        }

        // What was written is the runtime: only this user (or root) can change the trusted folder it sits in.
        if (!UnixFiles.CanExecute(copy))
        {
            throw new OneFlexException(ErrorIds.PlaywrightDriverUnusable, ErrorCategory.ResourceUnavailable,
                Messages.PlaywrightDriverNotExecutable(location.NodePath, copy), copy);
        }

        return copy;
    }

    /// <summary>
    /// Each folder from <paramref name="dataFolder"/> down to <paramref name="folder"/> passes the trust rule before it is
    /// used; a missing one is created owner-only and checked again (another process may have made it meanwhile).
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static void EnsureTrustedFolders(string dataFolder, string folder)
    {
        var below = Path.GetRelativePath(dataFolder, folder).Split(Path.DirectorySeparatorChar);
        var path = dataFolder;
        foreach (var part in below.Prepend(""))
        {
            path = part.Length == 0 ? path : Path.Combine(path, part);
            TrustedPath.Require(path, ErrorIds.DriverCopyNotTrusted);
            if (!Directory.Exists(path))
            {
                PlatformFiles.CreateFolders(path);
                TrustedPath.Require(path, ErrorIds.DriverCopyNotTrusted);
            }
        }
    }

    /// <summary>True when <paramref name="copy"/> is a regular file that passes the trust rule, holds exactly the module's runtime <paramref name="nodePath"/> and is executable.</summary>
    [UnsupportedOSPlatform("windows")]
    private static bool IsSameRuntime(string copy, string nodePath)
    {
        var facts = PlatformFiles.Inspect(copy);
        if (facts.Kind != FileKind.Regular || TrustedPath.Distrust(facts, HostPlatform.Current.OS, PlatformFiles.EffectiveUserId) is not null)
        {
            return false;
        }

        using var handle = PlatformFiles.OpenExisting(copy, FileAccess.Read, FileShare.Read, out var opened);
        if (opened.Kind != FileKind.Regular)
        {
            return false;
        }

        using var stream = new FileStream(handle, FileAccess.Read);
        return opened.Size == new FileInfo(nodePath).Length
            && SHA256.HashData(stream).AsSpan().SequenceEqual(ModuleRuntimeHash(nodePath))
            && UnixFiles.CanExecute(copy);
    }

    /// <summary>
    /// SHA-256 of the module's own runtime, computed once per process and file version (its path, size and time): the
    /// copy is checked by content before every run, and hashing the module's 130 MB once is cheaper than recording a hash
    /// at build time, which would sit beside the runtime it vouches for and add no trust.
    /// </summary>
    private static byte[] ModuleRuntimeHash(string nodePath)
    {
        var file = new FileInfo(nodePath);
        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        lock (Gate)
        {
            if (_moduleRuntimeHash is { } known && known.Key == key)
            {
                return known.Hash;
            }
        }

        using var source = File.OpenRead(nodePath);
        var hash = SHA256.HashData(source);
        lock (Gate)
        {
            _moduleRuntimeHash = (key, hash);
        }

        return hash;
    }

    /// <summary>access(2) answers for this process's user, with its groups, ACLs and read-only mounts: what a chmod or an exec would meet.</summary>
    [UnsupportedOSPlatform("windows")]
    private static class UnixFiles
    {
        private const int WriteOk = 2;
        private const int ExecuteOk = 1;

        public static bool CanExecute(string path) => access(path, ExecuteOk) == 0;

        public static bool CanWrite(string path) => access(path, WriteOk) == 0;

        /// <summary>chmod +x for whoever may read the file; false when the OS refuses (not the owner, read-only file system).</summary>
        public static bool TryAddExecuteBits(string path)
        {
            try
            {
                var mode = File.GetUnixFileMode(path) | UnixFileMode.UserExecute;
                mode |= mode.HasFlag(UnixFileMode.GroupRead) ? UnixFileMode.GroupExecute : 0;
                mode |= mode.HasFlag(UnixFileMode.OtherRead) ? UnixFileMode.OtherExecute : 0;
                File.SetUnixFileMode(path, mode);
                return CanExecute(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);
    }
}
