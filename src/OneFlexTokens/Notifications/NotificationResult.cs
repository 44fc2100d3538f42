namespace OneFlexTokens.Notifications;

/// <summary>What Send-OneFlexNotification -PassThru returns: where it went (masked) and how it went.</summary>
public sealed record NotificationResult(
    WebhookFormat Format,
    NotificationLevel Level,
    string Title,
    int StatusCode,
    int Attempts,
    string Webhook,
    DateTimeOffset SentAt);
