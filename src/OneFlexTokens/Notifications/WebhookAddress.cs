using System.Management.Automation;
using OneFlexTokens.Common;

namespace OneFlexTokens.Notifications;

/// <summary>A webhook URL is a secret (anyone holding it can post): it is shown with its path masked.</summary>
public static class WebhookAddress
{
    public static Uri Parse(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new OneFlexException(ErrorIds.NotificationWebhookInvalid, ErrorCategory.InvalidArgument, Messages.NotificationWebhookInvalid(Mask(text)));
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new OneFlexException(ErrorIds.NotificationWebhookInvalid, ErrorCategory.InvalidArgument, Messages.NotificationWebhookInsecure(Mask(text)));
        }

        return uri;
    }

    public static string Mask(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return SecretMask.Mask(text);
        }

        var path = uri.PathAndQuery.TrimStart('/');
        return $"{uri.Scheme}://{uri.Authority}/{SecretMask.Mask(path)}";
    }

    public static string Mask(Uri uri) => Mask(uri.ToString());

    public static WebhookFormat Detect(Uri uri, WebhookFormat requested) => requested != WebhookFormat.Auto
        ? requested
        : uri.Host.Equals("hooks.slack.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase)
            ? WebhookFormat.Slack
            : WebhookFormat.Discord;
}
