using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// Saves keys into .env files: the edit of <see cref="EnvFileEditor"/>, written whole or not at all by
/// <see cref="AtomicFile"/> (the old file's owner, group and mode kept), while the save holds its folder's lock, so
/// overlapping saves from any number of processes and accounts (root's cron job and the bot's user) run one after the
/// other and none loses another's update. The lock is the folder's own (<see cref="PlatformFiles.TryLockFolder"/>: flock
/// on Linux and macOS, a file under %ProgramData% on Windows): no lock file lands beside the .env, in the folder the bot's
/// container mounts or in git status, and nothing is created there that a link could redirect; the OS releases it when a
/// process dies, so a killed save never blocks the next one, which also deletes the temp file the killed one left. Which
/// files it reads and writes is <see cref="EnvFileAccess"/>'s policy, applied when the <see cref="EnvTarget"/> was
/// resolved; its refusals, and those of a file that is not UTF-8 text or whose owner could not be kept, come before
/// anything is written. Folders it creates are owner-only.
/// </summary>
internal sealed class EnvFileWriter
{
    private const UnixFileMode AnyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    public EnvFileWriter(TimeSpan? lockTimeout = null) => LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);

    public TimeSpan LockTimeout { get; }

    /// <summary>
    /// Sets <paramref name="settings"/> in <paramref name="target"/>'s file: under the folder's lock it reads the file until
    /// a read can be acted on (<see cref="EnvFileStableRead"/>: the bot rewrites the file in place, with no lock), edits it,
    /// and writes it when that changes it and <paramref name="confirm"/> agrees; no such read within the lock timeout is
    /// EnvFileUnstable, with nothing changed. Returns what the save did (a file that already holds the settings is left
    /// alone), or null when <paramref name="confirm"/> said no: then nothing
    /// was written or created.
    /// </summary>
    /// <param name="confirm">
    /// Asked once, with the change, before the file is changed or its folder created. For a file whose folder exists it
    /// is asked while the lock is held, so the change it is shown is the change made (and other saves to the folder wait).
    /// </param>
    /// <param name="onWait">Called once, with the folder, when another save holds its lock and this one starts waiting.</param>
    public EnvSaveResult? Save(EnvTarget target, EnvSettings settings, Func<EnvSaveResult, bool>? confirm = null,
        CancellationToken cancellationToken = default, Action<string>? onWait = null)
    {
        var confirmed = false;
        if (!Directory.Exists(target.Folder))
        {
            // Nothing to read or lock yet: the save creates the file, and first its folder, which only a yes may create.
            if (confirm is not null && !confirm(Result(target, null, EnvFileEditor.Apply(ReadOnlySpan<byte>.Empty, settings))))
            {
                return null;
            }

            confirmed = true;
            CreateFolder(target);
        }

        using var held = AcquireLock(target, cancellationToken, onWait);
        var reads = new EnvFileStableRead(target);
        var saved = LockFile.Poll(() => TrySave(target, settings, reads, confirmed ? null : confirm), LockTimeout, cancellationToken)
            ?? throw EnvFileStableRead.Unstable(target, LockTimeout);
        return saved.Result;
    }

    /// <summary>
    /// EnvFolderNotFound for each target whose folder does not exist, naming the nearest folder above it that does: a
    /// missing folder is most likely a typo (./confg/.env), so Save-OneFlexEnv creates one only with -Force, as New-Item does.
    /// </summary>
    public static IReadOnlyList<OneFlexException> MissingFolders(IEnumerable<EnvTarget> targets)
    {
        var refusals = new List<OneFlexException>();
        foreach (var target in targets.Where(target => !Directory.Exists(target.Folder)))
        {
            var nearest = Path.GetDirectoryName(target.Folder);
            while (nearest is not null && !Directory.Exists(nearest))
            {
                nearest = Path.GetDirectoryName(nearest);
            }

            refusals.Add(new OneFlexException(ErrorIds.EnvFolderNotFound, ErrorCategory.ObjectNotFound,
                Messages.EnvFolderNotFound(target.Path, target.Folder, nearest ?? Path.GetPathRoot(target.Folder) ?? ""), target.Path));
        }

        return refusals;
    }

    /// <summary>What one try of a save did; null when the file was being written meanwhile and the save must try again.</summary>
    private sealed record Attempt(EnvSaveResult? Result);

    /// <summary>
    /// One try, under the lock: a read that can be acted on (<see cref="EnvFileStableRead"/>), the edit, the write.
    /// The bot may still rewrite the file after that read: into the file this save then replaces, when it opened it
    /// before the rename (its write goes to the replaced file and is lost), or into the saved file. Either way each side
    /// writes a whole file made from a whole file, so no setting is lost; what can be lost is the other side's token:
    /// the bot's ONEFLEX_TOKEN line (this save brings a fresh one), or this save's tokens (the next renewal saves again).
    /// </summary>
    private static Attempt? TrySave(EnvTarget target, EnvSettings settings, EnvFileStableRead reads, Func<EnvSaveResult, bool>? confirm)
    {
        if (!reads.TryRead(out var existing))
        {
            return null;
        }

        var edit = Plan(target, existing, settings);
        var result = Result(target, existing, edit);
        if (!edit.Changed)
        {
            return new Attempt(result);
        }

        if (confirm is not null && !confirm(result))
        {
            return new Attempt(null);
        }

        AtomicFile.RemoveLeftovers(target.File);
        Write(target, edit, existing?.Facts);
        return new Attempt(result);
    }

    private static EnvSaveResult Result(EnvTarget target, EnvFileContent? existing, EnvEdit edit) =>
        new(target.Path, existing is null, edit.Changed, edit.KeysUpdated, edit.KeysAdded);

    /// <summary>
    /// The edit that sets <paramref name="settings"/>, or the refusal: a file that is not UTF-8 text, not writable, or
    /// whose owner the save could not keep; an edit too large to be read again.
    /// </summary>
    private static EnvEdit Plan(EnvTarget target, EnvFileContent? existing, EnvSettings settings)
    {
        if (existing is not null)
        {
            EnvFileReader.EnsureUtf8(existing.Bytes.Span, target.Path);
            CheckWritable(target, existing.Facts);
            CheckOwnerCanBeKept(target.Path, existing.Facts);
        }

        var edit = EnvFileEditor.Apply(existing is null ? ReadOnlySpan<byte>.Empty : existing.Bytes.Span, settings);
        return edit.Bytes.Length > EnvFileAccess.MaxBytes ? throw EnvFileAccess.TooLarge(target.Path) : edit;
    }

    private static void CreateFolder(EnvTarget target)
    {
        try
        {
            PlatformFiles.CreateFolders(target.Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable,
                e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
                Messages.EnvFolderNotCreated(target.Path, e.Message), target.Path, e);
        }
    }

    private IDisposable AcquireLock(EnvTarget target, CancellationToken cancellationToken, Action<string>? onWait)
    {
        try
        {
            return LockFile.AcquireFolder(target.Folder, LockTimeout, cancellationToken, () => onWait?.Invoke(target.Folder));
        }
        catch (LockFileHeldException)
        {
            throw new OneFlexException(ErrorIds.EnvFileBusy, ErrorCategory.ResourceBusy,
                Messages.EnvFileBusy(target.Path, target.Folder, LockTimeout), target.Path);
        }
        catch (LockFileRefusedException e)
        {
            throw new OneFlexException(ErrorIds.EnvLockFileRefused, ErrorCategory.SecurityError,
                Messages.EnvLockFileRefused(target.Path, e.Path, EnvFileAccess.Describe(e.Kind)), target.Path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable,
                e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
                Messages.EnvFolderNotLockable(target.Path, target.Folder, e.Message), target.Path, e);
        }
    }

    private static void Write(EnvTarget target, EnvEdit edit, FileFacts? keep)
    {
        try
        {
            AtomicFile.Write(target.File, stream => stream.Write(edit.Bytes.Span), keep);
        }
        catch (OwnerNotKeptException e)
        {
            throw new OneFlexException(ErrorIds.EnvFileOwnerNotKept, ErrorCategory.PermissionDenied,
                e.OwnerKept ? Messages.EnvFileGroupNotKept(target.Path, e.Group) : Messages.EnvFileOwnerNotKept(target.Path, e.Owner),
                target.Path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(target.Path, e);
        }
    }

    /// <summary>
    /// A rename would replace a read-only file (and root may write anything), so a file whose mode has no write
    /// bit, or that this user cannot open for writing, is refused.
    /// </summary>
    private static void CheckWritable(EnvTarget target, FileFacts facts)
    {
        var readOnly = OperatingSystem.IsWindows()
            ? File.GetAttributes(target.File).HasFlag(FileAttributes.ReadOnly)
            : (facts.Mode & AnyWrite) == 0;
        if (readOnly)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable, ErrorCategory.PermissionDenied,
                Messages.EnvFileReadOnly(target.Path), target.Path);
        }

        try
        {
            EnvFileAccess.ProbeWritable(target.File);
        }
        catch (SymbolicLinkException e)
        {
            throw EnvFileAccess.Unreadable(target.Path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(target.Path, e);
        }
    }

    /// <summary>The saved file is a new one: only root (or the owner, for its own files) can give it the old owner.</summary>
    private static void CheckOwnerCanBeKept(string path, FileFacts facts)
    {
        var caller = PlatformFiles.EffectiveUserId;
        if (facts.OwnerId is { } owner && caller is not null && caller != 0 && caller != owner)
        {
            throw new OneFlexException(ErrorIds.EnvFileOwnerNotKept, ErrorCategory.PermissionDenied,
                Messages.EnvFileOwnerNotKept(path, owner), path);
        }
    }

    private static OneFlexException NotWritable(string path, Exception e) =>
        new(ErrorIds.EnvFileNotWritable,
            e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
            Messages.EnvFileNotWritable(path, e.Message), path, e);
}
