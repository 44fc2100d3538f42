using System.Management.Automation;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using OneFlexTokens.Common;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// Saves keys into .env files: the edit of <see cref="EnvFileEditor"/>, written atomically (a 0600 temp file in
/// the same folder, given the old file's owner, group and mode, flushed to disk, renamed over the file) while
/// holding an exclusive lock on <c>&lt;file&gt;.lock</c> beside it, so overlapping saves from any number of
/// processes run one after the other. Which files it reads and writes is <see cref="EnvFileAccess"/>'s policy;
/// every refusal of that policy, of a file that is not UTF-8 text, or of an owner it could not keep comes before
/// anything is created. The lock is <see cref="LockFile"/>'s (never followed through a link, left in place, released
/// by the OS when a process dies), so a killed save never blocks the next one, which also deletes the temp file the
/// killed one may have left. Folders it creates are owner-only.
/// </summary>
internal sealed class EnvFileWriter
{
    public const string LockSuffix = ".lock";
    private const string TempInfix = ".oneflex-";
    private const string TempSuffix = ".tmp";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    public EnvFileWriter(TimeSpan? lockTimeout = null) => LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);

    public TimeSpan LockTimeout { get; }

    /// <summary>What <see cref="Save"/> would do now, without writing or locking anything.</summary>
    public EnvSaveResult Preview(string path, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        ValidateValues(settings);
        var target = ResolveTarget(path);
        var (existing, edit) = Plan(target, path, settings);
        return new EnvSaveResult(path, existing is null, edit.Changed, edit.KeysUpdated, edit.KeysAdded);
    }

    /// <param name="path">A full path; a symbolic link is followed (as <see cref="EnvFileAccess"/> allows) and its final target written, so the link stays.</param>
    /// <param name="onWait">Called once, with the lock file's path, when another save holds the lock and this one starts waiting.</param>
    public EnvSaveResult Save(string path, IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default, Action<string>? onWait = null)
    {
        ValidateValues(settings);
        var target = ResolveTarget(path);

        // Planned once before the folder or lock is created, so a refused file leaves nothing new behind, and again under the lock.
        var (before, _) = Plan(target, path, settings);
        if (before is null)
        {
            EnsureFolder(target, path);
        }

        using var held = AcquireLock(target, path, before?.Facts, cancellationToken, onWait);
        RemoveStaleTempFiles(target);
        var (existing, edit) = Plan(target, path, settings);
        if (edit.Changed)
        {
            WriteAtomically(target, path, edit.Bytes.Span, existing?.Facts);
        }

        return new EnvSaveResult(path, existing is null, edit.Changed, edit.KeysUpdated, edit.KeysAdded);
    }

    public static string ResolveTarget(string path) => EnvFileAccess.ResolveTarget(path);

    /// <summary>
    /// The file as it is and the edit that sets <paramref name="settings"/>, or the refusal: a file that is not UTF-8
    /// text, not writable, or whose owner the save could not keep; a lock file that is not a regular file; an edit
    /// too large to be read again.
    /// </summary>
    private static (EnvFileContent? Existing, EnvEdit Edit) Plan(string target, string path, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var existing = EnvFileAccess.TryRead(target, path);
        if (existing is not null)
        {
            EnvFileReader.EnsureUtf8(existing.Bytes.Span, path);
            CheckWritable(target, path, existing.Facts);
            CheckOwnerCanBeKept(path, existing.Facts);
        }

        CheckLockFile(target, path);
        var edit = EnvFileEditor.Apply(existing is null ? ReadOnlySpan<byte>.Empty : existing.Bytes.Span, settings, path);
        return edit.Bytes.Length > EnvFileAccess.MaxBytes ? throw EnvFileAccess.TooLarge(path) : (existing, edit);
    }

    private static void ValidateValues(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        foreach (var (key, value) in settings)
        {
            TokenValueRules.Validate(key, value);
        }
    }

    private static void EnsureFolder(string target, string path)
    {
        var folder = Path.GetDirectoryName(target)!;
        if (Directory.Exists(folder))
        {
            return;
        }

        try
        {
            PlatformFiles.CreateFolders(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable,
                e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
                string.Format(Messages.EnvFolderNotCreated, path, e.Message), path, e);
        }
    }

    /// <param name="targetFacts">The target's owner and group, which a lock file this save creates gets too, so the file's owner can save later.</param>
    private IDisposable AcquireLock(string target, string path, FileFacts? targetFacts, CancellationToken cancellationToken, Action<string>? onWait)
    {
        var lockPath = target + LockSuffix;
        try
        {
            return LockFile.Acquire(lockPath, LockTimeout, cancellationToken,
                () => onWait?.Invoke(lockPath),
                created => GiveLockTheTargetOwner(created, lockPath, targetFacts));
        }
        catch (LockFileHeldException e)
        {
            throw new OneFlexException(ErrorIds.EnvFileBusy, ErrorCategory.ResourceBusy,
                string.Format(Messages.EnvFileBusy, path, lockPath, (int)LockTimeout.TotalSeconds), path, e);
        }
        catch (LockFileRefusedException e)
        {
            throw LockRefused(path, lockPath, e.Kind, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(path, e);
        }
    }

    /// <summary>Refuses a lock file that is there but is not a regular file (a link, a FIFO …) before anything is created.</summary>
    private static void CheckLockFile(string target, string path)
    {
        try
        {
            LockFile.CheckKind(target + LockSuffix);
        }
        catch (LockFileRefusedException e)
        {
            throw LockRefused(path, e.LockPath, e.Kind);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(path, e);
        }
    }

    private static void GiveLockTheTargetOwner(FileStream created, string lockPath, FileFacts? targetFacts)
    {
        if (targetFacts is { OwnerId: { } owner, GroupId: { } group } && PlatformFiles.IsRoot && (owner != 0 || group != 0))
        {
            try
            {
                PlatformFiles.SetOwner(created.SafeFileHandle, owner, group, lockPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the lock still works for this save; only a later save by the file's owner could not open it.
            }
        }
    }

    private static OneFlexException LockRefused(string path, string lockPath, FileKind kind, Exception? inner = null) =>
        new(ErrorIds.EnvLockFileRefused, ErrorCategory.SecurityError,
            string.Format(Messages.EnvLockFileRefused, path, lockPath, EnvFileAccess.Describe(kind)), path, inner);

    private static void RemoveStaleTempFiles(string target)
    {
        var name = Path.GetFileName(target);
        if (name.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            return;
        }

        try
        {
            foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(target)!, name + TempInfix + "*" + TempSuffix))
            {
                TryDelete(stale);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leftovers of a killed save are harmless; failing to list them must not stop this one.
        }
    }

    /// <summary>
    /// A rename would replace a read-only file (and root may write anything), so a file whose mode has no write
    /// bit, or that this user cannot open for writing, is refused.
    /// </summary>
    private static void CheckWritable(string target, string path, FileFacts facts)
    {
        var readOnly = OperatingSystem.IsWindows()
            ? File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly)
            : (facts.Mode & AnyWrite) == 0;
        if (readOnly)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable, ErrorCategory.PermissionDenied,
                string.Format(Messages.EnvFileReadOnly, path), path);
        }

        try
        {
            EnvFileAccess.ProbeWritable(target);
        }
        catch (SymbolicLinkException e)
        {
            throw EnvFileAccess.Unreadable(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(path, e);
        }
    }

    /// <summary>The saved file is a new one: only root (or the owner, for its own files) can give it the old owner.</summary>
    private static void CheckOwnerCanBeKept(string path, FileFacts facts)
    {
        var caller = PlatformFiles.EffectiveUserId;
        if (facts.OwnerId is { } owner && caller is not null && caller != 0 && caller != owner)
        {
            throw new OneFlexException(ErrorIds.EnvFileOwnerNotKept, ErrorCategory.PermissionDenied,
                string.Format(Messages.EnvFileOwnerNotKept, path, owner), path);
        }
    }

    /// <param name="keep">The replaced file's owner, group and mode, which the new file gets before it takes its place; null for a new file (owner-only).</param>
    private static void WriteAtomically(string target, string path, ReadOnlySpan<byte> content, FileFacts? keep)
    {
        var temp = target + TempInfix + Guid.NewGuid().ToString("N") + TempSuffix;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                if (keep is { } old && !OperatingSystem.IsWindows())
                {
                    KeepOwnerAndMode(stream.SafeFileHandle, temp, path, old);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw NotWritable(path, e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void KeepOwnerAndMode(SafeFileHandle handle, string temp, string path, FileFacts old)
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
                var ownerKept = owner == now.OwnerId;
                throw new OneFlexException(ErrorIds.EnvFileOwnerNotKept, ErrorCategory.PermissionDenied,
                    ownerKept ? string.Format(Messages.EnvFileGroupNotKept, path, group) : string.Format(Messages.EnvFileOwnerNotKept, path, owner), path, e);
            }
        }

        if (old.Mode is { } mode)
        {
            File.SetUnixFileMode(handle, mode);
        }
    }

    private static OneFlexException NotWritable(string path, Exception e) =>
        new(ErrorIds.EnvFileNotWritable,
            e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
            string.Format(Messages.EnvFileNotWritable, path, e.Message), path, e);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next save removes what is left.
        }
    }
}
