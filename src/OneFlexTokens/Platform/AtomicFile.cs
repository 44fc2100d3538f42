using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace OneFlexTokens.Platform;

/// <summary>
/// The one way the module writes a file: whole or not at all. The content goes to a temp file in the same folder
/// (created owner-only on Unix, named after the file so that leftovers can be found), which gets the old file's owner,
/// group and mode when asked, is flushed to disk and renamed over the file. Readers see the complete old file or the
/// complete new one, even after a crash or a power cut; a write that fails deletes its temp file, and one that was
/// killed leaves it for <see cref="RemoveLeftovers"/>.
/// </summary>
internal static class AtomicFile
{
    private const string TempInfix = ".oneflex-";
    private const string TempSuffix = ".tmp";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Replaces (or creates) <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <param name="keep">The replaced file's owner, group and mode, which the new file gets before it takes its place; null for a new file (owner-only on Unix).</param>
    /// <param name="newFileMode">The mode of a new file on Unix (with no <paramref name="keep"/>): owner-only read and write unless given.</param>
    /// <exception cref="OwnerNotKeptException">This user may not give the new file <paramref name="keep"/>'s owner or group; nothing was replaced.</exception>
    public static void Write(string path, Action<Stream> write, FileFacts? keep = null, UnixFileMode? newFileMode = null)
    {
        var temp = path + TempInfix + Guid.NewGuid().ToString("N") + TempSuffix;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                if (keep is { } old && !OperatingSystem.IsWindows())
                {
                    KeepOwnerAndMode(stream.SafeFileHandle, temp, old);
                }
                else if (newFileMode is { } mode && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temp files that writes of <paramref name="path"/> left when they were killed. Only while no other
    /// write of the same file can run (under its lock), or with <paramref name="olderThan"/> longer than any write takes:
    /// it would delete a running write's temp file.
    /// </summary>
    public static void RemoveLeftovers(string path, TimeSpan? olderThan = null)
    {
        var name = Path.GetFileName(path);
        if (name.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            // The name would be read as a search pattern.
            return;
        }

        try
        {
            foreach (var leftover in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, name + TempInfix + "*" + TempSuffix))
            {
                if (olderThan is not { } age || DateTime.UtcNow - File.GetLastWriteTimeUtc(leftover) > age)
                {
                    TryDelete(leftover);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leftovers are harmless; failing to list them must not stop a write.
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void KeepOwnerAndMode(SafeFileHandle handle, string temp, FileFacts old)
    {
        // Owner first: a chown may clear set-id bits, which the mode then puts back.
        var now = PlatformFiles.Inspect(handle, temp);
        if (old.OwnerId is { } owner && old.GroupId is { } group && (owner != now.OwnerId || group != now.GroupId))
        {
            try
            {
                PlatformFiles.SetOwner(handle, owner, group, temp);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new OwnerNotKeptException(owner, group, ownerKept: owner == now.OwnerId, e);
            }
        }

        if (old.Mode is { } mode)
        {
            File.SetUnixFileMode(handle, mode);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: RemoveLeftovers takes what is left.
        }
    }
}

/// <summary>The new file could not be given the old one's owner (or, when <see cref="OwnerKept"/>, its group).</summary>
internal sealed class OwnerNotKeptException : UnauthorizedAccessException
{
    public OwnerNotKeptException(uint owner, uint group, bool ownerKept, Exception inner)
        : base(inner.Message, inner)
    {
        Owner = owner;
        Group = group;
        OwnerKept = ownerKept;
    }

    public uint Owner { get; }

    public uint Group { get; }

    public bool OwnerKept { get; }
}
