using System.Diagnostics;

namespace OneFlexTokens.Platform;

/// <summary>
/// The module's one way to make processes take turns, with one wait (backoff, timeout, Ctrl+C) for both kinds of lock:
/// a folder's own lock (<see cref="PlatformFiles.TryLockFolder"/>, what .env saves take, so no lock file lands beside
/// a .env) and an exclusive lock on a lock file in a folder the module owns (the scheduled renewal's state folder). A
/// missing lock file is created with O_CREAT|O_EXCL, which never follows a link; an existing one is opened without
/// following one and must be a regular file. The file is left in place, empty: deleting it while another holds it
/// would let a third process lock a new file of the same name and run alongside. The OS releases either lock when a
/// process dies, so a killed run never blocks the next one. Callers turn the failures into their own error ids.
/// </summary>
internal static class LockFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Holds <paramref name="folder"/>'s own lock until disposed.</summary>
    /// <exception cref="LockFileHeldException">Another process held it for longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="LockFileRefusedException">On Windows, the file standing for the folder's lock is not a regular file.</exception>
    public static IDisposable AcquireFolder(string folder, TimeSpan timeout, CancellationToken cancellationToken, Action? onWait = null) =>
        Wait(folder, () => PlatformFiles.TryLockFolder(folder), timeout, cancellationToken, onWait);

    /// <summary>Holds the lock on <paramref name="lockPath"/> until disposed.</summary>
    /// <param name="onWait">Called once, when another process holds the lock and this one starts waiting.</param>
    /// <exception cref="LockFileHeldException">Another process held it for longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="LockFileRefusedException">The lock file is a link, a FIFO, a folder …: not a regular file.</exception>
    /// <exception cref="IOException">Or <see cref="UnauthorizedAccessException"/>: the file cannot be created or opened.</exception>
    public static IDisposable Acquire(string lockPath, TimeSpan timeout, CancellationToken cancellationToken, Action? onWait = null) =>
        Wait(lockPath, () => TryTake(lockPath), timeout, cancellationToken, onWait);

    private static IDisposable Wait(string name, Func<IDisposable?> tryTake, TimeSpan timeout, CancellationToken cancellationToken, Action? onWait) =>
        Poll(tryTake, timeout, cancellationToken, onWait) ?? throw new LockFileHeldException(name);

    /// <summary>
    /// The module's one wait for something another process holds or is changing: tries <paramref name="attempt"/> until
    /// it returns a value, pausing a short random while (1 ms, doubling up to 50 ms) between tries; null when
    /// <paramref name="timeout"/> passed first. Ctrl+C ends the wait with <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="onWait">Called once, when the first try fails.</param>
    public static T? Poll<T>(Func<T?> attempt, TimeSpan timeout, CancellationToken cancellationToken, Action? onWait = null)
        where T : class
    {
        var waited = Stopwatch.StartNew();
        var pause = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attempt() is { } done)
            {
                return done;
            }

            if (pause == 1)
            {
                onWait?.Invoke();
            }

            if (waited.Elapsed >= timeout)
            {
                return null;
            }

            if (cancellationToken.WaitHandle.WaitOne(Random.Shared.Next(1, pause + 1)))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            pause = Math.Min(pause * 2, 50);
        }
    }

    /// <summary>The held lock, or null while another process holds it.</summary>
    private static IDisposable? TryTake(string lockPath)
    {
        while (true)
        {
            try
            {
                if (TryOpen(lockPath) is { } held)
                {
                    return held;
                }
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                return null;
            }
            catch (SymbolicLinkException)
            {
                throw new LockFileRefusedException(lockPath, FileKind.SymbolicLink);
            }
        }
    }

    /// <summary>The held lock, or null when the lock file appeared or vanished between looking and opening (the caller looks again).</summary>
    private static IDisposable? TryOpen(string lockPath)
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
internal sealed class LockFileHeldException(string lockName)
    : IOException($"Another process holds the lock of '{lockName}'.")
{
    public string LockName { get; } = lockName;
}
