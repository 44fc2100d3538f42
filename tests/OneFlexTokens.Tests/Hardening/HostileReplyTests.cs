using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Hardening;

/// <summary>
/// Tests that measure the process's allocations (and set process-wide environment variables) run alone: nothing else
/// allocates while they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredCollection
{
    public const string Name = "Measured, alone";
}

/// <summary>
/// Every reply the cmdlets read comes from a fault server that sends too much, forever, slowly or nothing: each gets a
/// module error id, within the cmdlet's own timeout, having read a bounded part of the reply.
/// </summary>
[Collection(MeasuredCollection.Name)]
public sealed class HostileReplyTests
{
    private const long Huge = 300L * 1024 * 1024;
    private const string Refresh = "0123456789abcdef0123";
    private const string GrantPrefix = "{\"token_type\":\"bearer\",\"access_token\":\"";

    /// <summary>Far below the reply sizes (300 MB, endless) and above what a bounded read costs.</summary>
    private const long AllocationBound = 64L * 1024 * 1024;

    /// <summary>What a client that stops reading still receives: its socket buffers, a few MB on loopback.</summary>
    private const long SentBound = 48L * 1024 * 1024;

    private static (ScriptResult Result, long Allocated, TimeSpan Elapsed) Measure(string script, params object?[] args)
    {
        using var session = new PowerShellSession();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = session.Invoke(script, args);
        clock.Stop();
        return (result, GC.GetTotalAllocatedBytes(precise: true) - before, clock.Elapsed);
    }

    private static ErrorRecord SingleModuleError(ScriptResult result, string errorId)
    {
        Assert.True(result.Output.Count == 0 && result.AllErrors.Count() == 1, result.Describe());
        var error = result.AllErrors.Single();
        ModuleErrors.AssertModuleError(error);
        Assert.Equal(errorId, ModuleErrors.IdOf(error));
        return error;
    }

    public static TheoryData<string> TooMuch => new() { "declared", "endless" };

    private static FaultServer.Responder TooMuchOf(string kind, string prefix) =>
        kind == "declared" ? FaultServer.Declared(200, Huge, prefix) : FaultServer.Endless(200, prefix);

