using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of Notifications/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
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

    public static string AlertSignInLink(string shownUrl, DateTimeOffset validUntil) =>
        $"Sign in again from your phone: {shownUrl} (valid until {validUntil:u})";
}
