using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of Renewal/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public static string RenewalNothingDue(DateTimeOffset? expiresAt, TimeSpan minimumValidity) =>
        $"Nothing due: the token in config/.env is valid until {expiresAt:u} (more than {DurationText.Of(minimumValidity)} left).";

    public static string RenewalRenewed(string source, DateTimeOffset? expiresAt, IEnumerable<string> restarted) =>
        $"Renewed with {source}: valid until {expiresAt:u}; saved .env and config/.env; restarted {string.Join(", ", restarted)}.";

    /// <summary>The source named in <see cref="RenewalRenewed"/> for a sign-in from a phone.</summary>
    public const string PhoneSignInSource = "a sign-in from a phone";

    /// <summary>What the phone shows last when a waiting sign-in has saved the token and restarted the bot.</summary>
    public static string RenewalPhoneSignInDone(DateTimeOffset? expiresAt, IEnumerable<string> restarted) =>
        $"Signed in. The new token is valid until {expiresAt:u}; .env and config/.env are saved and {string.Join(", ", restarted)} restarted. You can close this page.";

    public static string RenewalRestartedOnly(DateTimeOffset? expiresAt, IEnumerable<string> restarted) =>
        $"Restarted {string.Join(", ", restarted)} with the token an earlier run saved but could not restart the bot with (valid until {expiresAt:u}).";

    public static string RenewalLockTimeout(string stateFolder, string lockPath, TimeSpan waited) =>
        $"Another renewal held the lock {lockPath} for more than {DurationText.Of(waited)}, so this run changed nothing. If no renewal is running, a stuck one holds it: stop that process (the lock goes with it). Otherwise raise -LockTimeout, or give each bot its own -StatePath (now {stateFolder}).";

    public static string RenewalStateNotWritable(string path, string reason) =>
        $"The renewal cannot use '{path}' for its lock, state or log: {reason} Make sure the user running the scheduled renewal can write there and that it is a folder or regular file, not a link (-StatePath, -LogPath).";

    public static string RenewalUnexpectedFailure(string reason) =>
        $"The renewal stopped on an unexpected error: {reason} Nothing more was changed and the next run tries again; if it keeps happening, report it with the log.";

    public const string RenewalSignInTitle = "OneFlex bot: sign in again";

    public const string RenewalFailedTitle = "OneFlex bot: token renewal failed";

    public const string RenewalRecoveredTitle = "OneFlex bot tokens renewed again";

    public static string RenewalSignInAlert(string errorId, string machine, string logPath) =>
        $"The bot's token could not be renewed unattended: the SSO session has ended ({errorId}). Sign in again on {machine}: run the command below in pwsh, on a desktop session (or under xvfb-run), then the scheduled renewal carries on by itself. Log: {logPath}";

    public static string RenewalSignInPhoneAlert(string errorId, string machine, string logPath) =>
        $"The bot's token could not be renewed unattended: the SSO session has ended ({errorId}). Open the link above on your phone and sign in there: the renewal on {machine} then saves the tokens and restarts the bot. The link works once. Or sign in on {machine}: run the command below in pwsh, on a desktop session (or under xvfb-run). Log: {logPath}";

    public static string RenewalSignInLinkAlerted(string publicUrl, DateTimeOffset validUntil) =>
        $"The sign-in alert carries the one-time link to {publicUrl} (valid until {validUntil:u}).";

    public static string RenewalSignInWaiting(string listening, DateTimeOffset linkValidUntil) =>
        $"A sign-in from a phone is waiting (listening on {listening}, link valid until {linkValidUntil:u}): open the link its alert carries. This run changed nothing and sent no alert.";

    public static string RenewalFailedAlert(string errorId, string machine, string message, string logPath) =>
        $"{errorId} on {machine}: {message} The next scheduled run tries again. Log: {logPath}";

    public static string RenewalRecoveredAlert(string problem) =>
        $"The previous problem ({problem}) is solved: the bot has a valid token.";

    public static string RenewalStatusNoToken(string configEnvFile) =>
        $"{configEnvFile} has no ONEFLEX_TOKEN yet: sign in once with the command in SignInCommand.";

    public static string RenewalStatusTokenUnreadable(string configEnvFile) =>
        $"The ONEFLEX_TOKEN in {configEnvFile} is not a readable token (Test-OneFlexToken -EnvPath says why); the next run renews it.";

    public static string RenewalBotFolderNotFound(string botFolder) =>
        $"The bot folder {botFolder} does not exist, so nothing was read or written there. Give -BotFolder the folder that holds the bot's .env and config/.env.";

    public const string RenewalStopped = "The renewal was stopped (Ctrl+C) before it finished; what it did so far stays, and the next run carries on.";

    public const string RenewalStatusNoBotFolder = "unknown: the registered line names no bot folder that can be read";

    public static string RenewalBotFolderNotReadable(string botFolder, string reason) =>
        $"The bot folder {botFolder} cannot be read by this user: {reason} Let the user that runs the scheduled renewal read the folder (and enter every folder above it).";

    public static string ScheduledCheckStateNotWritable(string folder) =>
        $"This user cannot create files in {folder}, where the renewal keeps its lock, state and log.";

    public static string ScheduledCheckReady(string botFolder) => $"a scheduled run of {botFolder} can start.";

    public static string RenewalRunsNotStarting(TimeSpan twoIntervals) =>
        $"No run has been logged since the renewal was registered, more than {DurationText.Of(twoIntervals)} (two intervals) ago: the scheduled command does not start. Run the registered Command by hand as its user to see why (cron mails its errors), then register again: Register-OneFlexRenewal checks the command before writing it.";

    public static string RenewalWebhookMissing(string registerCommand, string webhookParameter, string configEnvFile, string markerFile) =>
        $"This renewal has no webhook, so nobody is alerted when it fails. Give it one: {registerCommand} saves it for the scheduled runs; or set NOTIFICATION_WEBHOOK_URL in {configEnvFile}; or pass -{webhookParameter} to Invoke-OneFlexRenewal or Update-OneFlexBot.ps1. Said once: later runs without a webhook only log it, until one is given ({markerFile} remembers).";

    public const string RenewalWebhookStillMissing = "This renewal still has no webhook; an earlier run's warning said where to give one.";
}
