using System.Runtime.InteropServices;

namespace OneFlexTokens.Platform;

internal enum OSKind
{
    Linux,
    Windows,
    MacOS,
}

/// <summary>
/// The one place that knows which OS we run on and what its environment says. Every OS-specific
/// default (browser locations, Docker endpoint, profile folder) takes one of these, so each branch
/// is unit-tested on any machine by passing another OS and environment.
/// </summary>
internal sealed record HostPlatform(OSKind OS, Func<string, string?> GetEnvironmentVariable, string HomeDirectory)
{
    public static HostPlatform Current { get; } = new(
        OperatingSystem.IsWindows() ? OSKind.Windows : OperatingSystem.IsMacOS() ? OSKind.MacOS : OSKind.Linux,
        Environment.GetEnvironmentVariable,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The process architecture (what Playwright picks its Node runtime by); tests pass another.</summary>
    public Architecture Architecture { get; init; } = RuntimeInformation.ProcessArchitecture;

    public bool IsWindows => OS == OSKind.Windows;

    /// <summary>The account this runs as (what a crontab or a task is registered for); tests pass another.</summary>
    public string UserName { get; init; } = Environment.UserName;

    /// <summary>The text of a small system file (e.g. /etc.defaults/VERSION), or null when it is missing or unreadable; tests pass another system's.</summary>
    public Func<string, string?> ReadSystemFile { get; init; } = ReadSmallFile;

    /// <summary>An executable's file name here: pwsh.exe on Windows, pwsh elsewhere.</summary>
    public string ExecutableName(string name) => IsWindows ? name + ".exe" : name;

    /// <summary>Files carry Unix permission bits (an execute bit that a package can lose).</summary>
    public bool HasExecuteBits => !IsWindows;

    /// <summary>
    /// Whether a certificate's private key must sit in a key store for TLS: Windows' SChannel cannot use a key that lives
    /// only in memory (a PEM file's, or a PFX loaded with an ephemeral key set), so there it is re-imported through PKCS#12.
    /// OpenSSL (Linux) and macOS use the in-memory key as is.
    /// </summary>
    public bool TlsNeedsStoredKey => IsWindows;

    /// <summary>How the C library is asked to give its free heap pages back before a long wait (<see cref="ProcessMemory"/>).</summary>
    public NativeHeapRelease NativeHeapRelease => OS switch
    {
        OSKind.Linux => NativeHeapRelease.MallocTrim,
        OSKind.MacOS => NativeHeapRelease.MallocZonePressureRelief,
        _ => NativeHeapRelease.None,
    };

    public char PathSeparator => IsWindows ? ';' : ':';

    public string? Env(string name) => GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>Per-user data folder: %LOCALAPPDATA%, ~/Library/Application Support, $XDG_DATA_HOME or ~/.local/share.</summary>
    public string UserDataDirectory => OS switch
    {
        OSKind.Windows => Env("LOCALAPPDATA") ?? JoinPath(HomeDirectory, "AppData", "Local"),
        OSKind.MacOS => JoinPath(HomeDirectory, "Library", "Application Support"),
        _ => Env("XDG_DATA_HOME") ?? JoinPath(HomeDirectory, ".local", "share"),
    };

    /// <summary>
    /// Where a lock on <paramref name="folder"/> lives when the OS cannot lock a folder itself: on Windows, a file in
    /// %ProgramData%\OneFlexTokens\locks named after the folder's full path (case-insensitive, as Windows paths are), the
    /// same for every account on the machine. Null on Linux and macOS, which lock the folder itself (flock).
    /// </summary>
    public string? FolderLockFile(string folder)
    {
        if (!IsWindows)
        {
            return null;
        }

        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            folder.TrimEnd('\\', '/').ToUpperInvariant())));
        return JoinPath(Env("ProgramData") ?? @"C:\ProgramData", "OneFlexTokens", "locks", key[..32] + ".lock");
    }

    /// <summary>
    /// Playwright's folder (under .playwright/node) and file name of the Node runtime for this OS and architecture,
    /// as Microsoft.Playwright 1.64 looks them up. It has no Windows arm64 build: Windows on arm64 runs the x64 one.
    /// </summary>
    public (string Folder, string FileName) PlaywrightNode => OS switch
    {
        OSKind.Windows => ("win32_x64", "node.exe"),
        OSKind.MacOS => (Architecture == Architecture.Arm64 ? "darwin-arm64" : "darwin-x64", "node"),
        _ => (Architecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", "node"),
    };

    private static string? ReadSmallFile(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length <= 64 * 1024 ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public string JoinPath(params string[] parts)
    {
        var separator = IsWindows ? '\\' : '/';
        return string.Join(separator, parts.Select((p, i) => i == 0 ? p.TrimEnd('/', '\\') : p.Trim('/', '\\')));
    }
}
