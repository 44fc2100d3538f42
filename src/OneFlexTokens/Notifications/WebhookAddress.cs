using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Notifications;

/// <summary>A webhook URL is a secret (anyone holding it can post): it follows <see cref="UrlPolicy"/> and is shown with its path masked.</summary>
internal static class WebhookAddress
{
    public static Uri Parse(string text)
    {
        var verdict = UrlPolicy.Check(text, out var uri);
        var masked = Mask(text);
        return verdict switch
        {
            UrlVerdict.Ok => uri!,
            UrlVerdict.HasUserInfo => throw new OneFlexException(ErrorIds.NotificationWebhookInvalid, ErrorCategory.InvalidArgument, Messages.NotificationWebhookHasUserInfo(masked)),
            UrlVerdict.Insecure => throw new OneFlexException(ErrorIds.NotificationWebhookInvalid, ErrorCategory.InvalidArgument, Messages.NotificationWebhookInsecure(masked)),
            _ => throw new OneFlexException(ErrorIds.NotificationWebhookInvalid, ErrorCategory.InvalidArgument, Messages.NotificationWebhookInvalid(masked)),
        };
    }

    public static string Mask(string text) => UrlPolicy.DisplayMaskedPath(text);

    public static string Mask(Uri uri) => UrlPolicy.DisplayMaskedPath(uri);

    public static WebhookFormat Detect(Uri uri, WebhookFormat requested) => requested != WebhookFormat.Auto
        ? requested
        : uri.Host.Equals("hooks.slack.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase)
            ? WebhookFormat.Slack
            : WebhookFormat.Discord;
}
