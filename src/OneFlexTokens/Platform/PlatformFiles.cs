using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OneFlexTokens.Platform;

internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// What the OS says about one file system entry. Owner, group and mode are null where the OS has none (Windows).
/// <see cref="ChangedAt"/> is the later of its last write and last status change (UTC; a truncate sets both), where known.
/// </summary>
internal readonly record struct FileFacts(FileKind Kind, long Size, uint? OwnerId, uint? GroupId, UnixFileMode? Mode, DateTime? ChangedAt = null)
{
    public static FileFacts Missing => new(FileKind.Missing, 0, null, null, null);
}

/// <summary>
/// The file system calls .NET has no API for, in one place: the type and owner of an entry without following a
/// link (lstat), of an open handle (fstat), an open that neither follows a link nor blocks on a FIFO or device,
/// changing a handle's owner (fchown), and locking a folder (flock). On Unix they go to libSystem.Native, the shim every .NET runtime ships
/// and wraps stat with one fixed layout on every OS and architecture (libc's struct stat differs on each, and
/// glibc before 2.33 does not even export stat), and to libc for open and fchown. On Windows the same questions
/// are answered from FileSystemInfo, as far as the OS allows: reparse points count as links, owners are not compared.
/// </summary>
internal static class PlatformFiles
{
    private const string SystemNative = "libSystem.Native";
    private const string LibC = "libc";

    // File types in FileStatus.Mode, fixed by libSystem.Native whatever the OS uses.
    private const int TypeMask = 0xF000;
    private const int TypeFifo = 0x1000;
    private const int TypeCharacterDevice = 0x2000;
    private const int TypeDirectory = 0x4000;
    private const int TypeBlockDevice = 0x6000;
    private const int TypeRegular = 0x8000;
    private const int TypeSymbolicLink = 0xA000;
    private const int TypeSocket = 0xC000;
    private const int PermissionMask = 0xFFF;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // flock operations, the same on Linux and macOS.
    private const int LockShared = 1;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    // errno values shared by Linux and macOS.
    private const int ErrorNotPermitted = 1;
    private const int ErrorNoEntry = 2;
    private const int ErrorAccess = 13;
    private const int ErrorNotDirectory = 20;

    /// <summary>The effective user id of this process; null on Windows.</summary>
    public static uint? EffectiveUserId => OperatingSystem.IsWindows() ? null : GetEUid();

    public static bool IsRoot => EffectiveUserId == 0;

    /// <summary>The entry at <paramref name="path"/> itself: a link is reported as a link, not followed.</summary>
    public static FileFacts Inspect(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return InspectOnWindows(path);
        }

        if (LStat(path, out var status) == 0)
        {
            return FactsOf(status);
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is ErrorNoEntry or ErrorNotDirectory ? FileFacts.Missing : throw ErrorFor(errno, path);
    }

    /// <summary>What an open handle refers to.</summary>
    public static FileFacts Inspect(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return new FileFacts(FileKind.Regular, RandomAccess.GetLength(handle), null, null, null, File.GetLastWriteTimeUtc(handle));
        }

