namespace OneFlexTokens.Errors;

/// <summary>Stable FullyQualifiedErrorId prefixes that scripts may match on. Never rename one.</summary>
internal static class ErrorIds
{
    // Tokens
    public const string TokenEmpty = "TokenEmpty";
    public const string TokenMalformed = "TokenMalformed";
    public const string TokenNotJwt = "TokenNotJwt";
    public const string TokenBadEncoding = "TokenBadEncoding";
    public const string TokenBadJson = "TokenBadJson";
    public const string TokenNoExpiry = "TokenNoExpiry";
    public const string TokenExpired = "TokenExpired";
    public const string TokenNotYetValid = "TokenNotYetValid";
    public const string TokenExpiresTooSoon = "TokenExpiresTooSoon";
    public const string TokenRejected = "TokenRejected";
    public const string ServiceError = "ServiceError";
    public const string ServiceUnreachable = "ServiceUnreachable";
    public const string NoTokenInput = "NoTokenInput";

    // Env files
    public const string EnvFileNotFound = "EnvFileNotFound";
    public const string EnvFileUnreadable = "EnvFileUnreadable";
    public const string EnvFileNotWritable = "EnvFileNotWritable";
    public const string EnvPathIsDirectory = "EnvPathIsDirectory";
    public const string EnvKeyMissing = "EnvKeyMissing";
    public const string UnsafeTokenValue = "UnsafeTokenValue";
    public const string EnvFileBusy = "EnvFileBusy";
    public const string EnvFileNotRegular = "EnvFileNotRegular";
    public const string EnvFileLinkDangling = "EnvFileLinkDangling";
    public const string EnvFileLinkRefused = "EnvFileLinkRefused";
    public const string EnvFileTooLarge = "EnvFileTooLarge";
    public const string EnvFileOwnerNotKept = "EnvFileOwnerNotKept";
    public const string EnvLockFileRefused = "EnvLockFileRefused";

    // As users meet it (issue 18)
    public const string EnvFolderNotFound = "EnvFolderNotFound";

    // The bot writes back (issue 16)
    public const string EnvFileUnstable = "EnvFileUnstable";

    // Sign-in
    public const string BrowserNotFound = "BrowserNotFound";
    public const string BrowserClosed = "BrowserClosed";
    public const string BrowserLaunchFailed = "BrowserLaunchFailed";
    public const string InteractiveLoginRequired = "InteractiveLoginRequired";
    public const string NoDisplay = "NoDisplay";
    public const string SignInTimeout = "SignInTimeout";
    public const string RefreshTokenRejected = "RefreshTokenRejected";
    public const string InsecureBaseUrl = "InsecureBaseUrl";
    public const string InvalidBaseUrl = "InvalidBaseUrl";
    public const string BaseUrlHasUserInfo = "BaseUrlHasUserInfo";
    public const string InvalidTimeout = "InvalidTimeout";
    public const string ProfilePathInvalid = "ProfilePathInvalid";
    public const string PlaywrightDriverUnusable = "PlaywrightDriverUnusable";

    // The engine's own load context
    public const string DependencyConflict = "DependencyConflict";

    // Docker
    public const string DockerUnreachable = "DockerUnreachable";
    public const string DockerPermissionDenied = "DockerPermissionDenied";
    public const string ContainerNotFound = "ContainerNotFound";
    public const string ContainerStartTimeout = "ContainerStartTimeout";
    public const string ContainerUnhealthy = "ContainerUnhealthy";
    public const string DockerEngineError = "DockerEngineError";
    public const string ComposeFileNotFound = "ComposeFileNotFound";
    public const string InvalidDockerHost = "InvalidDockerHost";
    public const string ContainerExited = "ContainerExited";
    public const string DockerTlsCertificatesMissing = "DockerTlsCertificatesMissing";
    public const string DockerNotAnEngine = "DockerNotAnEngine";
    public const string DockerContextNotFound = "DockerContextNotFound";
    public const string DockerContextInvalid = "DockerContextInvalid";
    public const string DockerConfigUnreadable = "DockerConfigUnreadable";
    public const string ComposeProjectNameInvalid = "ComposeProjectNameInvalid";
    public const string ComposeFileUnreadable = "ComposeFileUnreadable";
    public const string ComposeInterpolationFailed = "ComposeInterpolationFailed";

