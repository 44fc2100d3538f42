using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Tokens;

/// <summary>The one token check's decision table: each reason with its id and category, the online answer merged in.</summary>
public class TokenCheckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    public static TheoryData<string, TokenValidity, string, ErrorCategory> OfflineTable => new()
    {
        { "", TokenValidity.Empty, ErrorIds.TokenEmpty, ErrorCategory.InvalidData },
        { "0a1b2c3d4e5f60718293", TokenValidity.NotJwt, ErrorIds.TokenNotJwt, ErrorCategory.InvalidData },
        { "a.b", TokenValidity.Malformed, ErrorIds.TokenMalformed, ErrorCategory.InvalidData },
        { "e30.@@.x", TokenValidity.BadEncoding, ErrorIds.TokenBadEncoding, ErrorCategory.InvalidData },
        { "e30.bm9wZQ.x", TokenValidity.BadJson, ErrorIds.TokenBadJson, ErrorCategory.InvalidData },
        { TestJwt.Create(null), TokenValidity.NoExpiry, ErrorIds.TokenNoExpiry, ErrorCategory.InvalidData },
        { TestJwt.Create(Now.AddSeconds(-1)), TokenValidity.Expired, ErrorIds.TokenExpired, ErrorCategory.InvalidResult },
        { TestJwt.Create(Now.AddHours(2), notBefore: Now.AddHours(1)), TokenValidity.NotYetValid, ErrorIds.TokenNotYetValid, ErrorCategory.InvalidResult },
        { TestJwt.Create(Now.AddMinutes(4)), TokenValidity.ExpiresTooSoon, ErrorIds.TokenExpiresTooSoon, ErrorCategory.InvalidResult },
    };

    public static TheoryData<TokenValidity, string, ErrorCategory> OnlineTable => new()
    {
        { TokenValidity.Rejected, ErrorIds.TokenRejected, ErrorCategory.AuthenticationError },
        { TokenValidity.ServiceError, ErrorIds.ServiceError, ErrorCategory.InvalidResult },
        { TokenValidity.Unreachable, ErrorIds.ServiceUnreachable, ErrorCategory.ConnectionError },
    };

    /// <summary>Test-OneFlexToken's $true/$false: only a token the service judged, or one that failed offline, gets one.</summary>
    [Theory]
    [InlineData(TokenValidity.Valid, true)]
    [InlineData(TokenValidity.Rejected, false)]
    [InlineData(TokenValidity.ServiceError, null)]
    [InlineData(TokenValidity.Unreachable, null)]
    public void Only_an_answer_about_the_token_is_a_verdict(TokenValidity answer, bool? verdict)
    {
        var token = TestJwt.Create(Now.AddMinutes(10));

        var decision = TokenCheck.Decide(token, FiveMinutes, Now, () => new OnlineAnswer(new ProbeResult(answer, "said"), "https://oneflex.example"));

        Assert.Equal(verdict, decision.Verdict);
        Assert.False(TokenCheck.Decide(TestJwt.Create(Now.AddMinutes(-1)), FiveMinutes, Now).Verdict);
    }

    [Theory]
    [MemberData(nameof(OfflineTable))]
    public void An_unusable_token_gets_its_reason_id_and_category_offline(string accessToken, TokenValidity reason, string errorId, ErrorCategory category)
    {
        var decision = TokenCheck.Decide(accessToken, FiveMinutes, Now);

        Assert.False(decision.IsValid);
        Assert.Equal((reason, errorId, category), (decision.Status.Reason, decision.ErrorId, decision.Category));
        Assert.NotEmpty(decision.Message);
        Assert.False(decision.Status.CheckedOnline);
        var failure = decision.Failure("target")!;
        Assert.Equal((errorId, category, decision.Message, (object)"target"), (failure.ErrorId, failure.Category, failure.Message, failure.TargetObject));
        if (accessToken.Length > 3)
        {
            SecretAssert.NotIn(decision.Message + decision.Status, accessToken);
        }
    }

    [Theory]
    [MemberData(nameof(OfflineTable))]
    public void The_service_is_not_asked_about_a_token_that_fails_offline(string accessToken, TokenValidity reason, string errorId, ErrorCategory category)
    {
        var decision = TokenCheck.Decide(accessToken, FiveMinutes, Now, online: () => throw new InvalidOperationException("asked"));

        Assert.Equal((reason, errorId, category), (decision.Status.Reason, decision.ErrorId, decision.Category));
    }

    [Theory]
    [MemberData(nameof(OnlineTable))]
    public void The_online_answer_has_the_last_word_with_its_own_id_and_category(TokenValidity reason, string errorId, ErrorCategory category)
    {
        var token = TestJwt.Create(Now.AddMinutes(10), email: "jane.doe@example.com");

        var decision = TokenCheck.Decide(token, FiveMinutes, Now, () => new OnlineAnswer(new ProbeResult(reason, "the service said no"), "https://oneflex.example"));

        Assert.False(decision.IsValid);
        Assert.Equal((reason, errorId, category, "the service said no"), (decision.Status.Reason, decision.ErrorId, decision.Category, decision.Message));
        Assert.True(decision.Status.CheckedOnline);
        Assert.Equal("https://oneflex.example", decision.Status.BaseUrl);
        Assert.Equal(Now.AddMinutes(10), decision.Status.ExpiresAt);
        Assert.Equal("jane.doe@example.com", decision.Status.Email);
    }

    [Fact]
    public void A_valid_token_has_no_error_and_takes_the_service_s_user_and_email()
    {
        var token = new OneFlexToken(TestJwt.Create(Now.AddMinutes(10), email: "old@example.com"), null, "https://from-the-token.example", TokenSource.EnvFile);
        var answer = new OnlineAnswer(new ProbeResult(TokenValidity.Valid, "Valid.", "Jane Doe", "jane.doe@example.com"), "https://asked.example");

        var offline = TokenCheck.Decide(token, FiveMinutes, Now);
        var online = TokenCheck.Decide(token, FiveMinutes, Now, () => answer);

        Assert.True(offline.IsValid);
        Assert.Null(offline.ErrorId);
        Assert.Null(offline.Failure("target"));
        Assert.Equal(ErrorCategory.NotSpecified, offline.Category);
        Assert.Equal((TokenSource.EnvFile, "https://from-the-token.example", false), (offline.Status.Source, offline.Status.BaseUrl, offline.Status.CheckedOnline));
        Assert.True(online.IsValid);
        Assert.Null(online.Failure("target"));
        Assert.Equal(("Jane Doe", "jane.doe@example.com", "https://asked.example", true), (online.Status.User, online.Status.Email, online.Status.BaseUrl, online.Status.CheckedOnline));
        Assert.Equal(TokenSource.EnvFile, online.Status.Source);
    }

    [Fact]
    public void A_known_cause_of_an_empty_token_replaces_the_message_of_an_empty_token_only()
    {
        var empty = TokenCheck.Decide("", TimeSpan.Zero, Now, emptyBecause: "the key sits behind a byte order mark");
        var malformed = TokenCheck.Decide("a.b", TimeSpan.Zero, Now, emptyBecause: "the key sits behind a byte order mark");

        Assert.Equal((ErrorIds.TokenEmpty, "the key sits behind a byte order mark"), (empty.ErrorId, empty.Message));
        Assert.Equal(ErrorIds.TokenMalformed, malformed.ErrorId);
        Assert.NotEqual("the key sits behind a byte order mark", malformed.Message);
    }

    [Fact]
    public void Every_reason_but_Valid_has_its_own_id_and_an_error_category()
    {
        var reasons = Enum.GetValues<TokenValidity>().Where(r => r != TokenValidity.Valid).ToArray();

        Assert.Equal(reasons.Length, reasons.Select(TokenValidator.ErrorIdOf).Distinct().Count());
        Assert.All(reasons, r => Assert.NotEqual(ErrorCategory.NotSpecified, TokenCheck.CategoryOf(r)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(600.0)]
    [InlineData(86400.0)]
    public void A_minimum_validity_from_zero_to_a_day_is_taken(double seconds) =>
        Assert.True(TokenCheck.Decide(TestJwt.Create(Now.AddDays(2)), TimeSpan.FromSeconds(seconds), Now).IsValid);

    [Theory]
    [InlineData(-1.0, "-1 s")]
    [InlineData(86401.0, "1 d 1 s")]
    public void A_minimum_validity_out_of_range_is_InvalidTimeout(double seconds, string shown)
    {
        var refusal = Assert.Throws<OneFlexException>(() => TokenCheck.Decide(TestJwt.Create(Now.AddDays(2)), TimeSpan.FromSeconds(seconds), Now));

        Assert.Equal((ErrorIds.InvalidTimeout, ErrorCategory.InvalidArgument), (refusal.ErrorId, refusal.Category));
        Assert.Equal($"-MinimumValidity is {shown}; it must be from 0 and at most 1 d. Give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00').", refusal.Message);
    }
}
