namespace OneFlexTokens.Common;

/// <summary>
/// User-facing messages, kept together so their wording is consistent and reviewable. A message with values is a method
/// with named, typed parameters (not a format string), so a missing or misplaced value fails the build.
/// </summary>
internal static class Messages
{
    public const string TokenEmpty = "The access token is empty. Pass a token, a OneFlexToken object, or -EnvPath pointing at a .env file that sets ONEFLEX_TOKEN.";
    public const string TokenNotJwt = "The access token is not a JWT (it has no '.' separated segments): it may be the refresh token or an opaque value. Use the access_token cookie value.";
    public const string TokenMalformed = "The access token is not a valid JWT: it must have exactly three '.' separated segments.";
    public const string TokenBadEncoding = "The access token is not a valid JWT: its header or payload is not base64url.";
    public const string TokenBadJson = "The access token is not a valid JWT: its payload is not a JSON object.";
    public const string TokenBadText = "The access token is not a valid JWT: its payload has text that is not valid Unicode (invalid UTF-8, or an escape such as a lone surrogate).";
    public static string TokenTooLong(int length, int maximumKilobytes) =>
        $"The access token is {length} characters long, over the {maximumKilobytes} KB a token may have (OneFlex access tokens are about 1 KB). Check that the value is really the access_token cookie value.";
    public const string TokenBadTimeClaim = "The access token is not a valid JWT: a time claim (exp, iat, nbf) is not a number of seconds.";
    public const string TokenNoExpiry = "The access token has no 'exp' claim, so its lifetime cannot be checked. OneFlex access tokens always carry one: make sure this is the access_token cookie value.";
    public static string TokenExpired(DateTimeOffset? expiresAt) =>
        $"The access token expired at {expiresAt:u}. Get a new one with Get-OneFlexToken.";
    public static string TokenNotYetValid(DateTimeOffset? notBefore) =>
        $"The access token is not valid before {notBefore:u} ('nbf'). Check this computer's clock.";
    public static string TokenExpiresTooSoon(DateTimeOffset? expiresAt, TimeSpan minimumValidity) =>
        $"The access token expires at {expiresAt:u}, less than the required {DurationText.Of(minimumValidity)} from now. Get a new one with Get-OneFlexToken.";
    public const string TokenValid = "The access token is valid.";
    public static string TokenRejected(string service, int status) =>
        $"The OneFlex service at {service} rejected the access token (HTTP {status}). Get a new one with Get-OneFlexToken.";
    public static string TokenRejectedByGraphQl(string service, string said) =>
        $"The OneFlex service at {service} rejected the access token; it said: {said}. Get a new one with Get-OneFlexToken.";
    public static string ServiceGraphQlError(string service, string said) =>
        $"The OneFlex service at {service} answered the token check with an error that is not about the token; it said: {said}. Try again later; the token itself may still be valid.";
    public static string TokenCheckAt(string service) =>
        $"The OneFlex service at {service}, asked to check the token,";
    public static string ServiceError(string service, int status) =>
        $"The OneFlex service at {service} answered HTTP {status} to the token check. Try again later; the token itself may still be valid.";
    public static string ServiceUnreachable(string service, string reason) =>
        $"The OneFlex service at {service} did not answer the token check ({reason}). Check the network and -BaseUrl.";
    public static string ServiceBadAnswer(string service) =>
        $"The OneFlex service at {service} answered the token check with something that is not the expected 'me' result. Check -BaseUrl.";
    public static string InvalidBaseUrl(string shownUrl) =>
        $"'{shownUrl}' is not an absolute http(s) URL. Pass the OneFlex address, e.g. https://oneflex.myworldline.com.";
    public static string BaseUrlHasUserInfo(string shownUrl) =>
        $"'{shownUrl}' (shown without it) has a user name or password before the host. The OneFlex address never takes credentials, and they would be sent and shown: pass the address alone, e.g. https://oneflex.myworldline.com, in -BaseUrl or ONEFLEX_BASE_URL.";
    public static string InsecureBaseUrl(string shownUrl) =>
        $"'{shownUrl}' is not https. Tokens are only sent over https, except to a loopback address (127.0.0.1, ::1, localhost) for local testing.";
    public static string TimeoutOutOfRange(string parameter, TimeSpan value, TimeSpan maximum, bool zeroAllowed) =>
        $"-{parameter} is {DurationText.Of(value)}; it must be {(zeroAllowed ? "from 0" : "more than 0")} and at most {DurationText.Of(maximum)}. {DurationForms}";

