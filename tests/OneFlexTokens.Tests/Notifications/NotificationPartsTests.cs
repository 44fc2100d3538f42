using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Notifications;

public class NotificationPartsTests
{
    [Fact]
    public void Scrubber_masks_jwts_hex_tokens_bearer_values_and_webhook_urls_and_keeps_the_rest()
    {
        var jwt = TestJwt.Valid();
        var hex = "0123456789abcdef0123456789abcdef";
        var bearer = "Zm9vYmFyYmF6cXV4LXNlY3JldA";
        var webhook = "https://discord.com/api/webhooks/123456789/AbCdEf-very-secret_token";
        var text = $"Token {jwt} refresh {hex}; header Authorization: Bearer {bearer}; hook {webhook} done. Desk 3-014 at 09:30.";

        var scrubbed = SecretScrubber.Scrub(text);

        SecretAssert.NotIn(scrubbed, jwt, hex, bearer, "AbCdEf-very-secret_token");
        Assert.Contains(SecretMask.Mask(jwt), scrubbed);
        Assert.Contains(SecretMask.Mask(hex), scrubbed);
        Assert.Contains("https://discord.com/", scrubbed);
        Assert.EndsWith("done. Desk 3-014 at 09:30.", scrubbed);
        Assert.Equal("Renewal failed: InteractiveLoginRequired (sign in again).", SecretScrubber.Scrub("Renewal failed: InteractiveLoginRequired (sign in again)."));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXX", WebhookFormat.Auto, WebhookFormat.Slack)]
    [InlineData("https://discord.com/api/webhooks/1/abc", WebhookFormat.Auto, WebhookFormat.Discord)]
    [InlineData("http://127.0.0.1:5000/hook", WebhookFormat.Auto, WebhookFormat.Discord)]
    [InlineData("http://127.0.0.1:5000/hook", WebhookFormat.Slack, WebhookFormat.Slack)]
    public void Format_follows_the_host_unless_given(string url, WebhookFormat requested, WebhookFormat expected) =>
        Assert.Equal(expected, WebhookAddress.Detect(WebhookAddress.Parse(url), requested));

    [Fact]
    public void Webhook_address_is_shown_with_its_path_masked_and_must_be_https_off_loopback()
    {
        var masked = WebhookAddress.Mask("https://discord.com/api/webhooks/123456789/AbCdEf-very-secret_token");
        Assert.StartsWith("https://discord.com/", masked);
        Assert.DoesNotContain("AbCdEf-very-secret_token", masked);
        Assert.DoesNotContain("123456789", masked);

        var insecure = Assert.Throws<OneFlexException>(() => WebhookAddress.Parse("http://discord.com/api/webhooks/1/secret-part"));
        Assert.Equal(ErrorIds.NotificationWebhookInvalid, insecure.ErrorId);
        Assert.DoesNotContain("secret-part", insecure.Message);
        Assert.Equal(ErrorIds.NotificationWebhookInvalid, Assert.Throws<OneFlexException>(() => WebhookAddress.Parse("not a url")).ErrorId);
    }

    [Theory]
    [InlineData(NotificationLevel.Info, 0x3498DB)]
    [InlineData(NotificationLevel.Success, 0x2ECC71)]
    [InlineData(NotificationLevel.Warning, 0xF39C12)]
    [InlineData(NotificationLevel.Error, 0xE74C3C)]
    public void Discord_payload_is_one_embed_with_title_description_colour_and_timestamp(NotificationLevel level, int colour)
    {
        var at = new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.FromHours(1));
        var json = System.Text.Json.JsonDocument.Parse(WebhookPayload.Build(WebhookFormat.Discord, level, "Renewal", "Tokens renewed.", at)).RootElement;
        var embed = Assert.Single(json.GetProperty("embeds").EnumerateArray());
        Assert.Equal("Renewal", embed.GetProperty("title").GetString());
        Assert.Equal("Tokens renewed.", embed.GetProperty("description").GetString());
        Assert.Equal(colour, embed.GetProperty("color").GetInt32());
        Assert.Equal("2026-11-25T08:30:00.000Z", embed.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Slack_payload_has_text_and_a_coloured_attachment()
    {
        var json = System.Text.Json.JsonDocument.Parse(WebhookPayload.Build(WebhookFormat.Slack, NotificationLevel.Error, "Renewal failed", "Sign in again.", DateTimeOffset.UtcNow)).RootElement;
        Assert.Equal("Renewal failed", json.GetProperty("text").GetString());
        var attachment = Assert.Single(json.GetProperty("attachments").EnumerateArray());
        Assert.Equal("#E74C3C", attachment.GetProperty("color").GetString());
        Assert.Equal("Sign in again.", attachment.GetProperty("text").GetString());
    }

    [Fact]
    public void An_alert_keeps_its_line_breaks_and_shows_every_other_control_character_escaped()
    {
        var message = new WebhookMessage(NotificationLevel.Error, "Title\u001b]0;x\u0007", "first line\r\nsecond \u001b[2J line", "Get-OneFlexToken\u001b[31m");

        Assert.Equal(@"Title\e]0;x\x07", message.Title);
        Assert.Equal("first line\nsecond \\e[2J line\n\n```\nGet-OneFlexToken\\e[31m\n```", message.Message);
    }
}
