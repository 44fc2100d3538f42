using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.Notifications;
using Xunit;

namespace OneFlexTokens.Tests.Hardening;

/// <summary>
/// URLs with user info and webhook paths given to every cmdlet, in parameters and in the environment: every stream
/// (output formatted as text, errors with their exceptions and records, verbose, debug, warning, information,
/// progress, the host) and $Error are searched for them. Runs alone: it sets ONEFLEX_BASE_URL and DOCKER_HOST.
/// </summary>
[Collection(MeasuredCollection.Name)]
public sealed class SecretStreamsTests
{
    private const string Password = "SECRET-pw-7731";
    private const string WebhookSecret = "hook-path-S3CRET-4410";
    private const string ShortRefresh = "shortsecret123";
    private const string OtherHookPath = "other-hook-path-9921";

    /// <summary>Every stream on, everything written to the host, and each output object rendered as text too.</summary>
    private const string Loud = "$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $ProgressPreference = 'Continue'; ";

    private static readonly string[] Secrets = { Password, WebhookSecret, ShortRefresh, OtherHookPath };

    [Fact]
    public async Task No_stream_nor_Error_shows_a_URL_user_info_or_a_webhook_path()
    {
        await using var service = new FaultServer(FaultServer.Json(500, "{}"));
        await using var receiver = await WebhookReceiver.StartAsync("/api/webhooks/123456/" + WebhookSecret);
        var port = service.Url.Port;
        var withUserInfo = $"http://user:{Password}@127.0.0.1:{port}";
        var jwt = TestJwt.Valid();
        var webhook = receiver.Url.ToString();
        var message = $"Renewal failed. ONEFLEX_REFRESH_TOKEN={ShortRefresh} see https://chat.example.com/hooks/{OtherHookPath} and http://user:{Password}@10.0.0.1/x";
        var runs = new List<(string What, ScriptResult Result, string[] ExpectedIds)>();
        using var session = new PowerShellSession();

        void Run(string what, string script, string[] expectedIds, params object?[] args)
        {
            var result = session.Invoke(Loud + script + " | Out-String -Width 300", args);
            runs.Add((what, result, expectedIds));
        }

        try
        {
            Run("base url", "Get-OneFlexToken -BaseUrl $args[0] -RefreshToken r0123456789 -NoBrowser", new[] { ErrorIds.BaseUrlHasUserInfo }, withUserInfo);
            Run("base url, bad port", "Get-OneFlexToken -BaseUrl $args[0] -RefreshToken r0123456789 -NoBrowser", new[] { ErrorIds.BaseUrlHasUserInfo }, $"http://user:{Password}@127.0.0.1:99999");
            Run("base url, not loopback", "Get-OneFlexToken -BaseUrl $args[0] -RefreshToken r0123456789 -NoBrowser", new[] { ErrorIds.BaseUrlHasUserInfo }, $"http://user:{Password}@oneflex.example.com");
            Run("ONEFLEX_BASE_URL", "$env:ONEFLEX_BASE_URL = $args[0]; Get-OneFlexToken -RefreshToken r0123456789 -NoBrowser -Headless", new[] { ErrorIds.BaseUrlHasUserInfo }, withUserInfo);
            Run("ONEFLEX_BASE_URL, browser", "$env:ONEFLEX_BASE_URL = $args[0]; Get-OneFlexToken -Headless -ProfilePath $args[1]", new[] { ErrorIds.BaseUrlHasUserInfo }, withUserInfo, Path.GetTempPath());
            Run("offline status", "Test-OneFlexToken -AccessToken $args[0] -BaseUrl $args[1] -Detailed | Format-List *", Array.Empty<string>(), jwt, withUserInfo);
            Run("token object", "[OneFlexTokens.Tokens.OneFlexToken]::new($args[0], 'r0123456789', $args[1], 'Parameter') | Format-List *", Array.Empty<string>(), jwt, withUserInfo);
            Run("online probe", "Test-OneFlexToken -AccessToken $args[0] -BaseUrl $args[1] -Online -PassThru", new[] { ErrorIds.BaseUrlHasUserInfo }, jwt, withUserInfo);
            Run("ONEFLEX_BASE_URL online", "$env:ONEFLEX_BASE_URL = $args[1]; Test-OneFlexToken -AccessToken $args[0] -Online -Detailed", new[] { ErrorIds.BaseUrlHasUserInfo }, jwt, withUserInfo);
            Run("service error", "$env:ONEFLEX_BASE_URL = $null; Get-OneFlexToken -BaseUrl $args[0] -RefreshToken r0123456789 -NoBrowser -Timeout 5", new[] { ErrorIds.ServiceError }, service.Origin);
            Run("docker host", "Restart-OneFlexBot -DockerHost $args[0]", new[] { ErrorIds.InvalidDockerHost }, $"tcp://user:{Password}@127.0.0.1:{port}");
            Run("DOCKER_HOST", "$env:DOCKER_HOST = $args[0]; Restart-OneFlexBot -Name bot", new[] { ErrorIds.InvalidDockerHost }, $"tcp://admin:{Password}@127.0.0.1:{port}");
            Run("webhook user info", "Send-OneFlexNotification -WebhookUrl $args[0] -Message hello", new[] { ErrorIds.NotificationWebhookInvalid }, $"http://user:{Password}@127.0.0.1:{receiver.Url.Port}/api/webhooks/1/{WebhookSecret}");
            Run("webhook sent", "Send-OneFlexNotification -WebhookUrl $args[0] -Title $args[1] -Message $args[1] -PassThru | Format-List *", Array.Empty<string>(), webhook, message);
            Run("webhook what-if", "Send-OneFlexNotification -WebhookUrl $args[0] -Message $args[1] -WhatIf", Array.Empty<string>(), webhook, message);
            receiver.Answer(500);
            receiver.Answer(404, body: "{\"message\":\"Unknown Webhook\"}");
            Run("webhook failing", "Send-OneFlexNotification -WebhookUrl $args[0] -Message $args[1] -MaxRetries 1", new[] { ErrorIds.NotificationRejected }, webhook, message);
            Run("webhook unreachable", "Send-OneFlexNotification -WebhookUrl $args[0] -Message hello -MaxRetries 0", new[] { ErrorIds.NotificationUnreachable }, $"http://127.0.0.1:{FreePort()}/api/webhooks/1/{WebhookSecret}");

            var errorVariable = session.Invoke(
                "$Error | ForEach-Object { ($_ | Out-String -Width 300); $_.Exception.ToString(); [string]$_.TargetObject; $_.CategoryInfo.ToString(); $_.FullyQualifiedErrorId; ($_.InvocationInfo | Out-String -Width 300) }");
            Assert.True(errorVariable.Output.Count > 10, "$Error holds the errors of the runs");
            runs.Add(("$Error", errorVariable, Array.Empty<string>()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ONEFLEX_BASE_URL", null);
            Environment.SetEnvironmentVariable("DOCKER_HOST", null);
        }

        foreach (var (what, result, expectedIds) in runs)
        {
            var text = result.AllText + string.Concat(result.Objects.Select(o => o?.ToString()));
            foreach (var secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what}: '{secret}' appears in:\n{text}");
            }

            if (what != "$Error")
            {
                Assert.Equal(expectedIds, result.AllErrors.Select(ModuleErrors.IdOf).ToArray());
                Assert.All(result.AllErrors, e => ModuleErrors.AssertModuleError(e, what));
            }
        }

        // The notification went out, and not one secret went with it.
        Assert.True(receiver.Received.Count >= 3, $"{receiver.Received.Count} notifications arrived");
        foreach (var received in receiver.Received)
        {
            SecretAssert.NotIn(received.Body, Secrets);
        }

        Assert.Contains("ONEFLEX_REFRESH_TOKEN=…(14 chars)", receiver.Received[0].Json.GetProperty("embeds")[0].GetProperty("description").GetString());
        Assert.Contains(runs, r => r.What == "webhook sent" && r.Result.Verbose.Count > 0);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
