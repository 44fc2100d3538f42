using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneFlexTokens.Notifications;

/// <summary>
/// The JSON body: a Discord embed (title, description, colour by level, timestamp, like the bot's own alerts) or
/// a Slack message with an attachment of the same colour. Text is scrubbed of secrets before it gets here.
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

    public static string Build(WebhookFormat format, NotificationLevel level, string title, string message, DateTimeOffset timestamp)
    {
        var stamp = timestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var colour = DiscordColour(level);
        JsonObject body = format == WebhookFormat.Slack
            ? new JsonObject
            {
                ["text"] = $"{title}",
                ["attachments"] = new JsonArray(new JsonObject
                {
                    ["color"] = "#" + colour.ToString("X6", CultureInfo.InvariantCulture),
                    ["title"] = title,
                    ["text"] = message,
                    ["footer"] = $"{Username} · {level}",
                    ["ts"] = timestamp.ToUnixTimeSeconds(),
                }),
            }
            : new JsonObject
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
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