    public static string NotADuration(object? value) => $"'{value}' is not a duration. {DurationForms}";

    private const string DurationForms = "Give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00').";

    public const string DetailedAndPassThru = "-Detailed and -PassThru cannot be used together: -PassThru passes valid tokens on, -Detailed reports on each.";

    // Docker
    public static string InvalidDockerHost(string shownHost) =>
        $"'{shownHost}' is not a Docker endpoint. Use unix:///path/to/docker.sock, npipe://./pipe/docker_engine or tcp://host:port (set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for TLS), in -DockerHost or DOCKER_HOST.";
    public static string DockerHostPipeNotWindows(string shownHost) =>
        $"'{shownHost}' is a Windows named pipe, and named pipes exist only on Windows. On Linux and macOS use the engine's socket (unix:///var/run/docker.sock, Docker Desktop on macOS: unix://$HOME/.docker/run/docker.sock) or tcp://host:port, in -DockerHost or DOCKER_HOST.";
    public static string DockerHostHasUserInfo(string shownHost) =>
        $"'{shownHost}' (shown without it) has a user name or password before the host, which the Docker Engine API does not take and which would be shown. Pass tcp://host:port and authenticate with TLS client certificates (DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH), in -DockerHost or DOCKER_HOST.";
    public static string DockerNotAnEngine(string endpoint, string what) =>
        $"What answers at {endpoint} is not a Docker engine: {what}. Check -DockerHost or DOCKER_HOST: it must name the Docker engine's socket or its API port (2375, or 2376 with TLS), not a web server or another service.";
    public const string DockerReplyNotJson = "its reply is not the JSON the Docker Engine API sends (a web page?)";
    public static string DockerReplyNotEngineError(int status) =>
        $"it answered HTTP {status} with a body that is not a Docker engine's error";
    public static string DockerReplyTooLarge(string limit) =>
        $"it answered with more than {limit}, far more than the engine ever sends";
    public static string DockerHostSshUnsupported(string shownHost) =>
        $"'{shownHost}' is an SSH endpoint, which Restart-OneFlexBot cannot use. Expose the engine over tcp:// with TLS (DOCKER_TLS_VERIFY=1, DOCKER_CERT_PATH), or forward its socket (ssh -nNT -L /tmp/nas-docker.sock:/var/run/docker.sock user@nas) and pass -DockerHost unix:///tmp/nas-docker.sock.";
    public static string DockerUnreachable(string endpoint, string reason, string hint) =>
        $"Cannot reach the Docker engine at {endpoint}: {reason}. {hint}";
    public const string DockerUnreachableUnixHint = "Check that the Docker daemon is running (systemctl status docker, or Container Manager on a Synology NAS) and that -DockerHost or DOCKER_HOST names its socket (Docker Desktop on macOS without /var/run/docker.sock: unix://$HOME/.docker/run/docker.sock).";
    public const string DockerUnreachablePipeHint = "Check that Docker Desktop (or the docker service) is running and that -DockerHost or DOCKER_HOST names its pipe.";
    public const string DockerUnreachableTcpHint = "Check that the host is up, that the engine listens on that port (dockerd -H tcp://0.0.0.0:2376 --tlsverify), that no firewall blocks it, and that -DockerHost or DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH are right.";
    public const string DockerNoAnswer = "the engine did not answer in time";
    public const string DockerTlsFailed = "the TLS handshake failed (check ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH and DOCKER_TLS_VERIFY).";
    public static string DockerTlsCertificatesMissing(string endpoint, string folder, string missingFile) =>
        $"TLS to {endpoint} needs ca.pem, cert.pem and key.pem in {folder}, and {missingFile} is missing. Point DOCKER_CERT_PATH at the folder holding the client certificates the engine trusts.";
    public static string DockerPermissionDenied(string endpoint) =>
        $"Permission denied on the Docker socket {endpoint}. Add your user to the docker group: sudo usermod -aG docker $USER, then sign out and in again; on a Synology NAS run the command as root (sudo).";
    public static string ContainerNotFound(string selection, string endpoint, string existing) =>
        $"No container matches {selection} on {endpoint}. {existing} Pass -Name with the bot's container name, or -ComposeProject / -ProjectDirectory for a compose project; create the bot with 'docker compose up -d' in its folder if it does not exist.";
    public static string ContainerNameNotFound(string name, string endpoint) =>
        $"Nothing matches '{name}' on {endpoint}, so it was skipped. Check the container or service name with 'docker ps -a' (or 'docker compose ps' in the bot folder).";
    public static string BotLikeContainers(string containers) =>
        $"Containers that look like the bot: {containers}.";
    public static string NoBotLikeContainers(int count) =>
        $"The engine has {count} container(s), none of them looks like the bot.";
    public static string ContainerGone(string? container, string endpoint) =>
        $"The container '{container}' disappeared from {endpoint} while it was being restarted. Run 'docker ps -a' and 'docker compose up -d' in the bot folder.";
    public static string DockerEngineError(string container, string endpoint, int status, string? engineMessage) =>
        $"The Docker engine at {endpoint} refused to restart or start {container} (HTTP {status}): {engineMessage}. See 'docker logs {container}' and 'docker inspect {container}' on the engine host.";
    public static string ContainerStartTimeout(string container, TimeSpan timeout, string state) =>
        $"'{container}' was not running again after {DurationText.Of(timeout)}, the whole -Timeout (state: {state}). See 'docker logs {container}'; pass a larger -Timeout if it is slow to stop or start.";
    public static string ContainerUnhealthy(string container, TimeSpan timeout, string health, string detail) =>
        $"'{container}' runs but was not healthy after {DurationText.Of(timeout)}, the whole -Timeout (health: {health}{detail}). See its healthcheck log with 'docker inspect {container}' (State.Health) and 'docker logs {container}'; pass a larger -Timeout if its healthcheck is slow.";
    public static string ContainerExited(string container, long exitCode) =>
        $"'{container}' exited (code {exitCode}) right after it was started. See 'docker logs {container}': the bot exits when its token is expired or invalid.";
    public static string ComposeFileNotFound(string folder, string fileNames) =>
        $"No compose file in {folder} (looked for {fileNames}). Pass the folder that holds the bot's compose file, or use -ComposeProject or -Name.";
    public static string ComposeFileUnreadable(string path, string reason) =>
        $"The compose file '{path}' cannot be read: {reason} It must be a regular text file the bot's compose project is defined in; fix it, or pass -ComposeProject or -Name instead of -ProjectDirectory.";
    public const string ComposeFileNotRegular = "it is not a regular file (a FIFO, device or socket stands there).";
    public static string ComposeFileTooLarge(string limit) =>
        $"it is larger than {limit}, far more than a compose file holds.";
    public static string ComposeProjectNameInvalid(string name, string composeFile) =>
        $"The compose project name '{name}' for {composeFile} has no letters or digits, so no container can belong to it. Set name: in the compose file (or COMPOSE_PROJECT_NAME), or pass -ComposeProject.";
    public static string BotTokensInEnvironment(string name, IReadOnlyList<string> keys, string? composeFolder) =>
        $"'{name}' gets {string.Join(" and ", keys)} from its container environment (compose env_file: or environment:), which a restart does not change: "
        + $"the bot keeps running with the old token. After each save, recreate it instead: 'docker compose up -d --force-recreate' in {composeFolder ?? "the bot folder"}; "
        + "or take the tokens out of env_file:/environment: and let the bot read the mounted config/.env, which Save-OneFlexEnv updates.";

