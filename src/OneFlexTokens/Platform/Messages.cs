namespace OneFlexTokens.Errors;

// The messages of Platform/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    // The trust rule (TrustedPath)
    public static string PathNotTrusted(string errorId, string path, string reason) =>
        errorId == ErrorIds.DockerConfigUnreadable
        ? $"The docker CLI's file '{path}' is not read: {reason}. Another account may have put it there: make it yours and owner-only (chown and chmod go-w), set DOCKER_CONFIG to a folder of your own, or pass -DockerHost."
        : errorId == ErrorIds.DriverCopyNotTrusted
        ? $"The per-user copy of the browser driver is not used from '{path}': {reason}. Nothing was run, written or deleted there. Another account may have put it there: remove it, or make it yours and owner-only (chown and chmod go-w), or set XDG_DATA_HOME to a folder only you can write."
        : $"The renewal does not use '{path}' for its state, log or webhook: {reason}. Nothing was read, written, created or deleted there. Another account may have put it there: look at it, then remove it or make it yours and owner-only (chown and chmod go-w), or give a folder of your own (-StatePath, -LogPath).";
}
