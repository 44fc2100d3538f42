using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Renewal;

/// <summary>What a waiting sign-in says about itself: never the link, only where it listens and until when its link works.</summary>
/// <param name="Listening">Where the listener listens, as shown (host:port).</param>
/// <param name="PublicUrl">The address the phone opens, without the link's secret.</param>
internal sealed record WaitingSignInInfo(DateTimeOffset Started, DateTimeOffset LinkExpiresAt, string Listening, string PublicUrl, int ProcessId)
{
    /// <summary>This process's waiting sign-in for <paramref name="link"/>, started now.</summary>
    public static WaitingSignInInfo Of(SignInLink link, string listening) =>
        new(DateTimeOffset.Now, link.ExpiresAt, listening, link.PublicUrl.AbsoluteUri, Environment.ProcessId);
}

/// <summary>
/// The one sign-in from a phone that may wait for a bot folder. The process that waits holds <c>sign-in.lock</c> in the
/// state folder (<see cref="LockFile"/>, as the renewal's lock: the OS releases it when the process dies) and says what
/// waits in <c>sign-in-waiting.json</c> beside it (written whole and owner-only, under the trust rule, as the state
/// folder's other files); disposing ends the wait and removes the file. The file counts only while its lock is held,
/// so one left by a killed process is ignored. Other runs ask <see cref="Read"/> and end at once instead of starting a
/// second sign-in or alerting again.
/// </summary>
internal sealed class WaitingSignIn : IDisposable
{
    /// <summary>Longer than a reader holds the lock to test it (<see cref="Read"/>), so that a reader never makes a waiter give up.</summary>
    private static readonly TimeSpan TakeTimeout = TimeSpan.FromSeconds(2);

    private const int MaxFileBytes = 4096;

    private readonly RenewalState _state;
    private IDisposable? _held;

    private WaitingSignIn(RenewalState state, IDisposable held)
    {
        _state = state;
        _held = held;
    }

    /// <summary>Starts the waiting sign-in of <paramref name="state"/>'s bot folder; null when another process's already waits.</summary>
    /// <exception cref="OneFlexException">StateNotTrusted; RenewalStateNotWritable (the folder or a file cannot be written, or the lock file is a FIFO, a folder …).</exception>
    public static WaitingSignIn? TryBegin(RenewalState state, WaitingSignInInfo info)
    {
        RenewalState.EnsureFolder(state.Folder);
        var held = TryLock(state, TakeTimeout);
        if (held is null)
        {
            return null;
        }

        var waiting = new WaitingSignIn(state, held);
        try
        {
            waiting.Update(info);
        }
        catch
        {
            held.Dispose();
            throw;
        }

        return waiting;
    }

    /// <summary>The sign-in waiting for <paramref name="state"/>'s bot folder; null when none does (a file a killed process left counts as none).</summary>
    /// <exception cref="OneFlexException">StateNotTrusted: the folder, the lock or the file fails the trust rule; RenewalStateNotWritable: the lock file is not a regular file.</exception>
    public static WaitingSignInInfo? Read(RenewalState state)
    {
        state.RequireTrusted(state.SignInLockPath);
        if (PlatformFiles.Inspect(state.SignInLockPath).Kind == FileKind.Missing)
        {
            return null;
        }

        try
        {
            if (TryLock(state, TimeSpan.Zero) is { } free)
            {
                // Nobody holds it: whatever the file says, no process waits.
                free.Dispose();
                return null;
            }
        }
        catch (OneFlexException notWritable) when (notWritable.ErrorId == ErrorIds.RenewalStateNotWritable && notWritable.Category == ErrorCategory.PermissionDenied)
        {
            // This user may not open the lock (another user's run keeps this state folder): it cannot tell, so none is shown.
            return null;
        }

        return Parse(state.ReadSmall(state.SignInWaitingPath, MaxFileBytes));
    }

    /// <summary>Says what waits now (the file replaced whole).</summary>
    /// <exception cref="OneFlexException">StateNotTrusted or RenewalStateNotWritable.</exception>
    public void Update(WaitingSignInInfo info)
    {
        ObjectDisposedException.ThrowIf(_held is null, this);
        _state.SetMarker(_state.SignInWaitingPath, ToJson(info));
    }

    /// <summary>Ends the wait: the file first (best effort: without the lock it counts for nothing), then the lock.</summary>
    public void Dispose()
    {
        if (_held is not { } held)
        {
            return;
        }

        _held = null;
        try
        {
            _state.SetMarker(_state.SignInWaitingPath, null);
        }
        catch (OneFlexException)
        {
            // Left behind, it is ignored once the lock below is released.
        }
        finally
        {
            held.Dispose();
        }
    }

    /// <summary>The held lock; null when another process holds it for longer than <paramref name="timeout"/>.</summary>
    private static IDisposable? TryLock(RenewalState state, TimeSpan timeout)
    {
        var lockPath = state.SignInLockPath;
        try
        {
            state.RequireTrusted(lockPath);
            return LockFile.Acquire(lockPath, timeout, CancellationToken.None);
        }
        catch (LockFileHeldException)
        {
            return null;
        }
        catch (LockFileRefusedException e)
        {
            throw new OneFlexException(ErrorIds.RenewalStateNotWritable, ErrorCategory.SecurityError,
                Messages.RenewalStateNotWritable(lockPath, $"it is not a regular file ({e.Kind})."), lockPath, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RenewalLog.NotWritable(lockPath, e);
        }
    }

    private static string ToJson(WaitingSignInInfo info) => new JsonObject
    {
        ["started"] = info.Started.ToString("o", CultureInfo.InvariantCulture),
        ["linkExpiresAt"] = info.LinkExpiresAt.ToString("o", CultureInfo.InvariantCulture),
        ["listening"] = info.Listening,
        // Never a secret, whatever the caller gave: no fragment (the link's secret), query or user info.
        ["publicUrl"] = UrlPolicy.Display(info.PublicUrl.Split('#', '?')[0]),
        ["pid"] = info.ProcessId,
    }.ToJsonString() + "\n";

    /// <summary>The file's content; null for anything but the JSON <see cref="ToJson"/> writes. Text is made display-safe: the file is read back from disk.</summary>
    private static WaitingSignInInfo? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            return Time(JsonFields.String(root, "started")) is { } started
                && Time(JsonFields.String(root, "linkExpiresAt")) is { } expiresAt
                && JsonFields.String(root, "listening") is { } listening
                && JsonFields.String(root, "publicUrl") is { } publicUrl
                && JsonFields.Number(root, "pid") is { } pid && pid is >= 0 and <= int.MaxValue && pid == Math.Floor(pid)
                ? new WaitingSignInInfo(started, expiresAt, DisplayText.Escape(listening)!, DisplayText.Escape(publicUrl)!, (int)pid)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParseExact(text, "o", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
}
