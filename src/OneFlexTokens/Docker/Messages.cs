using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of Docker/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
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

    public static string ComposeInterpolationFailed(string where, string reason) =>
        $"docker compose could not use {where} either: {reason}. Fix the ${{...}} reference there, set the variable (environment or the project's .env), or pass -ComposeProject.";
    public const string ComposeInterpolationUnclosed = "a '${' is never closed by '}'";
    public const string ComposeInterpolationBadName = "a '${' is not followed by a variable name and one of '}', ':-', '-', ':?', '?', ':+', '+' (write $$ for a literal $)";
    public const string ComposeInterpolationTooDeep = "its ${...} defaults nest too deeply";
    public static string ComposeVariableRequired(string name, string message) =>
        $"the variable {name} is required and is not set" + (message.Length > 0 ? $" ({message})" : "");
    public static string DockerContextNotFound(string context, string chosenBy, string metaFile) =>
        $"The Docker context '{context}' (from {chosenBy}) does not exist: there is no {metaFile}. Run 'docker context ls' to see the contexts, then 'docker context use <name>' (or 'docker context use default'), or unset DOCKER_CONTEXT, or pass -DockerHost.";
    public static string DockerContextNameInvalid(string context, string chosenBy) =>
        $"'{context}' (from {chosenBy}) is not a Docker context name (letters, digits, '_', '.', '+', '-'). Run 'docker context ls' and 'docker context use <name>', or pass -DockerHost.";
    public static string DockerContextInvalid(string context, string metaFile, string reason) =>
        $"The Docker context '{context}' ({metaFile}) cannot be used: {reason} Recreate it with 'docker context create', or pass -DockerHost.";
    public const string DockerContextNoDockerEndpoint = "it has no docker endpoint, or its name does not match its folder.";
    public static string DockerConfigUnreadable(string path, string reason) =>
        $"The docker CLI's file {path} cannot be read: {reason.TrimEnd('.')}. Fix or remove it (docker context rm, docker context use default), set DOCKER_CONFIG to another folder, or pass -DockerHost.";
    public const string DockerConfigNotRegular = "it is not a regular file";
    public const string DockerConfigNotJson = "it is not valid JSON";
    public static string DockerConfigTooLarge(string limit) => $"it is larger than {limit}, far more than the docker CLI writes";
    public static string DockerSocketMissing(string path) => $"there is no socket at {path} (the file does not exist)";
    public static string DockerSocketRefused(string path) => $"the socket {path} exists but no engine listens on it (a daemon that stopped)";
    public static string DockerSocketNotASocket(string path) => $"{path} is not a socket (a regular file or a folder)";
    public static string DockerPortRefused(string address) => $"nothing listens at {address} (connection refused)";
    public static string DockerHostNotFound(string address) => $"the host of {address} is not known (DNS)";
    public static string DockerHostNoRoute(string address) => $"{address} cannot be reached on the network (no route, or no answer)";
}
