namespace OneFlexTokens.Errors;

// The messages of Commands/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public const string NoPipelineInput = "Nothing arrived from the pipeline (no token was saved), so the bot was not restarted. Run Restart-OneFlexBot on its own to restart it anyway.";

    public static string EnvKeyAfterByteOrderMark(string path, string key) =>
        $"The env file '{path}' starts with a UTF-8 byte order mark right before {key}, so the bot (python-dotenv) does not see that key. Save the file as UTF-8 without BOM, or run Save-OneFlexEnv, which adds a line the bot reads.";

    public const string SaveEnvNoTokenInput = "No token to save. Pipe a OneFlexToken (Get-OneFlexToken | Save-OneFlexEnv), or pass -AccessToken and/or -RefreshToken.";

    public static string EnvFileInGitWorkTree(string path, string workTree) =>
        $"'{path}' is inside the git work tree '{workTree}' and git does not ignore it: the tokens could be committed. Add it to .gitignore.";

    public static string EnvFileInGitWorkTreeUnchecked(string path, string workTree, string? problem) =>
        $"'{path}' is inside the git work tree '{workTree}', and git could not be asked whether it ignores the file ({problem}). Make sure .gitignore covers it, or the tokens could be committed.";

    public static string RenewalAction(string botFolder, bool noBrowser) =>
        $"Renew the tokens in {botFolder}/.env and config/.env when due ({(noBrowser ? "refresh grant only" : "refresh grant, then a headless browser")}), and restart the bot";

    public static string RenewalNotRegistered(string what) =>
        $"No scheduled renewal is registered for {what} here. Check the bot folder's path (a registration is found by its full path) and, for cron, that you are the user who registered it.";

    public const string RenewalRegisterCaption = "Register the scheduled renewal";

    public const string RenewalUnregisterCaption = "Unregister the scheduled renewal";

    public static string RenewalRegisterWhatIf(string where, string text) => $"Register the scheduled renewal in the {where}:{Environment.NewLine}{text}";

    public static string RenewalRegisterConfirm(string botFolder, string where) => $"Register the scheduled renewal of {botFolder} in the {where}?";

    public static string RenewalWebhookSaved(string maskedWebhook, string file) =>
        $"and save the webhook {maskedWebhook} for the alerts in {file} (owner-only; never on the command line)";

    public static string RenewalRegistered(string where, string command) => $"Registered in the {where}: {command}";

    public static string RenewalUnregisterWhatIf(string where, string botFolder, string command) =>
        $"Remove the scheduled renewal of {botFolder} from the {where}:{Environment.NewLine}{command}";

    public static string RenewalUnregisterConfirm(string botFolder, string where) => $"Remove the scheduled renewal of {botFolder} from the {where}?";

    public static string RenewalUnregistered(string where, string botFolder) => $"Removed the scheduled renewal of {botFolder} from the {where}.";

    public const string RenewalNoneRegistered =
        "No scheduled renewal is registered for this user here. Register one with Register-OneFlexRenewal -BotFolder <folder>, or give Get-OneFlexRenewal -BotFolder to see a bot's runs.";

    /// <param name="quotedBotFolder">The folder as a PowerShell literal (SignInCommand.Quote).</param>
    public static string RenewalNotRegisteredHere(string quotedBotFolder) =>
        $"Not registered for this user: Register-OneFlexRenewal -BotFolder {quotedBotFolder} schedules it.";

    public static string RenewalRegistrationsUnreadable(string errorId, string message) =>
        $"The registered renewals could not be read ({errorId}): {message}";

    public static string RenewalSupersededWhatIf(string id, string where, string command) =>
        $"and remove the line {id}, registered for this bot folder under a link's own path, from the {where}: {command}";

    public static string RenewalLineById(string id) => $"the unreadable renewal line {id}";
}
