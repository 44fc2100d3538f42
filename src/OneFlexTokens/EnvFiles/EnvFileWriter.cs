using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.Common;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// Saves keys into .env files: the edit of <see cref="EnvFileEditor"/>, written atomically (a 0600 temp file in
/// the same folder, flushed to disk, renamed over the file) while holding an exclusive lock on
/// <c>&lt;file&gt;.lock</c> beside it, so overlapping saves from any number of processes run one after the other.
/// The lock file is left in place, empty: deleting it while another save holds it would let a third save
/// lock a new file of the same name and run alongside. The OS releases the lock when a process dies, so a
/// killed save never blocks the next one, which also deletes the temp file the killed one may have left.
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
        var existing = EnvFileReader.TryReadBytes(target, path);
        if (existing is not null)
        {
            CheckWritable(target, path);
        }

        var edit = EnvFileEditor.Apply(existing ?? [], settings, path);
        return new EnvSaveResult(path, existing is null, edit.Changed, edit.KeysUpdated, edit.KeysAdded);
    }

    /// <param name="path">A full path; a symbolic link is followed and its final target written, so the link stays.</param>
    /// <param name="onWait">Called once, with the lock file's path, when another save holds the lock and this one starts waiting.</param>
    public EnvSaveResult Save(string path, IReadOnlyList<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default, Action<string>? onWait = null)
    {
        ValidateValues(settings);
        var target = ResolveTarget(path);
        EnsureFolder(target, path);
        using var held = AcquireLock(target, path, cancellationToken, onWait);
        RemoveStaleTempFiles(target);
        var existing = EnvFileReader.TryReadBytes(target, path);
        UnixFileMode? mode = null;
        if (existing is not null)
        {
            mode = CheckWritable(target, path);
        }

        var edit = EnvFileEditor.Apply(existing ?? [], settings, path);
        if (edit.Changed)
        {
            WriteAtomically(target, path, edit.Bytes.Span, mode);
        }

        return new EnvSaveResult(path, existing is null, edit.Changed, edit.KeysUpdated, edit.KeysAdded);
    }

    public static string ResolveTarget(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new OneFlexException(ErrorIds.EnvPathIsDirectory, ErrorCategory.InvalidArgument,
                string.Format(Messages.EnvPathIsDirectory, path), path);
        }

        var info = new FileInfo(full);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } final)
        {
            if (Directory.Exists(final.FullName))
            {
                throw new OneFlexException(ErrorIds.EnvPathIsDirectory, ErrorCategory.InvalidArgument,
                    string.Format(Messages.EnvPathIsDirectory, path), path);
            }

            return final.FullName;
        }

        return full;
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
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable,
                e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
                string.Format(Messages.EnvFolderNotCreated, path, e.Message), path, e);
        }
    }

    private FileStream AcquireLock(string target, string path, CancellationToken cancellationToken, Action<string>? onWait)
    {
        var lockPath = target + LockSuffix;
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var waited = Stopwatch.StartNew();
        var pause = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                if (pause == 1)
                {
                    onWait?.Invoke(lockPath);
                }

                if (waited.Elapsed >= LockTimeout)
                {
                    throw new OneFlexException(ErrorIds.EnvFileBusy, ErrorCategory.ResourceBusy,
                        string.Format(Messages.EnvFileBusy, path, lockPath, (int)LockTimeout.TotalSeconds), path, e);
                }

                if (cancellationToken.WaitHandle.WaitOne(Random.Shared.Next(1, pause + 1)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                pause = Math.Min(pause * 2, 50);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw NotWritable(path, e);
            }
        }
    }

    /// <summary>EWOULDBLOCK from flock on Linux (11) and macOS (35); sharing or lock violation on Windows.</summary>
    private static bool IsHeldByAnother(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

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
    /// bit, or that this user cannot open for writing, is refused. Returns the mode to give the new file.
    /// </summary>
    private static UnixFileMode? CheckWritable(string target, string path)
    {
        UnixFileMode? mode = null;
        bool readOnly;
        if (OperatingSystem.IsWindows())
        {
            readOnly = File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly);
        }
        else
        {
            mode = File.GetUnixFileMode(target);
            readOnly = (mode & AnyWrite) == 0;
        }

        if (readOnly)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotWritable, ErrorCategory.PermissionDenied,
                string.Format(Messages.EnvFileReadOnly, path), path);
        }

        try
        {
            using var probe = File.OpenHandle(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritable(path, e);
        }

        return mode;
    }

    private static void WriteAtomically(string target, string path, ReadOnlySpan<byte> content, UnixFileMode? mode)
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
                if (mode is { } keep && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, keep);
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