    public const string NoPipelineInput = "Nothing arrived from the pipeline (no token was saved), so the bot was not restarted. Run Restart-OneFlexBot on its own to restart it anyway.";

    // Env files
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
    public static string EnvKeyAfterByteOrderMark(string path, string key) =>
        $"The env file '{path}' starts with a UTF-8 byte order mark right before {key}, so the bot (python-dotenv) does not see that key. Save the file as UTF-8 without BOM, or run Save-OneFlexEnv, which adds a line the bot reads.";
    public static string EnvFileReadOnly(string path) =>
        $"The env file '{path}' is read-only, so the tokens were not saved there. Make it writable (chmod u+w, or clear the read-only attribute) if it should hold the tokens.";
    public static string EnvFileNotWritable(string path, string reason) =>
        $"The tokens could not be saved to '{path}': {reason} The file was left as it was. Check that you may write to the file and to its folder.";
    public static string EnvFolderNotCreated(string path, string reason) =>
        $"The folder of '{path}' does not exist and could not be created: {reason} Create it, or fix the path.";
    public static string EnvFileBusy(string path, string folder, TimeSpan waited) =>
        $"Another save has held the lock of the folder '{folder}' for more than {DurationText.Of(waited)} (it may be waiting at a -Confirm prompt), so '{path}' was left as it was. Retry when it has finished.";

