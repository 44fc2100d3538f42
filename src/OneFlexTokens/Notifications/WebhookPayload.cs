using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneFlexTokens.Notifications;

/// <summary>
/// The JSON body: a Discord embed (title, description, colour by level, timestamp, like the bot's own alerts) or
/// a Slack message with an attachment of the same colour; a message carrying a sign-in link is plain content on Discord
/// (<see cref="Build"/>). Text is scrubbed of secrets before it gets here; the link is the one secret a payload carries.
/// </summary>
internal static class WebhookPayload
{
    public const string Username = "OneFlexTokens";

    public static int DiscordColour(NotificationLevel level) => level switch
    {
        NotificationLevel.Success => 0x2ECC71,
        NotificationLevel.Warning => 0xF39C12,
        NotificationLevel.Error => 0xE74C3C,
        _ => 0x3498DB,
    };

    /// <summary>Discord's message flag SUPPRESS_EMBEDS: no link preview (it also drops the message's own embeds).</summary>
    public const int DiscordSuppressEmbeds = 4;

    /// <summary>The longest content of a Discord message.</summary>
    public const int DiscordContentMax = 2000;

    /// <param name="link">
    /// A link the message carries whole (a sign-in from a phone): on its own line, with link previews suppressed so that
    /// no chat app fetches it (Slack: unfurl_links and unfurl_media false; Discord: the link in &lt;…&gt; and the
    /// SUPPRESS_EMBEDS flag, which drops embeds too, so that message is plain content).
    /// </param>
    public static string Build(WebhookFormat format, NotificationLevel level, string title, string message, DateTimeOffset timestamp, AlertLink? link = null)
    {
        var stamp = timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var colour = DiscordColour(level);
        var linkLine = link?.Line("<" + link.Url + ">");
        JsonObject body;
        if (format == WebhookFormat.Slack)
        {
            body = new JsonObject
            {
                ["text"] = $"{title}",
                ["attachments"] = new JsonArray(new JsonObject
                {
                    ["color"] = "#" + colour.ToString("X6", CultureInfo.InvariantCulture),
                    ["title"] = title,
                    ["text"] = linkLine is null ? message : linkLine + "\n\n" + message,
                    ["footer"] = $"{Username} · {level}",
                    ["ts"] = timestamp.ToUnixTimeSeconds(),
                }),
            };
            if (linkLine is not null)
            {
                body["unfurl_links"] = false;
                body["unfurl_media"] = false;
            }
        }
        else if (linkLine is not null)
        {
            // The link line first and never cut: the message gives way when the content would be too long.
            var head = $"**{title}**\n{linkLine}\n\n";
            body = new JsonObject
            {
                ["username"] = Username,
                ["content"] = head + Truncate(message, Math.Max(1, DiscordContentMax - head.Length)),
                ["flags"] = DiscordSuppressEmbeds,
            };
        }
        else
        {
            body = new JsonObject
            {
                ["username"] = Username,
                ["embeds"] = new JsonArray(new JsonObject
                {
                    ["title"] = Truncate(title, 256),
                    ["description"] = Truncate(message, 4096),
                    ["color"] = colour,
                    ["timestamp"] = stamp,
                    ["footer"] = new JsonObject { ["text"] = $"{Username} · {level}" },
                }),
            };
        }

        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
