using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of EnvFiles/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public static string EnvFileNotFound(string path) =>
        $"The env file '{path}' does not exist. Check the path, or create it with Save-OneFlexEnv.";

    public static string EnvPathIsDirectory(string path) =>
        $"'{path}' is a folder, not a .env file. Give the path of the file itself, e.g. '{path}/.env'.";

    public static string EnvFileUnreadable(string path, string reason) =>
        $"The env file '{path}' cannot be read: {reason} Check its permissions and that no other program holds it locked.";

    public static string EnvFileUtf16(string path) =>
        $"The env file '{path}' is UTF-16 text, but the bot reads .env files as UTF-8. Save it as UTF-8 (e.g. in your editor's encoding menu) and try again.";

    public static string EnvFileNotUtf8(string path) =>
        $"The env file '{path}' is not valid UTF-8 text, and the bot reads .env files as UTF-8. Save it as UTF-8 and try again.";

    public static string EnvFileReadOnly(string path) =>
        $"The env file '{path}' is read-only, so the tokens were not saved there. Make it writable (chmod u+w, or clear the read-only attribute) if it should hold the tokens.";

    public static string EnvFileNotWritable(string path, string reason) =>
        $"The tokens could not be saved to '{path}': {reason} The file was left as it was. Check that you may write to the file and to its folder.";

    public static string EnvFolderNotCreated(string path, string reason) =>
        $"The folder of '{path}' does not exist and could not be created: {reason} Create it, or fix the path.";

    public static string EnvFileBusy(string path, string folder, TimeSpan waited) =>
        $"Another save has held the lock of the folder '{folder}' for more than {DurationText.Of(waited)} (it may be waiting at a -Confirm prompt), so '{path}' was left as it was. Retry when it has finished.";

    public static string EnvFolderNotFound(string path, string folder, string nearest) =>
        $"The folder '{folder}' of '{path}' does not exist (the nearest folder that does is '{nearest}'), so nothing was saved, to this file or any other. Check the path for a typo, or add -Force to create the folder.";

    public static string EnvFileUnstable(string path, TimeSpan timeout) =>
        $"'{path}' kept changing while it was being read for {DurationText.Of(timeout)} (another program, such as the bot after its own token refresh, rewrites it in place), so it was not used: a partial read could have lost settings or tokens, and nothing was changed. Run the command again; if it keeps failing, find what rewrites the file over and over and stop it.";

    public static string UnsafeTokenValue(string key, string found) =>
        $"The {key} value cannot be written to a .env file safely: it has {found}, which a token never has (tokens use only letters, digits and . - _ ~ + / =). Nothing was written. Check that the value is really a token.";

    public static string UnsafeTokenEmpty(string key) =>
        $"The {key} value is empty. Nothing was written.";

    public static string EnvFileHasNul(string path) =>
        $"The env file '{path}' contains NUL bytes, so it is not a text file the bot can read. Check that the path names the bot's .env file; if it does, save it again as UTF-8 text.";

    public static string EnvFileTooLarge(string path, int maxBytes) =>
        $"The env file '{path}' is larger than {maxBytes:N0} bytes, the most a .env file may hold here (a bot's .env is a few kilobytes), so it was not read or changed. Check that the path names the bot's .env file.";

    public static string EnvFileNotRegular(string path, string kind) =>
        $"'{path}' is {kind}, not a regular file, so it was neither read nor changed. A .env file must be a regular file: give the path of the bot's .env file itself.";

    public static string EnvFileLinkNotRegular(string path, string target, string kind) =>
        $"'{path}' is a symbolic link to '{target}', which is {kind}, not a regular file, so nothing was read or changed. Point the link at the bot's .env file, or give that file's path.";

    public static string EnvFileLinkDangling(string path, string target) =>
        $"'{path}' is a symbolic link to '{target}', which does not exist (or the links loop), and a link is only followed to an existing file: nothing was created there. Point the link at the bot's .env file, or remove the link to have a new file created in its place.";

    public static string EnvFileLinkRefused(string path, string target, uint targetOwner, uint? linkOwner, uint? caller) =>
        $"'{path}' is a symbolic link to '{target}', which belongs to user id {targetOwner}, neither the link's owner (user id {linkOwner}) nor you (user id {caller}). A link is only followed to a file of the link's owner or of yours, so nothing was read or changed. If that file is the bot's .env, give its own path.";

    public static string EnvFileLinkToCallersFileRefused(string path, uint? linkOwner, string target) =>
        $"'{path}' passes through a symbolic link of user id {linkOwner} and ends at '{target}', a file of yours. Another user's link is never followed to your own files (it could make you overwrite a file you did not name), so nothing was read or changed. If that file is the bot's .env, give its own path.";

    public static string EnvFileOwnerNotKept(string path, uint owner) =>
        $"'{path}' belongs to user id {owner}, and a save replaces the file: only that user or root can give the new file the same owner, so nothing was changed. Run Save-OneFlexEnv as that user (or as root), or take the file over first (chown) if it should be yours.";

    public static string EnvFileGroupNotKept(string path, uint group) =>
        $"'{path}' belongs to group id {group}, which you are not a member of, so the saved file could not keep that group: nothing was changed. Run Save-OneFlexEnv as root or as a member of that group, or change the file's group first (chgrp).";

    public static string EnvLockFileRefused(string path, string lockPath, string kind) =>
        $"The lock file '{lockPath}' for the folder of '{path}' is {kind}, and a lock file is never followed through a link or opened when it is not a regular file, so nothing was changed. Delete '{lockPath}' (the next save creates it again).";

    public static string EnvFolderNotLockable(string path, string folder, string reason) =>
        $"The tokens could not be saved to '{path}': its folder '{folder}' could not be opened to lock it ({reason}). The file was left as it was. Saving needs read and write access to the folder.";

    public static string EnvPathNoMatch(string pattern) =>
        $"No file matches '{pattern}', so nothing was saved there. Check the pattern; to name a file whose name has wildcard characters ([ ] * ?), use -LiteralPath.";

    public static string EnvPathNotResolved(string path, string reason) =>
        $"'{path}' does not name a file: {reason}";

    public static string EnvPathNotFileSystem(string path, string provider) =>
        $"'{path}' is a path of the PowerShell {provider} provider, not a file: a .env file must be on the file system. Give a file path such as ./config/.env.";

    public static string EnvFileNotFoundNoWildcards(string path) =>
        $"The env file '{path}' does not exist. -EnvPath takes the path as it is, without expanding wildcards: give the file's own path.";
}