    // The bot writes back (issue 16)
    public static string EnvFolderNotFound(string path, string folder, string nearest) =>
        $"The folder '{folder}' of '{path}' does not exist (the nearest folder that does is '{nearest}'), so nothing was saved, to this file or any other. Check the path for a typo, or add -Force to create the folder.";

    public static string EnvFileUnstable(string path, TimeSpan timeout) =>
        $"'{path}' kept changing while it was being read for {DurationText.Of(timeout)} (another program, such as the bot after its own token refresh, rewrites it in place), so it was not used: a partial read could have lost settings or tokens, and nothing was changed. Run the command again; if it keeps failing, find what rewrites the file over and over and stop it.";
    public static string UnsafeTokenValue(string key, string found) =>
        $"The {key} value cannot be written to a .env file safely: it has {found}, which a token never has (tokens use only letters, digits and . - _ ~ + / =). Nothing was written. Check that the value is really a token.";
    public static string UnsafeTokenEmpty(string key) =>
        $"The {key} value is empty. Nothing was written.";
    public const string SaveEnvNoTokenInput = "No token to save. Pipe a OneFlexToken (Get-OneFlexToken | Save-OneFlexEnv), or pass -AccessToken and/or -RefreshToken.";
    public static string EnvFileInGitWorkTree(string path, string workTree) =>
        $"'{path}' is inside the git work tree '{workTree}' and git does not ignore it: the tokens could be committed. Add it to .gitignore.";
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
    public static string EnvFileInGitWorkTreeUnchecked(string path, string workTree, string? problem) =>
        $"'{path}' is inside the git work tree '{workTree}', and git could not be asked whether it ignores the file ({problem}). Make sure .gitignore covers it, or the tokens could be committed.";
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

    // Sign-in
    public static string BrowserPathNotFound(string path) =>
        $"No browser executable at '{path}'. Pass the full path of an installed Chrome, Edge or Chromium to -BrowserPath, or leave it out to use the one found on this machine.";

    /// <param name="browser">The browser asked for (Chrome, Edge...), or null for any.</param>
    public static string BrowserNotFound(OSKind os, string? browser)
    {
        var which = browser is null ? "No Chromium, Chrome or Edge browser" : $"No {browser} browser";
        var install = os switch
        {
            OSKind.Windows => "Install Microsoft Edge or Google Chrome",
            OSKind.MacOS => "Install Google Chrome, Microsoft Edge or Chromium into /Applications",
            _ => "Install Chromium (Debian/Ubuntu: 'sudo apt-get install chromium'; Fedora: 'sudo dnf install chromium'), Google Chrome or Microsoft Edge",
        };
        return $"{which} was found on this machine. {install}, or pass the path of an installed one with -BrowserPath. OneFlexTokens never downloads a browser.";
    }

    public const string NoDisplay =
        "There is no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser window can open. Use -Headless to renew from the SSO session kept in the profile, sign in once on a desktop session (or over 'ssh -X'), or run under a virtual display: 'xvfb-run pwsh ...'.";

    public static string InteractiveLoginRequired(string ssoOrigin) =>
        $"The SSO sign-in page ({ssoOrigin}) appeared: the SSO session kept in the browser profile is gone or expired, so a headless renewal cannot finish. Run Get-OneFlexToken once without -Headless (on a desktop session) to sign in again, then scheduled -Headless runs work until that session ends.";

