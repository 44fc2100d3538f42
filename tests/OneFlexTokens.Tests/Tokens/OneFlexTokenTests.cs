using OneFlexTokens.Secrets;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Tokens;

public class OneFlexTokenTests
{
    [Fact]
    public void Takes_its_times_and_identity_from_the_jwt()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var token = new OneFlexToken(TestJwt.Create(now.AddMinutes(15), now, now, "s", "e@x.y"), "0123456789abcdef0123", "https://x", TokenSource.Browser);
        Assert.Equal(now.AddMinutes(15), token.ExpiresAt);
        Assert.Equal(now, token.IssuedAt);
        Assert.Equal("s", token.Subject);
        Assert.Equal("e@x.y", token.Email);
    }

    [Fact]
    public void ToString_and_masks_never_show_a_whole_token()
    {
        var access = TestJwt.Valid();
        var refresh = "0123456789abcdef0123";
        var token = new OneFlexToken(access, refresh, null, TokenSource.Refresh);
        SecretAssert.NotIn(token.ToString() + token.AccessTokenMasked + token.RefreshTokenMasked, access, refresh);
        Assert.StartsWith(access[..6], token.AccessTokenMasked);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("abc", "…(3 chars)")]
    [InlineData("abcdefghijk", "…(11 chars)")]
    [InlineData("abcdefghijkl", "abc…(12 chars)")]
    [InlineData("abcdefghijklmnopqrstuvwx", "abcdef…(24 chars)")]
    public void Short_secrets_are_masked_whole_and_longer_ones_show_only_a_few_leading_characters(string? secret, string expected)
    {
        Assert.Equal(expected, SecretMask.Mask(secret));
    }

    [Fact]
    public void An_opaque_access_token_gives_no_claims_rather_than_failing()
    {
        var token = new OneFlexToken("opaque", null, null, TokenSource.Parameter);
        Assert.Null(token.ExpiresAt);
        Assert.Null(token.ExpiresIn);
    }
}
