namespace OneFlexTokens.Common;

/// <summary>User-facing messages, kept together so their wording is consistent and reviewable.</summary>
internal static class Messages
{
    public const string TokenEmpty = "The access token is empty. Pass a token, a OneFlexToken object, or -EnvPath pointing at a .env file that sets ONEFLEX_TOKEN.";
    public const string TokenNotJwt = "The access token is not a JWT (it has no '.' separated segments): it may be the refresh token or an opaque value. Use the access_token cookie value.";
    public const string TokenMalformed = "The access token is not a valid JWT: it must have exactly three '.' separated segments.";
    public const string TokenBadEncoding = "The access token is not a valid JWT: its header or payload is not base64url.";
    public const string TokenBadJson = "The access token is not a valid JWT: its payload is not a JSON object.";
    public const string TokenBadTimeClaim = "The access token is not a valid JWT: a time claim (exp, iat, nbf) is not a number of seconds.";

    // Env files ({0} is the path)
    public const string EnvFileNotFound = "The env file '{0}' does not exist. Check the path, or create it with Save-OneFlexEnv.";
    public const string EnvPathIsDirectory = "'{0}' is a folder, not a .env file. Give the path of the file itself, e.g. '{0}/.env'.";
    public const string EnvFileUnreadable = "The env file '{0}' cannot be read: {1} Check its permissions and that no other program holds it locked.";
    public const string EnvFileUtf16 = "The env file '{0}' is UTF-16 text, but the bot reads .env files as UTF-8. Save it as UTF-8 (e.g. in your editor's encoding menu) and try again.";
    public const string EnvFileNotUtf8 = "The env file '{0}' is not valid UTF-8 text, and the bot reads .env files as UTF-8. Save it as UTF-8 and try again.";
    public const string EnvKeyMissing = "The env file '{0}' does not set {1}. Save tokens there first (Get-OneFlexToken | Save-OneFlexEnv) or pass the token directly.";
    public const string EnvKeyAfterByteOrderMark = "The env file '{0}' starts with a UTF-8 byte order mark right before {1}, so the bot (python-dotenv) does not see that key. Save the file as UTF-8 without BOM, or run Save-OneFlexEnv, which adds a line the bot reads.";
    public const string EnvFileReadOnly = "The env file '{0}' is read-only, so the tokens were not saved there. Make it writable (chmod u+w, or clear the read-only attribute) if it should hold the tokens.";
    public const string EnvFileNotWritable = "The tokens could not be saved to '{0}': {1} The file was left as it was. Check that you may write to the file and to its folder.";
    public const string EnvFolderNotCreated = "The folder of '{0}' does not exist and could not be created: {1} Create it, or fix the path.";
    public const string EnvFileBusy = "Another save to '{0}' has held its lock file '{1}' for more than {2} seconds. Retry when it has finished; if no save is running, delete the lock file.";
    public const string UnsafeTokenValue = "The {0} value cannot be written to a .env file safely: it has {1}, which a token never has (tokens use only letters, digits and . - _ ~ + / =). Nothing was written. Check that the value is really a token.";
    public const string UnsafeTokenEmpty = "The {0} value is empty. Nothing was written.";
    public const string SaveEnvNoTokenInput = "No token to save. Pipe a OneFlexToken (Get-OneFlexToken | Save-OneFlexEnv), or pass -AccessToken and/or -RefreshToken.";
    public const string EnvFileInGitWorkTree = "'{0}' is inside the git work tree '{1}' and git does not ignore it: the tokens could be committed. Add it to .gitignore.";
    public const string EnvFileInGitWorkTreeUnchecked = "'{0}' is inside the git work tree '{1}', and git could not be asked whether it ignores the file ({2}). Make sure .gitignore covers it, or the tokens could be committed.";
}