    public static string SignInTimeout(TimeSpan timeout, bool headless) => headless
        ? $"No tokens after {DurationText.Of(timeout)} of headless sign-in. Check that -BaseUrl is right and that the service answers; run once without -Headless to see what the browser shows, or raise -Timeout."
        : $"The sign-in did not finish within {DurationText.Of(timeout)}. Run Get-OneFlexToken again and complete the sign-in in the browser window, or raise -Timeout.";

    public static string BrowserCouldNotOpen(string url, string reason) =>
        $"The browser could not open {url}: {reason} Check the network and -BaseUrl.";

    public const string BrowserClosed =
        "The browser window was closed before the sign-in finished, so there are no tokens. Run Get-OneFlexToken again and leave the window open until it closes by itself.";

    public static string BrowserLaunchFailed(string browser, string reason) =>
        $"The browser '{browser}' did not start: {reason} If another Get-OneFlexToken is running with the same -ProfilePath, wait for it or pass another -ProfilePath; otherwise pick another browser with -Browser or -BrowserPath.";

    private const string ReinstallAdvice =
        "Repair the module: Install-PSResource OneFlexTokens -Reinstall (-Scope AllUsers, as root, for an install for all users; in a source build: dotnet build).";

    public static string DependencyConflict(string assembly, string folder, string reason) =>
        $"OneFlexTokens could not load {assembly} from '{folder}' into its own load context: {reason} The module's files are incomplete or damaged, or another program changed them. {ReinstallAdvice}";

    /// <summary>Why an assembly did not load, in words that hold no assembly display name (its public key token is not a secret, but reads like one).</summary>
    public static string AssemblyLoadFailure(bool missing, bool notAnAssembly) =>
        missing ? "the file, or one it needs, is missing."
        : notAnAssembly ? "the file is not a .NET assembly for this runtime."
        : "the file could not be loaded (another version or a damaged file).";

    public static string EngineContractMissing(string contract, string assembly) =>
        $"{assembly} does not provide {contract}: OneFlexTokens.dll and {assembly} come from different versions of the module. {ReinstallAdvice}";

    public static string PlaywrightDriverMissing(string path) =>
        $"The browser driver that ships with OneFlexTokens is incomplete: '{path}' is missing, so no browser can be started. {ReinstallAdvice} If PLAYWRIGHT_DRIVER_SEARCH_PATH is set, it must name a folder that holds .playwright, or be removed.";

    public static string PlaywrightNodePathMissing(string variable, string path) =>
        $"{variable} names '{path}', which does not exist, so the browser driver cannot start. Point it at a Node.js executable, or remove it to use the one that ships with OneFlexTokens.";

    public static string PlaywrightDriverNotCopied(string node, string folder, string reason) =>
        $"The browser driver's Node runtime '{node}' is not executable for this user and may not be changed, and its per-user copy could not be made in '{folder}': {reason} Make that folder writable (or free some space: the copy takes about 130 MB), or have the owner of the module run 'chmod +x {node}'. {ReinstallAdvice}";

    public static string PlaywrightDriverNotExecutable(string node, string copy) =>
        $"The per-user copy '{copy}' of the browser driver's Node runtime cannot be executed (is its folder on a noexec mount?), and the installed '{node}' is not executable for this user. Have the owner of the module run 'chmod +x {node}', or set PLAYWRIGHT_NODEJS_PATH to an executable Node.js. {ReinstallAdvice}";

    public static string PlaywrightDriverFailed(string reason) =>
        $"The browser driver that ships with OneFlexTokens did not start: {reason} {ReinstallAdvice}";

    public static string SignInPageFailed(string origin, int status) =>
        $"The sign-in page at {origin} answered HTTP {status}. The service or its SSO is failing: try again later, and check -BaseUrl.";

    public const string RefreshTokenRejected =
        "The service rejected the refresh token: the SSO session it belongs to has ended (or the token is wrong). Sign in again with the browser: run Get-OneFlexToken without -NoBrowser.";

    public static string RefreshTokenRejectedFallingBack(int status) =>
        $"The service rejected the refresh token (HTTP {status}); signing in with the browser instead.";

    public static string RefreshServiceError(string url, int status, int attempts) =>
        $"The refresh grant at {url} failed with HTTP {status} after {attempts} attempt(s). The service is failing: try again later.";

