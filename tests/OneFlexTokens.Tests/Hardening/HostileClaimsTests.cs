using System.Management.Automation;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Hardening;

/// <summary>
/// Arbitrary Unicode and bytes in every claim and in the header: the reader, Test-OneFlexToken (plain, -Detailed,
/// -PassThru, many tokens in one pipeline) and Get-OneFlexToken (a refresh grant that returns such tokens) answer
/// each with a result or a module error id, never a raw .NET exception, and the pipeline goes on.
/// </summary>
public sealed class HostileClaimsTests
{
    private static readonly string[] TokenIds = { ErrorIds.TokenEmpty, ErrorIds.TokenNotJwt, ErrorIds.TokenMalformed, ErrorIds.TokenBadEncoding, ErrorIds.TokenBadJson };

    private static string[] Tokens(int count, int firstSeed) =>
        Enumerable.Range(firstSeed, count).Select(seed => new HostileClaims(seed).Token()).ToArray();

    [Fact]
    public void The_reader_and_the_validator_answer_every_generated_token_with_a_module_id()
    {
        var now = DateTimeOffset.UtcNow;
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 6000; seed++)
        {
            var token = new HostileClaims(seed).Token();
            try
            {
                try
                {
                    JwtReader.Read(token);
                    seen.Add("read");
                }
                catch (OneFlexException failure)
                {
                    Assert.Contains(failure.ErrorId, TokenIds);
                    seen.Add(failure.ErrorId);
                }

                var status = TokenValidator.Evaluate(token, TimeSpan.Zero, now);
                Assert.True(Enum.IsDefined(status.Reason));
                _ = new OneFlexToken(token, "0123456789abcdef0123", null, TokenSource.Parameter).ToString();
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, token {HostileClaims.Describe(token)}: raw {e.GetType().FullName}: {e.Message}");
            }
        }