    // Notifications
    public const string NotificationWebhookMissing = "NotificationWebhookMissing";
    public const string NotificationWebhookInvalid = "NotificationWebhookInvalid";
    public const string NotificationRejected = "NotificationRejected";
    public const string NotificationRateLimited = "NotificationRateLimited";
    public const string NotificationServiceError = "NotificationServiceError";
    public const string NotificationUnreachable = "NotificationUnreachable";

    // Scheduled renewal
    public const string RenewalLockTimeout = "RenewalLockTimeout";
    public const string RenewalStateNotWritable = "RenewalStateNotWritable";
    public const string RenewalUnexpectedFailure = "RenewalUnexpectedFailure";
    public const string RenewalBotFolderNotFound = "RenewalBotFolderNotFound";
    public const string PathNotFileSystem = "PathNotFileSystem";
    public const string RenewalStopped = "RenewalStopped";

    /// <summary>Written by Scripts/Update-OneFlexBot.ps1 itself when the module's binary cannot be loaded at all.</summary>
    public const string ModuleNotLoadable = "ModuleNotLoadable";

    public const string RenewalIntervalInvalid = "RenewalIntervalInvalid";
    public const string CrontabUnavailable = "CrontabUnavailable";
    public const string CrontabFailed = "CrontabFailed";
    public const string TaskSchedulerFailed = "TaskSchedulerFailed";
    public const string RenewalNotRegistered = "RenewalNotRegistered";
    public const string RenewalScriptNotFound = "RenewalScriptNotFound";

    // Values a scheduler line cannot carry (Register-OneFlexRenewal)
    public const string ScheduledValueNotAllowed = "ScheduledValueNotAllowed";
    public const string ScheduledBaseUrlHasQuery = "ScheduledBaseUrlHasQuery";

    // The trust rule (TrustedPath): state, log, webhook file and the per-user driver copy
    public const string StateNotTrusted = "StateNotTrusted";
    public const string DriverCopyNotTrusted = "DriverCopyNotTrusted";

    // A registration that proves itself (issue 16)
    public const string ScheduledCommandNotRunnable = "ScheduledCommandNotRunnable";
    public const string RenewalBotFolderNotReadable = "RenewalBotFolderNotReadable";

    // The remote sign-in's public address (issue 19)
    public const string InvalidPublicUrl = "InvalidPublicUrl";
    public const string PublicUrlHasUserInfo = "PublicUrlHasUserInfo";
    public const string InsecurePublicUrl = "InsecurePublicUrl";

    // Asking for a remote sign-in (issue 19)
    public const string RemoteSignInParameterWithoutSwitch = "RemoteSignInParameterWithoutSwitch";

    // Remote sign-in (issue 19): the listener and its session
    public const string ListenAddressInvalid = "ListenAddressInvalid";
    public const string ListenAddressInUse = "ListenAddressInUse";
    public const string ListenFailed = "ListenFailed";
    public const string InsecureListenAddress = "InsecureListenAddress";
    public const string CertificateNotFound = "CertificateNotFound";
    public const string CertificateUnreadable = "CertificateUnreadable";
    public const string CertificateHasNoKey = "CertificateHasNoKey";
    public const string RemoteSignInExpired = "RemoteSignInExpired";
    public const string RemoteSignInLocked = "RemoteSignInLocked";
    public const string RemoteSessionTimeout = "RemoteSessionTimeout";
    public const string RemoteSignInConflict = "RemoteSignInConflict";
}
