using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of Scheduling/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public static string RenewalIntervalInvalid(TimeSpan every, string minutes, string hours) =>
        $"-Every {DurationText.Of(every)} cannot be scheduled evenly: give a number of minutes that divides an hour ({minutes}) or of hours that divides a day ({hours}), e.g. '00:10:00'.";

    public static string CrontabUnavailable(string program) =>
        $"The '{program}' program was not found, so the renewal could not be scheduled with cron. Install cron (Debian/Ubuntu: 'sudo apt-get install cron'; Fedora: 'sudo dnf install cronie'; Alpine: 'apk add cronie') and try again.";

    public static string CrontabFailed(string argument, string reason) =>
        $"'crontab {argument}' failed: {reason} Nothing else was changed. If cron refuses this user, ask for the user to be allowed (/etc/cron.allow) or schedule the renewal as another user.";

    public static string CrontabTimedOut(string argument, TimeSpan timeout) =>
        $"'crontab {argument}' did not finish within {DurationText.Of(timeout)}. Check that cron is working ('crontab -l'), then try again.";

    public static string CrontabTooLarge(int maxBytes) =>
        $"The crontab is larger than {maxBytes / 1024} KB, which a crontab never needs to be. Check it with 'crontab -l'; nothing was changed.";

    public static string TaskSchedulerFailed(string argument, string reason) =>
        $"'schtasks {argument}' failed: {reason} Nothing else was changed. Check that the Task Scheduler service runs, then try again (as administrator if it says access is denied).";

    public const string TaskSchedulerTimedOut = "it did not finish within 60 seconds.";

    public static string TaskSchedulerAnswerTooLarge(int maxBytes) => $"its answer was larger than {maxBytes / (1024 * 1024)} MB.";

    public static string TaskRunsOnlyWhileSignedIn(string taskPath, string reason) =>
        $"The task '{taskPath}' runs only while you are signed in: a task that runs whether or not you are signed in (without storing a password) could not be registered ({reason}). To change it, run Register-OneFlexRenewal again from an elevated PowerShell (Run as administrator), or in Task Scheduler open the task and select 'Run whether user is logged on or not' and 'Do not store password'.";

    public static string RenewalTaskDescription(string botFolder) => $"Renews the OneFlex bot tokens in {botFolder} (OneFlexTokens, Update-OneFlexBot.ps1).";

    public static string CrontabOf(string user) => $"crontab of {user}";

    public static string TaskOf(string taskPath, string user) => $"Task Scheduler {taskPath} (as {user})";

    public static string DsmTaskOf(string taskName, string user) => $"Synology DSM Task Scheduler, task '{taskName}' (as {user}), to create by hand";

    public static string RenewalScriptNotFound(string path) =>
        $"The renewal script '{path}' is missing from the module. Reinstall OneFlexTokens (Install-PSResource OneFlexTokens -Reinstall) and try again.";

    public const string RenewalRegisteredInDsm =
        "On Synology DSM the renewal is a task of DSM's own Task Scheduler (Control Panel > Task Scheduler), which this module cannot read: look there, or give -BotFolder to see a bot's runs.";

    // Values a scheduler line cannot carry, and lines that cannot be read back (Register-/Get-/Unregister-OneFlexRenewal)
    public static string ScheduledValueNotAllowed(string parameter, string character, int position) =>
        $"-{parameter} holds the control character {character} (character {position}), which a scheduled command line cannot carry: a line break, CR or NUL would cut the crontab line or task, and other control characters would reach terminals and logs. Nothing was registered or saved. Pass the value without it (rename the folder if its name holds one).";

    public static string ScheduledBaseUrlHasQuery(string shownWithoutQuery) =>
        $"-BaseUrl '{shownWithoutQuery}' has a query or fragment (not shown: it may hold a secret). The scheduled command line is stored in the crontab or task and shown by ps to every account, and the OneFlex address never needs one. Nothing was registered or saved: pass the address alone, e.g. https://oneflex.myworldline.com.";

    public static string RenewalLineUnreadable(string id, string where, string reason) =>
        $"The renewal line {id} in the {where} cannot be read back: {reason} Its bot folder is unknown, so no runs or token are shown. Unregister-OneFlexRenewal -Id {id} removes it; Register-OneFlexRenewal -BotFolder <folder> writes a line that can be read.";

    public const string RenewalLineEndsAtPercent =
        "cron ends its command at an unescaped '%' (written by hand or by an older OneFlexTokens), so it fails at every run.";

    public const string RenewalLineNotOurs =
        "its command is not one this module writes (double quotes, '$' or '`', or unbalanced quotes).";

    public const string RenewalLineNoBotFolder = "its command names no -BotFolder.";

    public static string RenewalWebhookLeftAlone(string path, string reason) =>
        $"The scheduled renewal was removed, but its saved webhook '{path}' was left alone: {reason}";

    public static string ScheduledCommandNotRunnable(string where, int? exitCode, string output) =>
        $"The command to register in the {where} did not run as the scheduler will run it ({(exitCode is { } code ? "exit " + code : "no answer in time")}), so nothing was registered: {output} " +
        "Fix what it says (a pwsh, module or bot folder this user cannot read or run), then register again.";

    public static string ScheduledCommandNotStarted(string program) => $"could not start {program}.";
}
