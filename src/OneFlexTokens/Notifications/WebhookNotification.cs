using System.Management.Automation;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Notifications;

/// <summary>An alert's text, scrubbed of anything secret-looking and of control characters before it can be shown or sent.</summary>
internal sealed record WebhookMessage
{
    /// <param name="command">
    /// A command line the module built itself from the run's own paths and addresses (no secret ever), shown verbatim
    /// as a code block after the message: the scrubber would mask parts of it, such as a unix:// socket path.
    /// </param>
    public WebhookMessage(NotificationLevel level, string title, string message, string? command = null)
    {
        Level = level;
        Title = SecretScrubber.Scrub(DisplayText.Escape(title));
        Message = SecretScrubber.Scrub(DisplayText.Escape(message, keepLineBreaks: true))
            + (command is null ? "" : $"\n\n```\n{DisplayText.Escape(command)}\n```");
    }

    public NotificationLevel Level { get; }

    public string Title { get; }

    public string Message { get; }
}

/// <summary>
/// Sending an alert, the same for Send-OneFlexNotification and the scheduled renewal: which webhook (-WebhookUrl, else
/// NOTIFICATION_WEBHOOK_URL of the bot's .env), its format, the payload, and the send with its retries.
/// </summary>
internal static class WebhookNotification
{
    public const string WebhookEnvKey = "NOTIFICATION_WEBHOOK_URL";

    /// <summary>The webhook <paramref name="webhookUrl"/> names, else the one in <paramref name="envPath"/> (a full path); NotificationWebhookMissing or NotificationWebhookInvalid.</summary>
    public static Uri ResolveWebhook(string? webhookUrl, string? envPath)
    {
        if (!string.IsNullOrWhiteSpace(webhookUrl))
        {
            return WebhookAddress.Parse(webhookUrl);
        }

        if (envPath is not null && EnvFileReader.ReadValues(envPath).TryGetValue(WebhookEnvKey, out var fromFile) && !string.IsNullOrWhiteSpace(fromFile))
        {
            return WebhookAddress.Parse(fromFile);
        }

        throw new OneFlexException(ErrorIds.NotificationWebhookMissing, ErrorCategory.InvalidArgument, Messages.NotificationWebhookMissing);
    }

    public static async Task<NotificationResult> SendAsync(
        Uri webhook, WebhookFormat requestedFormat, WebhookMessage message, int maxRetries, TimeSpan timeout, Action<string>? verbose, CancellationToken cancellationToken)
    {
        var masked = WebhookAddress.Mask(webhook);
        var format = WebhookAddress.Detect(webhook, requestedFormat);
        var sentAt = DateTimeOffset.UtcNow;
        var payload = WebhookPayload.Build(format, message.Level, message.Title, message.Message, sentAt);
        verbose?.Invoke($"Posting a {format} {message.Level} notification '{message.Title}' to {masked}.");
        var (status, attempts) = await new WebhookSender().SendAsync(webhook, payload, maxRetries, timeout, verbose, cancellationToken).ConfigureAwait(false);
        verbose?.Invoke($"The webhook {masked} accepted it (HTTP {status}, attempt {attempts}).");
        return new NotificationResult(format, message.Level, message.Title, status, attempts, masked, sentAt);
    }
}
