using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Notifications;

public class SendOneFlexNotificationTests
{
    private const string WebhookSecret = "s3cr3t-webhook-token-abcdef";

    [Fact]
    public async Task Discord_embed_arrives_with_tokens_masked_and_the_webhook_never_shown_whole()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var jwt = TestJwt.Valid();
        using var session = new PowerShellSession();

        var result = session.Invoke(
            "Send-OneFlexNotification -WebhookUrl $args[0] -Title 'Renewal failed' -Message $args[1] -Level Error -PassThru -Verbose",
            receiver.Url.ToString(), $"The token {jwt} was refused.");

        Assert.Empty(result.AllErrors);
        var sent = Assert.Single(result.OutputOf<NotificationResult>());
        Assert.Equal((WebhookFormat.Discord, NotificationLevel.Error, 204, 1), (sent.Format, sent.Level, sent.StatusCode, sent.Attempts));
        var received = Assert.Single(receiver.Received);
        Assert.StartsWith("application/json", received.ContentType);
        var embed = Assert.Single(received.Json.GetProperty("embeds").EnumerateArray());
        Assert.Equal("Renewal failed", embed.GetProperty("title").GetString());
        Assert.Equal($"The token {SecretMask.Mask(jwt)} was refused.", embed.GetProperty("description").GetString());
        Assert.Equal(0xE74C3C, embed.GetProperty("color").GetInt32());
        Assert.True(DateTimeOffset.Parse(embed.GetProperty("timestamp").GetString()!) > DateTimeOffset.UtcNow.AddMinutes(-1));
        SecretAssert.NotIn(received.Body, jwt);
        Assert.NotEmpty(result.Verbose);
        SecretAssert.NotLeaked(result, jwt, WebhookSecret);
        Assert.DoesNotContain(WebhookSecret, sent.Webhook);
    }

    [Fact]
    public async Task Slack_format_and_the_webhook_read_from_the_env_file()
    {
        await using var receiver = await WebhookReceiver.StartAsync("/services/T000/B000/" + WebhookSecret);
        var folder = Directory.CreateTempSubdirectory("oneflex-notify-").FullName;
        var env = Path.Combine(folder, ".env");
        File.WriteAllText(env, $"ONEFLEX_TOKEN=x\nNOTIFICATION_WEBHOOK_URL={receiver.Url}\n");
        using var session = new PowerShellSession();

        var result = session.Invoke(
            "[pscustomobject]@{ Title = 'Renewed'; Message = 'Tokens renewed'; Level = 'Success' } | Send-OneFlexNotification -EnvPath $args[0] -Format Slack -PassThru",
            env);

        Assert.Empty(result.AllErrors);
        Assert.Equal(WebhookFormat.Slack, Assert.Single(result.OutputOf<NotificationResult>()).Format);
        var json = Assert.Single(receiver.Received).Json;
        Assert.Equal("Renewed", json.GetProperty("text").GetString());
        var attachment = Assert.Single(json.GetProperty("attachments").EnumerateArray());
        Assert.Equal("Tokens renewed", attachment.GetProperty("text").GetString());
        Assert.Equal("#2ECC71", attachment.GetProperty("color").GetString());
        SecretAssert.NotLeaked(result, WebhookSecret);
        Directory.Delete(folder, true);
    }

    [Fact]
    public async Task Rate_limit_is_retried_after_the_Retry_After_header_or_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(429, retryAfter: "1");
        receiver.Answer(429, body: "{\"message\":\"You are being rate limited.\",\"retry_after\":0.3,\"global\":false}");
        using var session = new PowerShellSession();

        var result = session.Invoke("Send-OneFlexNotification -WebhookUrl $args[0] -Message 'hello' -PassThru", receiver.Url.ToString());

        Assert.Empty(result.AllErrors);
        Assert.Equal(3, Assert.Single(result.OutputOf<NotificationResult>()).Attempts);
        var at = receiver.Received.Select(r => r.At).ToArray();
        Assert.Equal(3, at.Length);
        Assert.True(at[1] - at[0] >= TimeSpan.FromSeconds(0.9), $"retried after {(at[1] - at[0]).TotalSeconds:0.00} s, before Retry-After");
        Assert.True(at[2] - at[1] >= TimeSpan.FromSeconds(0.25), $"retried after {(at[2] - at[1]).TotalSeconds:0.00} s, before retry_after");
    }

    [Fact]
    public async Task Rate_limit_longer_than_a_minute_fails_at_once_with_a_clear_error()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(429, retryAfter: "3600");
        using var session = new PowerShellSession();

        var result = session.Invoke("Send-OneFlexNotification -WebhookUrl $args[0] -Message 'hello'", receiver.Url.ToString());

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(ErrorIds.NotificationRateLimited, error.FullyQualifiedErrorId);
        Assert.Single(receiver.Received);
        SecretAssert.NotLeaked(result, WebhookSecret);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times_then_reported()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(502);
        receiver.Answer(503);
        receiver.Answer(500);
        using var session = new PowerShellSession();

        var result = session.Invoke("Send-OneFlexNotification -WebhookUrl $args[0] -Message 'hello' -MaxRetries 1 -Verbose", receiver.Url.ToString());

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(ErrorIds.NotificationServiceError, error.FullyQualifiedErrorId);
        Assert.Contains("HTTP 503 after 2 attempt(s)", error.Exception.Message);
        Assert.Equal(2, receiver.Received.Count);
        Assert.Contains(result.Verbose, v => v.Contains("HTTP 502", StringComparison.Ordinal));
        SecretAssert.NotLeaked(result, WebhookSecret);
    }

    [Fact]
    public async Task A_refused_webhook_fails_at_once_and_says_what_to_do()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer(404, body: "{\"message\": \"Unknown Webhook\", \"code\": 10015}");
        using var session = new PowerShellSession();

        var result = session.Invoke("Send-OneFlexNotification -WebhookUrl $args[0] -Message 'hello'", receiver.Url.ToString());

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(ErrorIds.NotificationRejected, error.FullyQualifiedErrorId);
        Assert.Contains("Create a new webhook", error.Exception.Message);
        Assert.Single(receiver.Received);
        SecretAssert.NotLeaked(result, WebhookSecret);
    }

    [Fact]
    public async Task WhatIf_sends_nothing_and_no_webhook_is_a_terminating_error()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var session = new PowerShellSession();

        var whatIf = session.Invoke("Send-OneFlexNotification -WebhookUrl $args[0] -Message 'hello' -WhatIf", receiver.Url.ToString());
        var missing = session.Invoke("Send-OneFlexNotification -Message 'hello'");

        Assert.Empty(whatIf.AllErrors);
        Assert.Empty(receiver.Received);
        SecretAssert.NotLeaked(whatIf, WebhookSecret);
        Assert.StartsWith(ErrorIds.NotificationWebhookMissing, missing.TerminatingRecord?.FullyQualifiedErrorId ?? missing.Errors.Single().FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Unreachable_webhook_is_reported_after_the_retries()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url;
        await receiver.DisposeAsync();
        using var session = new PowerShellSession();

        var result = session.Invoke("Send-OneFlexNotification -WebhookUrl $args[0] -Message 'hello' -MaxRetries 0", url.ToString());

        Assert.StartsWith(ErrorIds.NotificationUnreachable, Assert.Single(result.Errors).FullyQualifiedErrorId);
        SecretAssert.NotLeaked(result, WebhookSecret);
    }
}