    public static string RefreshServiceUnreachable(string url, string reason, int attempts) =>
        $"The refresh grant at {url} could not be reached after {attempts} attempt(s): {reason} Check the network, a proxy, and -BaseUrl.";

    public static string RefreshGrantAt(string url) => $"The refresh grant at {url}";

    public static string SignInAt(string origin) => $"The sign-in at {origin}";

    public static string NoAnswerWithin(TimeSpan timeout) => $"no answer within {DurationText.Of(timeout)}.";

    public static string ReplyTooLarge(string what, int limit) =>
        $"{what} answered with more than {ReplyLimits.Describe(limit)}, far more than the OneFlex API ever sends, so the reply was not read. Check -BaseUrl: it must be the OneFlex app address.";

    public static string IssuedTokenUnreadable(string issuer, string reason) =>
        $"{issuer} gave an access token that cannot be used, so it was not returned. {reason} Check -BaseUrl (it must be the OneFlex app address); if it is right, the service is failing: try again later.";

    public static string IssuedRefreshTokenUnusable(string issuer, int length) =>
        $"{issuer} gave a refresh token of {length} characters, which no OneFlex refresh token has, so the tokens were not returned. Check -BaseUrl; if it is right, try again later.";

    public static string RefreshBadResponse(string url) =>
        $"The refresh grant at {url} answered 200 without a usable access_token. Check -BaseUrl: it must be the OneFlex app address.";

    public static string ProfilePathIsFile(string path) =>
        $"-ProfilePath '{path}' is a file, not a folder. The browser profile is a folder: pass a folder path (it is created, owner-only, if missing), or leave -ProfilePath out for the per-user default.";

    public static string ProfileFolderNotCreated(string path, string reason) =>
        $"The browser profile folder '{path}' could not be created: {reason} Create it yourself, or pass another -ProfilePath.";

    public static string ProfileFolderShared(string path, string mode) =>
        $"The browser profile folder '{path}' can be written by other users (mode {mode}), and it keeps your SSO session. Its mode was left as it is: prefer a folder only you can write, e.g. leave -ProfilePath out for the per-user default.";

    public const string RefreshTokenMissingInEnvFile =
        "The .env file given with -EnvPath has no ONEFLEX_REFRESH_TOKEN value, and -NoBrowser forbids signing in with the browser. Sign in without -NoBrowser once, or pass -RefreshToken.";

    // Notifications
    public const string NotificationWebhookMissing =
        "No webhook to send the notification to. Pass -WebhookUrl, or -EnvPath naming a .env file with NOTIFICATION_WEBHOOK_URL (the bot's config/.env has it).";

    public static string NotificationWebhookInvalid(string masked) =>
        $"'{masked}' is not a webhook address. Copy the webhook URL from Discord (channel settings, Integrations, Webhooks) or Slack (Incoming Webhooks); it starts with https://.";

    public static string NotificationWebhookHasUserInfo(string masked) =>
        $"The webhook '{masked}' (shown without it) has a user name or password before the host, which would be shown and sent. Webhooks carry their secret in the path: pass the address the chat service gave, without user info.";

    public static string NotificationWebhookInsecure(string masked) =>
        $"The webhook '{masked}' uses http://, which would send the message and the webhook secret in clear. Use its https:// address.";

    public static string NotificationRetrying(string masked, string reason, TimeSpan wait, int attempt) =>
        $"The webhook {masked} answered {reason} on attempt {attempt}; trying again in {DurationText.Of(wait)}.";

    public static string NotificationUnreachable(string masked, string reason, int attempts) =>
        $"The webhook {masked} could not be reached after {attempts} attempt(s): {reason} Check the network and a proxy; raise -Timeout (all attempts share it) if the link is slow.";

    public static string NotificationRateLimited(string masked, TimeSpan wait, int attempts) =>
        $"The webhook {masked} is rate limited (HTTP 429, retry after {DurationText.Of(wait)}) after {attempts} attempt(s). Send fewer notifications, or try again later.";

    public static string NotificationServiceError(string masked, int status, int attempts) =>
        $"The webhook {masked} failed with HTTP {status} after {attempts} attempt(s). The chat service is failing: try again later.";

