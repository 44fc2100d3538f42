using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Tokens;

public class TokenValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_with_time_left_is_valid()
    {
        var status = TokenValidator.Evaluate(TestJwt.Create(Now.AddMinutes(10), Now, Now), TimeSpan.FromMinutes(5), Now);
        Assert.True(status.IsValid);
        Assert.Equal(TimeSpan.FromMinutes(10), status.ExpiresIn);
        Assert.Equal("user-42", status.Subject);
    }

    [Theory]
    [InlineData(-1, 0, 0, TokenValidity.Expired)]
    [InlineData(0, 0, 0, TokenValidity.Expired)]
    [InlineData(4, 0, 5, TokenValidity.ExpiresTooSoon)]
    [InlineData(20, 5, 0, TokenValidity.NotYetValid)]
    public void Time_claims_decide_the_reason(int expiresInMinutes, int notBeforeInMinutes, int minimumMinutes, TokenValidity reason)
    {
        var token = TestJwt.Create(Now.AddMinutes(expiresInMinutes), Now.AddMinutes(notBeforeInMinutes), Now);
        var status = TokenValidator.Evaluate(token, TimeSpan.FromMinutes(minimumMinutes), Now);
        Assert.Equal(reason, status.Reason);
        Assert.False(status.IsValid);
        SecretAssert.NotIn(status.ToString() + status.Message, token);
    }

    [Fact]
    public void Small_clock_skew_on_nbf_is_tolerated()
    {
        var status = TokenValidator.Evaluate(TestJwt.Create(Now.AddMinutes(15), Now.AddSeconds(10), Now), TimeSpan.Zero, Now);
        Assert.True(status.IsValid);
    }

    [Fact]
    public void A_token_without_exp_is_refused()
    {
        Assert.Equal(TokenValidity.NoExpiry, TokenValidator.Evaluate(TestJwt.Create(null), TimeSpan.Zero, Now).Reason);
    }

    [Theory]
    [InlineData(null, TokenValidity.Empty)]
    [InlineData("", TokenValidity.Empty)]
    [InlineData("0a1b2c3d4e5f60718293", TokenValidity.NotJwt)]
    [InlineData("a.b", TokenValidity.Malformed)]
    [InlineData("e30.@@.x", TokenValidity.BadEncoding)]
    [InlineData("e30.bm9wZQ.x", TokenValidity.BadJson)]
    public void Unreadable_tokens_get_their_own_reason(string? token, TokenValidity reason)
    {
        var status = TokenValidator.Evaluate(token, TimeSpan.Zero, Now);
        Assert.Equal(reason, status.Reason);
        Assert.NotEmpty(status.Message);
    }

    [Fact]
    public void Every_reason_but_valid_has_a_distinct_error_id()
    {
        var ids = Enum.GetValues<TokenValidity>().Where(r => r != TokenValidity.Valid).Select(TokenValidator.ErrorIdOf).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }
}
