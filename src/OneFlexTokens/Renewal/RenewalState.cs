using System.Globalization;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Renewal;

/// <summary>
/// What one run leaves for the next in the state folder: the lock file, the id of the last problem an alert was sent
/// about (so the same problem is alerted once, and its end once), a marker saying that new tokens were saved but
/// the bot could not be restarted (so the next run restarts it even though nothing is due), and one saying that a run
/// already warned that no webhook is configured (so that warning comes once). The folder is created
/// owner-only; its small files are written whole (AtomicFile) and never read through a link nor from a FIFO. The folder
/// and each file pass the trust rule (<see cref="TrustedPath"/>, StateNotTrusted) before anything is read, written or
/// deleted there: another account's folder, file or link is never used.
/// </summary>
internal sealed class RenewalState
{
    public const string LockFileName = "renewal.lock";
    public const string LastAlertFileName = "last-alert.txt";
    public const string RestartPendingFileName = "restart-pending";
    public const string RegisteredAtFileName = "registered-at.txt";
    public const string WebhookFileName = "webhook.url";
    public const string WebhookMissingFileName = "webhook-missing";
    public const string SignInLockFileName = "sign-in.lock";
    public const string SignInWaitingFileName = "sign-in-waiting.json";

    public RenewalState(string folder) => Folder = folder;

    public string Folder { get; }

    public string LockPath => Path.Combine(Folder, LockFileName);

    private string LastAlertPath => Path.Combine(Folder, LastAlertFileName);

    private string RestartPendingPath => Path.Combine(Folder, RestartPendingFileName);

    private string RegisteredAtPath => Path.Combine(Folder, RegisteredAtFileName);

    public string WebhookPath => Path.Combine(Folder, WebhookFileName);

    private string WebhookMissingPath => Path.Combine(Folder, WebhookMissingFileName);

    /// <summary>Held by the one process whose sign-in from a phone waits (<see cref="WaitingSignIn"/>).</summary>
    public string SignInLockPath => Path.Combine(Folder, SignInLockFileName);

    /// <summary>What the waiting sign-in says about itself while it holds <see cref="SignInLockPath"/>.</summary>
    public string SignInWaitingPath => Path.Combine(Folder, SignInWaitingFileName);

    /// <summary>
    /// The webhook Register-OneFlexRenewal saved for the alerts (kept off the command line, which every user can see
    /// with ps); null when none was saved or the file is not a small regular file.
    /// </summary>
    public string? Webhook => ReadSmall(WebhookPath, 4096)?.Trim() is { Length: > 0 } url ? url : null;

    /// <summary>Saves <paramref name="webhookUrl"/> for the alerts, owner-only and whole (the one atomic write); null removes it.</summary>
    /// <exception cref="OneFlexException">StateNotTrusted, or RenewalStateNotWritable with the cause (read-only, permission denied).</exception>
    public void SaveWebhook(string? webhookUrl)
    {
        if (webhookUrl is not null)
        {
            EnsureFolder(Folder);
        }

        SetMarker(WebhookPath, webhookUrl is null ? null : webhookUrl + "\n");
    }

    /// <summary>Throws StateNotTrusted unless the state folder (when it exists) and <paramref name="path"/> in it pass the trust rule.</summary>
    public void RequireTrusted(string? path = null)
    {
        TrustedPath.Require(Folder, ErrorIds.StateNotTrusted);
        if (path is not null)
        {
            TrustedPath.Require(path, ErrorIds.StateNotTrusted);
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> (and its parents) owner-only when missing; an existing one must pass the trust rule
    /// (StateNotTrusted), checked before anything follows it and again after it was created.
    /// </summary>
    public static void EnsureFolder(string folder)
    {
        try
        {
            TrustedPath.Require(folder, ErrorIds.StateNotTrusted);
            if (!Directory.Exists(folder))
            {
                PlatformFiles.CreateFolders(folder);
                TrustedPath.Require(folder, ErrorIds.StateNotTrusted);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RenewalLog.NotWritable(folder, e);
        }
    }

    /// <summary>The error id of the problem the last alert was about; null when the last alert (if any) said all is well.</summary>
    public string? LastAlert
    {
        get
        {
            var text = ReadSmall(LastAlertPath, 1024)?.Trim();
            return string.IsNullOrEmpty(text) ? null : text;
        }
    }

    public void SetLastAlert(string? errorId) => SetMarker(LastAlertPath, errorId);

    public bool RestartPending
    {
        get
        {
            try
            {
                RequireTrusted(RestartPendingPath);
                return File.Exists(RestartPendingPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw RenewalLog.NotWritable(RestartPendingPath, e);
            }
        }
    }

    /// <summary>
    /// True once a run has warned that no webhook is configured, until a later run finds one: where a webhook can come
    /// from is said once per bot folder (state folder), not on every failed run.
    /// </summary>
    public bool WebhookMissingSaid => ReadSmall(WebhookMissingPath, 1024) is not null;

    public void SetWebhookMissingSaid(bool said) =>
        SetMarker(WebhookMissingPath, said ? $"{DateTimeOffset.Now:o} No webhook for the alerts; the warning said where to give one.\n" : null);

    public void SetRestartPending(bool pending) => SetMarker(RestartPendingPath, pending ? "The tokens were saved; the bot still needs a restart.\n" : null);

    /// <summary>
    /// When Register-OneFlexRenewal registered this bot folder's renewal, so that Get-OneFlexRenewal can tell runs that
    /// never start; null when unknown. Only a time is read from it.
    /// </summary>
    public DateTimeOffset? RegisteredAt
    {
        get => ReadSmall(RegisteredAtPath, 64)?.Trim() is { } text
            && DateTimeOffset.TryParseExact(text, "o", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
        set
        {
            if (value is not null)
            {
                EnsureFolder(Folder);
            }

            if (value is not null || File.Exists(RegisteredAtPath))
            {
                SetMarker(RegisteredAtPath, value is { } at ? at.ToString("o", CultureInfo.InvariantCulture) + "\n" : null);
            }
        }
    }

    /// <summary>
    /// Replaces the file with <paramref name="content"/> through <see cref="AtomicFile"/> (owner-only; the rename replaces
    /// a link itself, never its target), or removes it for null (Delete removes a link, never its target).
    /// </summary>
    internal void SetMarker(string path, string? content)
    {
        try
        {
            RequireTrusted(path);
            if (content is null)
            {
                File.Delete(path);
                return;
            }

            AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(content)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RenewalLog.NotWritable(path, e);
        }
    }

    /// <summary>At most <paramref name="maxBytes"/> of a regular file; null when it is missing, larger, anything else or unreadable.</summary>
    /// <exception cref="OneFlexException">StateNotTrusted: the folder or the file fails the trust rule; nothing was read.</exception>
    internal string? ReadSmall(string path, int maxBytes)
    {
        try
        {
            RequireTrusted(path);
            using var handle = PlatformFiles.OpenExisting(path, FileAccess.Read, FileShare.ReadWrite, out var facts);
            return facts.Kind == FileKind.Regular && PlatformFiles.ReadAtMost(handle, facts.Size, maxBytes) is { } bytes
                ? Encoding.UTF8.GetString(bytes.Span)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