    public static string NotificationRejected(string masked, int status) => status switch
    {
        404 or 401 or 403 => $"The webhook {masked} refused the message (HTTP {status}): the webhook was deleted or the URL is wrong. Create a new webhook and update -WebhookUrl or NOTIFICATION_WEBHOOK_URL.",
        _ => $"The webhook {masked} refused the message (HTTP {status}). Check that -Format matches the service (Discord or Slack) and that the title and message are not empty.",
    };

    // Scheduled renewal
    public static string RenewalAction(string botFolder, bool noBrowser) =>
        $"Renew the tokens in {botFolder}/.env and config/.env when due ({(noBrowser ? "refresh grant only" : "refresh grant, then a headless browser")}), and restart the bot";

    public static string RenewalNothingDue(DateTimeOffset? expiresAt, TimeSpan minimumValidity) =>
        $"Nothing due: the token in config/.env is valid until {expiresAt:u} (more than {DurationText.Of(minimumValidity)} left).";

    public static string RenewalRenewed(string source, DateTimeOffset? expiresAt, IEnumerable<string> restarted) =>
        $"Renewed with {source}: valid until {expiresAt:u}; saved .env and config/.env; restarted {string.Join(", ", restarted)}.";

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

    public static string RenewalFailedAlert(string errorId, string machine, string message, string logPath) =>
        $"{errorId} on {machine}: {message} The next scheduled run tries again. Log: {logPath}";

    public static string RenewalWebhookMissing(string registerCommand, string webhookParameter, string configEnvFile, string markerFile) =>
        $"This renewal has no webhook, so nobody is alerted when it fails. Give it one: {registerCommand} saves it for the scheduled runs; or set NOTIFICATION_WEBHOOK_URL in {configEnvFile}; or pass -{webhookParameter} to Invoke-OneFlexRenewal or Update-OneFlexBot.ps1. Said once: later runs without a webhook only log it, until one is given ({markerFile} remembers).";

    public const string RenewalWebhookStillMissing = "This renewal still has no webhook; an earlier run's warning said where to give one.";

    public static string RenewalRecoveredAlert(string problem) =>
        $"The previous problem ({problem}) is solved: the bot has a valid token.";

    public static string RenewalStatusNoToken(string configEnvFile) =>
        $"{configEnvFile} has no ONEFLEX_TOKEN yet: sign in once with the command in SignInCommand.";

    public static string RenewalStatusTokenUnreadable(string configEnvFile) =>
        $"The ONEFLEX_TOKEN in {configEnvFile} is not a readable token (Test-OneFlexToken -EnvPath says why); the next run renews it.";

    public static string RenewalBotFolderNotFound(string botFolder) =>
        $"The bot folder {botFolder} does not exist, so nothing was read or written there. Give -BotFolder the folder that holds the bot's .env and config/.env.";

    public static string PathNotFileSystem(string path, string provider) =>
        $"'{path}' is a path of the PowerShell {provider} provider, not of the file system. Give a file or folder path, such as ./oneflex or /volume1/docker/oneflex.";

    public static string PathNotResolved(string path, string reason) =>
        $"'{path}' does not name a file or folder: {reason} Give a file-system path, such as ./oneflex or /volume1/docker/oneflex.";

    public const string RenewalStopped = "The renewal was stopped (Ctrl+C) before it finished; what it did so far stays, and the next run carries on.";
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

    public static string RenewalNotRegistered(string what) =>
        $"No scheduled renewal is registered for {what} here. Check the bot folder's path (a registration is found by its full path) and, for cron, that you are the user who registered it.";


    public static string RenewalScriptNotFound(string path) =>
        $"The renewal script '{path}' is missing from the module. Reinstall OneFlexTokens (Install-PSResource OneFlexTokens -Reinstall) and try again.";

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

    public const string RenewalRegisteredInDsm =
        "On Synology DSM the renewal is a task of DSM's own Task Scheduler (Control Panel > Task Scheduler), which this module cannot read: look there, or give -BotFolder to see a bot's runs.";

    /// <param name="quotedBotFolder">The folder as a PowerShell literal (SignInCommand.Quote).</param>
    public static string RenewalNotRegisteredHere(string quotedBotFolder) =>
        $"Not registered for this user: Register-OneFlexRenewal -BotFolder {quotedBotFolder} schedules it.";

