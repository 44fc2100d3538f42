using System.Diagnostics;

namespace OneFlexTokens.Common;

/// <summary>
/// The module's one way to make processes take turns: an exclusive lock (flock, as .NET's FileShare.None takes it) on a
/// lock file. A missing lock file is created with O_CREAT|O_EXCL, which never follows a link; an existing one is opened
/// without following one and must be a regular file. The file is left in place, empty: deleting it while another holds
/// it would let a third process lock a new file of the same name and run alongside. The OS releases the lock when a
/// process dies, so a killed run never blocks the next one. Callers turn the failures into their own error ids.
/// </summary>
internal static class LockFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Holds the lock on <paramref name="lockPath"/> until disposed.</summary>
    /// <param name="onWait">Called once, when another process holds the lock and this one starts waiting.</param>
    /// <param name="onCreated">Called with the lock file when this call created it (e.g. to give it another owner).</param>
    /// <exception cref="LockFileHeldException">Another process held it for longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="LockFileRefusedException">The lock file is a link, a FIFO, a folder …: not a regular file.</exception>
    /// <exception cref="IOException">Or <see cref="UnauthorizedAccessException"/>: the file cannot be created or opened.</exception>
    public static IDisposable Acquire(string lockPath, TimeSpan timeout, CancellationToken cancellationToken, Action? onWait = null, Action<FileStream>? onCreated = null)
    {
        var waited = Stopwatch.StartNew();
        var pause = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (TryOpen(lockPath, onCreated) is { } held)
                {
                    return held;
                }

                continue;
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                if (pause == 1)
                {
                    onWait?.Invoke();
                }

                if (waited.Elapsed >= timeout)
                {
                    throw new LockFileHeldException(lockPath, e);
                }

                if (cancellationToken.WaitHandle.WaitOne(Random.Shared.Next(1, pause + 1)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                pause = Math.Min(pause * 2, 50);
            }
            catch (SymbolicLinkException e)
            {
                throw new LockFileRefusedException(lockPath, FileKind.SymbolicLink, e);
            }
        }
    }

    /// <summary>Refuses a lock file that is there but is not a regular file, before anything is created.</summary>
    public static void CheckKind(string lockPath)
    {
        var facts = PlatformFiles.Inspect(lockPath);
        if (facts.Kind is not (FileKind.Missing or FileKind.Regular))
        {
            throw new LockFileRefusedException(lockPath, facts.Kind);
        }
    }

    /// <summary>The held lock, or null when the lock file appeared or vanished between looking and opening (the caller looks again).</summary>
    private static IDisposable? TryOpen(string lockPath, Action<FileStream>? onCreated)
    {
        var facts = PlatformFiles.Inspect(lockPath);
        switch (facts.Kind)
        {
            case FileKind.Missing:
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnly;
                }

                FileStream created;
                try
                {
                    created = new FileStream(lockPath, options);
                }
                catch (IOException e) when (!IsHeldByAnother(e) && PlatformFiles.Inspect(lockPath).Kind != FileKind.Missing)
                {
                    return null;
                }

                onCreated?.Invoke(created);
                return created;

            case FileKind.Regular:
                var handle = PlatformFiles.OpenExisting(lockPath, FileAccess.ReadWrite, FileShare.None, out var opened);
                if (opened.Kind != FileKind.Regular)
                {
                    handle.Dispose();
                    throw new LockFileRefusedException(lockPath, opened.Kind);
                }

                return handle;

            default:
                throw new LockFileRefusedException(lockPath, facts.Kind);
        }
    }

    /// <summary>EWOULDBLOCK from flock on Linux (11) and macOS (35); sharing or lock violation on Windows.</summary>
    private static bool IsHeldByAnother(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}

/// <summary>Another process held the lock for longer than the caller would wait.</summary>
internal sealed class LockFileHeldException(string lockPath, Exception inner)
    : IOException($"Another process holds the lock '{lockPath}'.", inner)
{
    public string LockPath { get; } = lockPath;
}

/// <summary>The lock file is there but is not a regular file (a link, a FIFO …), so it is not used.</summary>
internal sealed class LockFileRefusedException(string lockPath, FileKind kind, Exception? inner = null)
    : IOException($"The lock file '{lockPath}' is not a regular file ({kind}).", inner)
{
    public string LockPath { get; } = lockPath;

    public FileKind Kind { get; } = kind;
}
