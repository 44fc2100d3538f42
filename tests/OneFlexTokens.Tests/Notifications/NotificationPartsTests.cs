using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.RemoteSignIn;
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

    [Fact]
    public async Task An_alert_with_a_sign_in_link_carries_it_whole_with_previews_suppressed_and_says_it_nowhere_else()
    {
        var link = SignInLink.Create("https://nas.example.ts.net/oneflex/", TimeSpan.FromHours(12), TimeProvider.System);
        var secret = link.Link[(link.Link.IndexOf('#') + 1)..];
        var alert = new WebhookMessage(NotificationLevel.Error, "OneFlex bot: sign in again", "The SSO session has ended.", "Get-OneFlexToken", new AlertLink(link.Link, link.ExpiresAt));
        var line = $"Sign in again from your phone: <{link.Link}> (valid until {link.ExpiresAt:u})";
        SecretAssert.NotIn(alert.Message + alert.Title + alert + alert.Link, secret);

        await using var discord = await WebhookReceiver.StartAsync();
        await using var slack = await WebhookReceiver.StartAsync("/services/T000/B000/XXXX");
        var verbose = new List<string>();
        await WebhookNotification.SendAsync(discord.Url, WebhookFormat.Discord, alert, 0, TimeSpan.FromSeconds(30), verbose.Add, CancellationToken.None);
        await WebhookNotification.SendAsync(slack.Url, WebhookFormat.Slack, alert, 0, TimeSpan.FromSeconds(30), verbose.Add, CancellationToken.None);

        // Discord: SUPPRESS_EMBEDS (which drops embeds too, so the alert is plain content) and the link in <…>.
        var posted = Assert.Single(discord.Received).Json;
        Assert.Equal(4, posted.GetProperty("flags").GetInt32());
        Assert.False(posted.TryGetProperty("embeds", out _));
        var content = posted.GetProperty("content").GetString()!;
        Assert.StartsWith("**OneFlex bot: sign in again**\n" + line + "\n\n", content, StringComparison.Ordinal);
        Assert.Contains("The SSO session has ended.", content);
        Assert.Contains("```\nGet-OneFlexToken\n```", content);

        // Slack: no unfurling of links or media, the link line first in the attachment.
        var slackPosted = Assert.Single(slack.Received).Json;
        Assert.False(slackPosted.GetProperty("unfurl_links").GetBoolean());
        Assert.False(slackPosted.GetProperty("unfurl_media").GetBoolean());
        Assert.StartsWith(line + "\n\nThe SSO session has ended.", Assert.Single(slackPosted.GetProperty("attachments").EnumerateArray()).GetProperty("text").GetString(), StringComparison.Ordinal);

        SecretAssert.NotIn(string.Join("\n", verbose), secret);
    }

    [Fact]
    public void A_long_message_gives_way_to_the_link_within_Discords_content_limit()
    {
        var link = new AlertLink("https://nas.example.ts.net/#" + new string('s', 43), DateTimeOffset.UtcNow.AddHours(12));
        var json = System.Text.Json.JsonDocument.Parse(WebhookPayload.Build(WebhookFormat.Discord, NotificationLevel.Error, "Sign in", new string('m', 5000), DateTimeOffset.UtcNow, link)).RootElement;

        var content = json.GetProperty("content").GetString()!;
        Assert.Equal(WebhookPayload.DiscordContentMax, content.Length);
        Assert.Contains("<" + link.Url + ">", content);
        Assert.EndsWith("…", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_link_the_payloads_stay_as_they_were()
    {
        var discord = System.Text.Json.JsonDocument.Parse(WebhookPayload.Build(WebhookFormat.Discord, NotificationLevel.Error, "T", "M", DateTimeOffset.UtcNow)).RootElement;
        var slack = System.Text.Json.JsonDocument.Parse(WebhookPayload.Build(WebhookFormat.Slack, NotificationLevel.Error, "T", "M", DateTimeOffset.UtcNow)).RootElement;

        Assert.False(discord.TryGetProperty("flags", out _) || discord.TryGetProperty("content", out _));
        Assert.False(slack.TryGetProperty("unfurl_links", out _));
    }
}