    public static string RenewalRegistrationsUnreadable(string errorId, string message) =>
        $"The registered renewals could not be read ({errorId}): {message}";

    // Values a scheduler line cannot carry, and lines that cannot be read back (Register-/Get-/Unregister-OneFlexRenewal)
    public static string ScheduledValueNotAllowed(string parameter, string character, int position) =>
        $"-{parameter} holds the control character {character} (character {position}), which a scheduled command line cannot carry: a line break, CR or NUL would cut the crontab line or task, and other control characters would reach terminals and logs. Nothing was registered or saved. Pass the value without it (rename the folder if its name holds one).";

    public static string ScheduledBaseUrlHasQuery(string shownWithoutQuery) =>
        $"-BaseUrl '{shownWithoutQuery}' has a query or fragment (not shown: it may hold a secret). The scheduled command line is stored in the crontab or task and shown by ps to every account, and the OneFlex address never needs one. Nothing was registered or saved: pass the address alone, e.g. https://oneflex.myworldline.com.";

    public static string RenewalSupersededWhatIf(string id, string where, string command) =>
        $"and remove the line {id}, registered for this bot folder under a link's own path, from the {where}: {command}";

    public static string RenewalLineUnreadable(string id, string where, string reason) =>
        $"The renewal line {id} in the {where} cannot be read back: {reason} Its bot folder is unknown, so no runs or token are shown. Unregister-OneFlexRenewal -Id {id} removes it; Register-OneFlexRenewal -BotFolder <folder> writes a line that can be read.";

    public const string RenewalLineEndsAtPercent =
        "cron ends its command at an unescaped '%' (written by hand or by an older OneFlexTokens), so it fails at every run.";

    public const string RenewalLineNotOurs =
        "its command is not one this module writes (double quotes, '$' or '`', or unbalanced quotes).";

    public const string RenewalLineNoBotFolder = "its command names no -BotFolder.";

    public const string RenewalStatusNoBotFolder = "unknown: the registered line names no bot folder that can be read";

    public static string RenewalLineById(string id) => $"the unreadable renewal line {id}";

    // The trust rule (TrustedPath)
    public static string PathNotTrusted(string errorId, string path, string reason) => errorId == ErrorIds.DriverCopyNotTrusted
        ? $"The per-user copy of the browser driver is not used from '{path}': {reason}. Nothing was run, written or deleted there. Another account may have put it there: remove it, or make it yours and owner-only (chown and chmod go-w), or set XDG_DATA_HOME to a folder only you can write."
        : $"The renewal does not use '{path}' for its state, log or webhook: {reason}. Nothing was read, written, created or deleted there. Another account may have put it there: look at it, then remove it or make it yours and owner-only (chown and chmod go-w), or give a folder of your own (-StatePath, -LogPath).";

    public static string RenewalWebhookLeftAlone(string path, string reason) =>
        $"The scheduled renewal was removed, but its saved webhook '{path}' was left alone: {reason}";

    // A registration that proves itself (issue 16)
    public static string RenewalBotFolderNotReadable(string botFolder, string reason) =>
        $"The bot folder {botFolder} cannot be read by this user: {reason} Let the user that runs the scheduled renewal read the folder (and enter every folder above it).";

    public static string ScheduledCheckStateNotWritable(string folder) =>
        $"This user cannot create files in {folder}, where the renewal keeps its lock, state and log.";

    public static string ScheduledCheckReady(string botFolder) => $"a scheduled run of {botFolder} can start.";

    public static string ScheduledCommandNotRunnable(string where, int? exitCode, string output) =>
        $"The command to register in the {where} did not run as the scheduler will run it ({(exitCode is { } code ? "exit " + code : "no answer in time")}), so nothing was registered: {output} " +
        "Fix what it says (a pwsh, module or bot folder this user cannot read or run), then register again.";

    public static string ScheduledCommandNotStarted(string program) => $"could not start {program}.";

    public static string RenewalRunsNotStarting(TimeSpan twoIntervals) =>
        $"No run has been logged since the renewal was registered, more than {DurationText.Of(twoIntervals)} (two intervals) ago: the scheduled command does not start. Run the registered Command by hand as its user to see why (cron mails its errors), then register again: Register-OneFlexRenewal checks the command before writing it.";
}
