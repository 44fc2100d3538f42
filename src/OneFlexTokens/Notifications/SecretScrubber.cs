using System.Text.RegularExpressions;
using OneFlexTokens.Common;

namespace OneFlexTokens.Notifications;

/// <summary>
/// Masks anything in free text that looks like a token (a JWT, a long hex string, a bearer value, a webhook URL),
/// so a message can go to a chat channel even when a caller pasted a secret into it.
/// </summary>
public static partial class SecretScrubber
{
    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var scrubbed = WebhookUrlPattern().Replace(text, m => WebhookAddress.Mask(m.Value));
        scrubbed = JwtPattern().Replace(scrubbed, m => SecretMask.Mask(m.Value));
        scrubbed = LongHexPattern().Replace(scrubbed, m => SecretMask.Mask(m.Value));
        return BearerPattern().Replace(scrubbed, m => m.Groups[1].Value + SecretMask.Mask(m.Groups[2].Value));
    }

    [GeneratedRegex(@"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex JwtPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[0-9A-Fa-f]{20,}(?![A-Za-z0-9])")]
    private static partial Regex LongHexPattern();

    [GeneratedRegex(@"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]{12,})")]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"(?i)https?://[^\s/]*(discord(app)?\.com/api/webhooks|hooks\.slack\.com)/[^\s""'<>)]+")]
    private static partial Regex WebhookUrlPattern();
}
