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
    /// <param name="link">The link of a sign-in from a phone, secret included: it goes into the payload only, never into <see cref="Message"/>.</param>
    public WebhookMessage(NotificationLevel level, string title, string message, string? command = null, AlertLink? link = null)
    {
        Level = level;
        Title = SecretScrubber.Scrub(DisplayText.Escape(title));
        Message = SecretScrubber.Scrub(DisplayText.Escape(message, keepLineBreaks: true))
            + (command is null ? "" : $"\n\n```\n{DisplayText.Escape(command)}\n```");
        Link = link;
    }

    public NotificationLevel Level { get; }

    public string Title { get; }

    public string Message { get; }

    public AlertLink? Link { get; }
}

/// <summary>
/// A link an alert carries whole, secret included (the one-time link of a sign-in from a phone): it reaches the webhook
/// and nothing else, so it is neither scrubbed (the scrubber would mask its secret) nor ever shown by <see cref="ToString"/>.
/// </summary>
internal sealed record AlertLink(string Url, DateTimeOffset ValidUntil)
{
    /// <summary>The line the alert shows it in; <paramref name="shownUrl"/> is the URL as the format wants it (in &lt;…&gt;).</summary>
    public string Line(string shownUrl) => Messages.AlertSignInLink(shownUrl, ValidUntil);

    /// <summary>Never the link: a record's own ToString would print it wherever an alert is formatted.</summary>
    public override string ToString() => $"a sign-in link (valid until {ValidUntil:u})";
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
        var payload = WebhookPayload.Build(format, message.Level, message.Title, message.Message, sentAt, message.Link);
        verbose?.Invoke($"Posting a {format} {message.Level} notification '{message.Title}' to {masked}.");
        var (status, attempts) = await new WebhookSender().SendAsync(webhook, payload, maxRetries, timeout, verbose, cancellationToken).ConfigureAwait(false);
        verbose?.Invoke($"The webhook {masked} accepted it (HTTP {status}, attempt {attempts}).");
        return new NotificationResult(format, message.Level, message.Title, status, attempts, masked, sentAt);
    }
}