    [Theory]
    [MemberData(nameof(TooMuch))]
    public async Task A_refresh_grant_reply_that_never_ends_is_refused_at_256_KB(string kind)
    {
        await using var server = new FaultServer(TooMuchOf(kind, GrantPrefix));

        var (result, allocated, elapsed) = Measure("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -NoBrowser -Timeout 20", server.Origin, Refresh);

        var error = SingleModuleError(result, ErrorIds.ServiceError);
        Assert.Contains("more than 256 KB", error.Exception.Message);
        Assert.Single(server.Received);
        Assert.True(allocated < AllocationBound, $"{allocated / 1048576} MB allocated for a {kind} reply");
        Assert.True(server.BytesSent < SentBound, $"the client took {server.BytesSent / 1048576} MB");
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"took {elapsed.TotalSeconds:0.0} s, over the cmdlet's -Timeout");
        SecretAssert.NotLeaked(result, Refresh);
    }

    [Fact]
    public async Task A_hung_or_trickling_token_service_is_reported_within_Get_OneFlexToken_Timeout_not_per_attempt()
    {
        await using var hung = new FaultServer(FaultServer.Hang);
        await using var trickling = new FaultServer(FaultServer.Trickle(TimeSpan.FromMilliseconds(200)));

        foreach (var server in new[] { hung, trickling })
        {
            var (result, allocated, elapsed) = Measure("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -NoBrowser -Timeout 3", server.Origin, Refresh);

            var error = SingleModuleError(result, ErrorIds.ServiceUnreachable);
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Contains("no answer within 3 s", error.Exception.Message);
            Assert.InRange(elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3 + 10));
            Assert.True(allocated < AllocationBound, $"{allocated / 1048576} MB allocated");
        }

        // The one attempt never ended on its own (its own bound is 20 s): the whole grant's deadline ended it.
        Assert.Single(hung.Received);
    }

    [Fact]
    public async Task A_granted_token_too_long_to_be_a_OneFlex_token_is_not_returned()
    {
        var tooLong = TestJwt.Create(DateTimeOffset.UtcNow.AddMinutes(15), subject: new string('x', 20_000));
        await using var server = new FaultServer(FaultServer.Json(200, GrantPrefix + tooLong + "\"}"));

        var (result, _, _) = Measure("Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -NoBrowser", server.Origin, Refresh);

        var error = SingleModuleError(result, ErrorIds.ServiceError);
        Assert.Contains("16 KB", error.Exception.Message);
        Assert.Contains("-BaseUrl", error.Exception.Message);
        SecretAssert.NotLeaked(result, tooLong, Refresh);
    }

    [Fact]
    public async Task The_online_probe_reads_a_bounded_reply_within_its_timeout_and_the_pipeline_goes_on()
    {
        await using var declared = new FaultServer(FaultServer.Declared(200, Huge, "{\"data\":"));
        await using var endless = new FaultServer(FaultServer.Endless(200, "{\"data\":"));
        await using var hung = new FaultServer(FaultServer.Hang);
        var token = TestJwt.Valid();

        var (result, allocated, elapsed) = Measure(
            "foreach ($url in $args[1]) { Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $url -Timeout 3 -PassThru }",
            token, new[] { declared.Origin, endless.Origin, hung.Origin });

        Assert.Empty(result.Output);
        Assert.Null(result.Terminating);
        Assert.Equal(new[] { ErrorIds.ServiceUnreachable, ErrorIds.ServiceUnreachable, ErrorIds.ServiceUnreachable }, result.Errors.Select(ModuleErrors.IdOf));
        Assert.All(result.Errors, e => ModuleErrors.AssertModuleError(e));
        Assert.Contains("more than 256 KB", result.Errors[0].Exception.Message);
        Assert.Contains("no answer within 3 s", result.Errors[2].Exception.Message);
        Assert.True(allocated < AllocationBound, $"{allocated / 1048576} MB allocated");
        Assert.True(declared.BytesSent + endless.BytesSent < 2 * SentBound, $"the probe took {(declared.BytesSent + endless.BytesSent) / 1048576} MB");
        Assert.True(elapsed < TimeSpan.FromSeconds(3 + 20), $"took {elapsed.TotalSeconds:0.0} s");
        SecretAssert.NotLeaked(result, token);
    }

    [Fact]
    public async Task A_GraphQL_error_with_HTTP_200_says_what_the_service_said_and_only_an_auth_error_is_a_rejection()
    {
        var token = TestJwt.Valid();
        await using var unauthenticated = new FaultServer(FaultServer.Json(200,
            "{\"errors\":[{\"message\":\"Unauthorized: token expired\",\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}],\"data\":null}"));
        await using var failing = new FaultServer(FaultServer.Json(200,
            $"{{\"errors\":[{{\"message\":\"Authentication backend unavailable while checking {token}\\nretry\",\"extensions\":{{\"code\":\"INTERNAL_SERVER_ERROR\"}}}}],\"data\":{{\"me\":null}}}}"));

        var (result, _, _) = Measure(
            "Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[1] -Detailed; Test-OneFlexToken -AccessToken $args[0] -Online -BaseUrl $args[2] -Detailed",
            token, unauthenticated.Origin, failing.Origin);

        var statuses = result.OutputOf<TokenStatus>();
        Assert.Equal(new[] { TokenValidity.Rejected, TokenValidity.ServiceError }, statuses.Select(s => s.Reason));
        Assert.Contains("Unauthorized: token expired (UNAUTHENTICATED)", statuses[0].Message);
        Assert.Contains("Authentication backend unavailable while checking", statuses[1].Message);
        Assert.Contains("INTERNAL_SERVER_ERROR", statuses[1].Message);
        Assert.All(statuses, s => Assert.DoesNotContain("HTTP", s.Message));
        Assert.DoesNotContain('\n', statuses[1].Message);
        SecretAssert.NotLeaked(result, token);
    }

    [Fact]
    public async Task Send_OneFlexNotification_timeout_bounds_all_attempts_and_a_rate_limit_body_is_read_bounded()
    {
        await using var hung = new FaultServer(FaultServer.Hang);
        await using var limited = new FaultServer(FaultServer.Endless(429, "{\"retry_after\":"));

        var (result, allocated, elapsed) = Measure(
            "Send-OneFlexNotification -WebhookUrl $args[0] -Message m -Timeout 3 -MaxRetries 3; Send-OneFlexNotification -WebhookUrl $args[1] -Message m -MaxRetries 0",
            hung.Url + "api/webhooks/1/hook-secret", limited.Url + "api/webhooks/1/hook-secret");

        Assert.Equal(new[] { ErrorIds.NotificationUnreachable, ErrorIds.NotificationRateLimited }, result.Errors.Select(ModuleErrors.IdOf));
        Assert.Contains("no answer within 3 s", result.Errors[0].Exception.Message);
        Assert.Single(hung.Received);
        Assert.True(elapsed < TimeSpan.FromSeconds(3 + 10), $"took {elapsed.TotalSeconds:0.0} s");
        Assert.True(allocated < AllocationBound, $"{allocated / 1048576} MB allocated");
        Assert.True(limited.BytesSent < SentBound, $"the sender took {limited.BytesSent / 1048576} MB");
        SecretAssert.NotLeaked(result, "hook-secret");
    }

    public static TheoryData<string> NotEngines => new() { "html", "404", "500", "endless" };

    [Theory]
    [MemberData(nameof(NotEngines))]
    public async Task A_Docker_endpoint_that_is_not_an_engine_is_DockerNotAnEngine(string kind)
    {
        await using var server = new FaultServer(kind switch
        {
            "html" => FaultServer.Html(200),
            "404" => FaultServer.Html(404),
            "500" => FaultServer.Html(500),
            _ => FaultServer.Endless(200, "OK"),
        });

        var (result, allocated, _) = Measure("Restart-OneFlexBot -DockerHost $args[0]", server.TcpHost);

        var error = SingleModuleError(result, ErrorIds.DockerNotAnEngine);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Contains(server.TcpHost, error.Exception.Message);
        Assert.Contains("-DockerHost", error.Exception.Message);
        Assert.DoesNotContain("invalid start", error.Exception.Message);
        Assert.True(allocated < 2 * AllocationBound, $"{allocated / 1048576} MB allocated");
    }
}