        return FStat(handle, out var status) == 0 ? FactsOf(status) : throw ErrorFor(Marshal.GetLastPInvokeError(), path);
    }

    /// <summary>
    /// Opens an existing file without following a link in its last component (<see cref="SymbolicLinkException"/>) and
    /// without blocking on a FIFO or device, then takes the advisory lock .NET's own opens take for
    /// <paramref name="share"/> (exclusive for <see cref="FileShare.None"/>, else shared; an IOException with the
    /// errno of EWOULDBLOCK when another holds it). The caller checks <paramref name="facts"/> before using the handle.
    /// On Windows, where links and devices were checked just before by <see cref="Inspect(string)"/>, a plain open.
    /// </summary>
    public static SafeFileHandle OpenExisting(string path, FileAccess access, FileShare share, out FileFacts facts)
    {
        if (OperatingSystem.IsWindows())
        {
            var opened = File.OpenHandle(path, FileMode.Open, access, share);
            facts = Inspect(opened, path);
            return opened;
        }

        var fd = Open(path, OpenFlags(HostPlatform.Current.OS, RuntimeInformation.ProcessArchitecture, access));
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == LinkLoopError ? new SymbolicLinkException(path) : ErrorFor(errno, path);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            facts = Inspect(handle, path);
            if (facts.Kind == FileKind.Regular && FLock(handle, (share == FileShare.None ? LockExclusive : LockShared) | LockNonBlocking) != 0)
            {
                // As in .NET: only "held by another" matters; a file system without locks is used unlocked.
                var errno = Marshal.GetLastPInvokeError();
                if (errno == WouldBlockError)
                {
                    throw new IOException($"The file '{path}' is locked by another process.", errno);
                }
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An exclusive lock on <paramref name="folder"/>, held until it is disposed, or null when another process (or another
    /// open in this one) holds it: the caller waits and asks again. On Linux and macOS it is flock(2) on the folder
    /// itself, opened read-only as a folder, so it creates nothing, never opens a file, FIFO or device, and leaves
    /// nothing behind; the OS releases it when the process dies, and flock(1) takes the same lock. As in .NET, a file
    /// system without locks is used unlocked. On Windows, which cannot lock a folder so, it is an exclusive open of
    /// <see cref="HostPlatform.FolderLockFile"/> (<see cref="LockFileRefusedException"/> when that is not a regular file).
    /// </summary>
    public static IDisposable? TryLockFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return TryLockFolderOnWindows(HostPlatform.Current.FolderLockFile(folder)!);
        }

        var fd = Open(folder, FolderOpenFlags(HostPlatform.Current.OS, RuntimeInformation.ProcessArchitecture));
        if (fd < 0)
        {
            throw ErrorFor(Marshal.GetLastPInvokeError(), folder);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (FLock(handle, LockExclusive | LockNonBlocking) != 0 && Marshal.GetLastPInvokeError() == WouldBlockError)
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    private static FileStream? TryLockFolderOnWindows(string lockFile)
    {
        var kind = Inspect(lockFile).Kind;
        if (kind is not (FileKind.Missing or FileKind.Regular))
        {
            throw new LockFileRefusedException(lockFile, kind);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        try
        {
            // Read access is enough to hold it, so an account that did not create the file (SYSTEM's task, a user) can lock it too.
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None);
        }
        catch (IOException e) when (e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021))
        {
            // ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION: another save holds it.
            return null;
        }
    }

    /// <summary>
    /// The content of the file at <paramref name="path"/>, its links followed, opened so that a FIFO or device never blocks:
    /// <paramref name="kind"/> says what it is, and the content comes back only for a regular file of at most
    /// <paramref name="maxBytes"/> (null for another kind, or a larger file).
    /// </summary>
    public static ReadOnlyMemory<byte>? ReadRegularFile(string path, int maxBytes, out FileKind kind)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        using var handle = OpenExisting(target, FileAccess.Read, FileShare.ReadWrite, out var facts);
        kind = facts.Kind;
        return kind == FileKind.Regular ? ReadAtMost(handle, facts.Size, maxBytes) : null;
    }

    /// <summary>
    /// The content of an open file, or null when it holds more than <paramref name="maxBytes"/>: memory stays within
    /// the cap whatever the file is, even one that grows while it is read or whose size the OS does not know.
    /// </summary>
    public static ReadOnlyMemory<byte>? ReadAtMost(SafeFileHandle handle, long sizeHint, int maxBytes)
    {
        if (sizeHint > maxBytes)
        {
            return null;
        }

        // One byte more than allowed, to notice a file past the cap.
        var buffer = new byte[Math.Max(sizeHint, 0) + 1];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length > maxBytes)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, maxBytes + 1L));
            }

            var read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (read == 0)
            {
                return buffer.AsMemory(0, total);
            }

            total += read;
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> and the missing folders on its way, each owner-only on Unix (Directory.CreateDirectory
    /// would give the parents the default mode). Folders that exist are left as they are.
    /// </summary>
    public static void CreateFolders(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        var missing = new Stack<string>();
        for (var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)); !Directory.Exists(path); path = Path.GetDirectoryName(path)!)
        {
            missing.Push(path);
        }

        while (missing.TryPop(out var path))
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    /// <summary>
    /// Whether this process may create and remove entries in <paramref name="folder"/> (access W_OK|X_OK), asked without
    /// writing anything there; on Windows, whether the folder is not read-only.
    /// </summary>
    public static bool CanWriteFolder(string folder) =>
        OperatingSystem.IsWindows()
            ? Directory.Exists(folder) && !new DirectoryInfo(folder).Attributes.HasFlag(FileAttributes.ReadOnly)
            : Access(folder, AccessWrite | AccessExecute) == 0;

    /// <summary>Gives an open file another owner and group (fchown); UnauthorizedAccessException when this user may not.</summary>
    public static void SetOwner(SafeFileHandle handle, uint owner, uint group, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FChown((int)handle.DangerousGetHandle(), owner, group) != 0)
            {
                throw ErrorFor(Marshal.GetLastPInvokeError(), path);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// open(2) flags for a read or write of an existing file: no link followed, no blocking, not inherited, no
    /// controlling terminal. The values are the OS's own and O_NOFOLLOW differs between Linux architectures.
    /// </summary>
    internal static int OpenFlags(OSKind os, Architecture architecture, FileAccess access)
    {
        var accessMode = access switch
        {
            FileAccess.Read => 0,
            FileAccess.Write => 1,
            _ => 2,
        };

        if (os == OSKind.MacOS)
        {
            const int nonBlocking = 0x4, noFollow = 0x100, noControllingTerminal = 0x20000, closeOnExec = 0x1000000;
            return accessMode | nonBlocking | noFollow | noControllingTerminal | closeOnExec;
        }

        const int linuxNonBlocking = 0x800, linuxNoControllingTerminal = 0x100, linuxCloseOnExec = 0x80000;
        var linuxNoFollow = architecture is Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le ? 0x8000 : 0x20000;
        return accessMode | linuxNonBlocking | linuxNoFollow | linuxNoControllingTerminal | linuxCloseOnExec;
    }

    /// <summary>open(2) flags for a folder to lock: read-only, a folder only (never a file, FIFO or device), not inherited.</summary>
    internal static int FolderOpenFlags(OSKind os, Architecture architecture)
    {
        if (os == OSKind.MacOS)
        {
            const int directory = 0x100000, closeOnExec = 0x1000000;
            return directory | closeOnExec;
        }

        const int linuxCloseOnExec = 0x80000;
        var linuxDirectory = architecture is Architecture.Arm or Architecture.Arm64 or Architecture.Ppc64le ? 0x4000 : 0x10000;
        return linuxDirectory | linuxCloseOnExec;
    }

    private static int LinkLoopError => OperatingSystem.IsMacOS() ? 62 : 40;

    private static int WouldBlockError => OperatingSystem.IsMacOS() ? 35 : 11;

    private static FileFacts FactsOf(in NativeFileStatus status)
    {
        var kind = (status.Mode & TypeMask) switch
        {
            TypeRegular => FileKind.Regular,
            TypeDirectory => FileKind.Directory,
            TypeSymbolicLink => FileKind.SymbolicLink,
            TypeFifo => FileKind.Fifo,
            TypeCharacterDevice => FileKind.CharacterDevice,
            TypeBlockDevice => FileKind.BlockDevice,
            TypeSocket => FileKind.Socket,
            _ => FileKind.Other,
        };
        var changed = Math.Max(status.MTime * 1_000_000_000L + status.MTimeNsec, status.CTime * 1_000_000_000L + status.CTimeNsec);
        return new FileFacts(kind, status.Size, status.Uid, status.Gid, (UnixFileMode)(status.Mode & PermissionMask),
            DateTime.UnixEpoch.AddTicks(changed / 100));
    }

    private static FileFacts RegularOnWindows(FileInfo file) => new(FileKind.Regular, file.Length, null, null, null, file.LastWriteTimeUtc);

    private static FileFacts InspectOnWindows(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileFacts.Missing;
        }

        if (attributes.HasFlag(FileAttributes.ReparsePoint) && new FileInfo(path).LinkTarget is not null)
        {
            return new FileFacts(FileKind.SymbolicLink, 0, null, null, null);
        }

        if (attributes.HasFlag(FileAttributes.Directory))
        {
            return new FileFacts(FileKind.Directory, 0, null, null, null);
        }

        return attributes.HasFlag(FileAttributes.Device)
            ? new FileFacts(FileKind.CharacterDevice, 0, null, null, null)
            : RegularOnWindows(new FileInfo(path));
    }

    private static Exception ErrorFor(int errno, string path) => errno switch
    {
        ErrorNoEntry or ErrorNotDirectory => new FileNotFoundException($"Could not find '{path}'.", path),
        ErrorAccess or ErrorNotPermitted => new UnauthorizedAccessException($"Access to the path '{path}' is denied ({Marshal.GetPInvokeErrorMessage(errno)})."),
        _ => new IOException($"{Marshal.GetPInvokeErrorMessage(errno)}: '{path}'.", errno),
    };

    /// <summary>
    /// libSystem.Native's FileStatus. Its leading fields have kept this layout since .NET Core 1.0, and the times (seconds
    /// and nanoseconds) have followed them since .NET Core 3.0 (the module needs .NET 8); later ones (device, inode) have
    /// moved between versions and are not read. The declared size leaves room for growth.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct NativeFileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public long ATime;
        public long ATimeNsec;
        public long MTime;
        public long MTimeNsec;
        public long CTime;
        public long CTimeNsec;
    }

    [DllImport(SystemNative, EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out NativeFileStatus status);

    [DllImport(SystemNative, EntryPoint = "SystemNative_FStat", SetLastError = true)]
    private static extern int FStat(SafeFileHandle fd, out NativeFileStatus status);

    [DllImport(SystemNative, EntryPoint = "SystemNative_FLock", SetLastError = true)]
    private static extern int FLock(SafeFileHandle fd, int operation);

    [DllImport(SystemNative, EntryPoint = "SystemNative_GetEUid")]
    private static extern uint GetEUid();

    // open is variadic; without O_CREAT the mode argument is not read, so the two fixed arguments are the whole call on every ABI.
    [DllImport(LibC, EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    // libSystem.Native's access modes (its own values, whatever the OS uses).
    private const int AccessExecute = 1;
    private const int AccessWrite = 2;

    [DllImport(SystemNative, EntryPoint = "SystemNative_Access", SetLastError = true)]
    private static extern int Access([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

    [DllImport(LibC, EntryPoint = "fchown", SetLastError = true)]
    private static extern int FChown(int fd, uint owner, uint group);
}

/// <summary>The file that stands for a folder's lock (on Windows) is there but is not a regular file: a link, a folder, a device.</summary>
internal sealed class LockFileRefusedException : IOException
{
    public LockFileRefusedException(string path, FileKind kind)
        : base($"'{path}' is not a regular file.")
    {
        Path = path;
        Kind = kind;
    }

    public string Path { get; }

    public FileKind Kind { get; }
}

/// <summary>An open refused because the last component of the path is a symbolic link.</summary>
internal sealed class SymbolicLinkException : IOException
{
    public SymbolicLinkException(string path)
        : base($"'{path}' is a symbolic link.")
    {
        Path = path;
    }

    public string Path { get; }
}
