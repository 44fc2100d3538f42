namespace OneFlexTokens.Notifications;

/// <summary>How serious a notification is; it picks the embed colour.</summary>
public enum NotificationLevel
{
    Info,
    Success,
    Warning,
    Error,
}

/// <summary>Which chat service a webhook belongs to; Auto decides from its host.</summary>
public enum WebhookFormat
{
    Auto,
    Discord,
    Slack,
}