        // The generator reaches readable tokens and every way of being unreadable.
        Assert.Superset(new HashSet<string> { "read", ErrorIds.TokenBadJson, ErrorIds.TokenBadEncoding, ErrorIds.TokenMalformed }, seen);
    }

    [Theory]
    [InlineData("{\"sub\":\"\\ud800\",\"exp\":4102444800}")]
    [InlineData("{\"email\":\"a\\udc00b\",\"exp\":4102444800}")]
    [InlineData("{\"sub\":\"\\ud83d\\ud83d\",\"exp\":4102444800}")]
    public void A_lone_surrogate_in_sub_or_email_is_TokenBadJson(string payload)
    {
        var failure = Assert.Throws<OneFlexException>(() => JwtReader.Read(TestJwt.FromPayload(payload)));
        Assert.Equal(ErrorIds.TokenBadJson, failure.ErrorId);
        Assert.Contains("not valid Unicode", failure.Message);
    }

    [Fact]
    public void Invalid_UTF8_in_a_claim_is_TokenBadJson()
    {
        var payload = Encoding.UTF8.GetBytes("{\"sub\":\"x").Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.UTF8.GetBytes("\",\"exp\":4102444800}")).ToArray();
        var token = $"{TestJwt.Encode("{}")}.{HostileClaims.Base64Url(payload)}.{TestJwt.Encode("sig")}";

        Assert.Equal(ErrorIds.TokenBadJson, Assert.Throws<OneFlexException>(() => JwtReader.Read(token)).ErrorId);
    }

    [Fact]
    public void Test_OneFlexToken_answers_each_generated_token_and_the_pipeline_goes_on()
    {
        var tokens = Tokens(250, 100_000).Append(TestJwt.FromPayload("{\"sub\":\"\\ud800\",\"exp\":4102444800}")).Append(TestJwt.Valid()).ToArray();
        var objects = tokens.Select(t => new OneFlexToken(t, "0123456789abcdef0123", null, TokenSource.Parameter)).ToArray();
        var expectedValid = tokens.Select(t => TokenValidator.Evaluate(t, TimeSpan.Zero, DateTimeOffset.UtcNow).IsValid).ToArray();
        using var session = new PowerShellSession();

        var plain = session.Invoke("$args[0] | Test-OneFlexToken", (object)objects);
        var detailed = session.Invoke("$args[0] | Test-OneFlexToken -Detailed | Out-String -Width 300", (object)objects);
        var passThru = session.Invoke("$args[0] | Test-OneFlexToken -PassThru", (object)objects);
        var byProperty = session.Invoke("$args[0] | ForEach-Object { [pscustomobject]@{ AccessToken = $_ } } | Test-OneFlexToken -PassThru", (object)tokens);

        Assert.True(plain.AllErrors.Count() == 0 && plain.Terminating is null, plain.Describe());
        Assert.Equal(expectedValid.Cast<object>(), plain.Objects);
        Assert.True(detailed.AllErrors.Count() == 0, detailed.Describe());
        Assert.Contains("BadJson", string.Concat(detailed.Objects));
        foreach (var run in new[] { passThru, byProperty })
        {
            Assert.Null(run.Terminating);
            Assert.Equal(tokens.Length, run.Output.Count + run.Errors.Count);
            Assert.Equal(tokens.Where((_, i) => expectedValid[i]), run.OutputOf<OneFlexToken>().Select(t => t.AccessToken));
            Assert.All(run.Errors, e => ModuleErrors.AssertModuleError(e));
        }

        // The token with a lone surrogate in 'sub' did not stop the pipeline: the valid one after it went through.
        Assert.Equal(ErrorIds.TokenBadJson, ModuleErrors.IdOf(passThru.Errors[^1]));
        Assert.Equal(tokens[^1], passThru.OutputOf<OneFlexToken>()[^1].AccessToken);
        SecretAssert.NotLeaked(passThru, tokens.Where(t => t.Length > 40).ToArray());
    }

    [Fact]
    public async Task Get_OneFlexToken_answers_each_hostile_grant_with_a_checked_token_or_a_module_error()
    {
        var replies = new Queue<byte[]>();
        for (var seed = 0; seed < 40; seed++)
        {
            var claims = new HostileClaims(200_000 + seed);
            var value = seed % 2 == 0 ? Encoding.UTF8.GetBytes("\"" + claims.Token() + "\"") : claims.JsonString();
            replies.Enqueue(Encoding.UTF8.GetBytes("{\"token_type\":\"bearer\",\"access_token\":").Concat(value).Concat("}"u8.ToArray()).ToArray());
        }

        var valid = TestJwt.Valid();
        replies.Enqueue(Encoding.UTF8.GetBytes($"{{\"access_token\":\"{valid}\"}}"));
        var count = replies.Count;
        await using var server = new FaultServer(FaultServer.Json(500, "{}"));
        server.Respond = (request, connection, ct) =>
        {
            byte[] next;
            lock (replies)
            {
                next = replies.Dequeue();
            }

            return FaultServer.Bytes(200, "application/json", next)(request, connection, ct);
        };
        using var session = new PowerShellSession();

        var result = session.Invoke(
            "foreach ($i in 1..$args[2]) { try { Get-OneFlexToken -BaseUrl $args[0] -RefreshToken $args[1] -NoBrowser -ErrorAction Stop } catch { $_ } }",
            server.Origin, "0123456789abcdef0123", count);

        Assert.True(result.AllErrors.Count() == 0 && result.Terminating is null, result.Describe());
        Assert.Equal(count, result.Output.Count);
        Assert.Equal(count, server.Received.Count);
        var records = result.OutputOf<ErrorRecord>();
        Assert.All(records, r => ModuleErrors.AssertModuleError(r));
        Assert.All(records, r => Assert.Equal(ErrorIds.ServiceError, ModuleErrors.IdOf(r)));
        var tokens = result.OutputOf<OneFlexToken>();
        Assert.All(tokens, t => JwtReader.Read(t.AccessToken));
        Assert.Equal(valid, tokens[^1].AccessToken);
        Assert.True(records.Count >= count / 2, $"only {records.Count} of {count} hostile grants were refused");
    }
}
