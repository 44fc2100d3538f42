using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Tokens;

public class JwtReaderTests
{
    [Fact]
    public void Reads_time_and_identity_claims()
    {
        var exp = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);
        var iat = exp.AddMinutes(-15);
        var claims = JwtReader.Read(TestJwt.Create(exp, iat, iat, "u-1", "a@b.c"));
        Assert.Equal(exp, claims.ExpiresAt);
        Assert.Equal(iat, claims.IssuedAt);
        Assert.Equal(iat, claims.NotBefore);
        Assert.Equal("u-1", claims.Subject);
        Assert.Equal("a@b.c", claims.Email);
    }

    [Fact]
    public void Reads_payloads_whose_base64url_needs_padding_and_url_alphabet()
    {
        for (var length = 0; length < 8; length++)
        {
            var payload = $"{{\"exp\":1900000000,\"sub\":\"{new string('?', length)}>>~\"}}";
            var claims = JwtReader.Read(TestJwt.FromPayload(payload));
            Assert.Equal(new string('?', length) + ">>~", claims.Subject);
        }
    }

    [Theory]
    [InlineData("", ErrorIds.TokenEmpty)]
    [InlineData("   ", ErrorIds.TokenEmpty)]
    [InlineData("0123456789abcdef0123", ErrorIds.TokenNotJwt)]
    [InlineData("a.b", ErrorIds.TokenMalformed)]
    [InlineData("a.b.c.d", ErrorIds.TokenMalformed)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.***.sig", ErrorIds.TokenBadEncoding)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9..sig", ErrorIds.TokenBadEncoding)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE5MDAwMDAwMDB9x.sig", ErrorIds.TokenBadEncoding)]
    [InlineData("***.eyJleHAiOjE5MDAwMDAwMDB9.sig", ErrorIds.TokenBadEncoding)]
    public void Refuses_what_is_not_a_jwt_with_a_specific_id(string token, string errorId)
    {
        var failure = Assert.Throws<OneFlexException>(() => JwtReader.Read(token));
        Assert.Equal(errorId, failure.ErrorId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"exp\":1900000000")]
    [InlineData("{\"exp\":\"tomorrow\"}")]
    [InlineData("{\"exp\":1e30}")]
    [InlineData("{\"iat\":{}}")]
    public void Refuses_a_payload_that_is_not_a_claims_object(string payload)
    {
        var failure = Assert.Throws<OneFlexException>(() => JwtReader.Read(TestJwt.FromPayload(payload)));
        Assert.Equal(ErrorIds.TokenBadJson, failure.ErrorId);
    }

    [Fact]
    public void Skips_claims_it_does_not_know_including_nested_ones()
    {
        var claims = JwtReader.Read(TestJwt.FromPayload("{\"roles\":[\"a\",{\"b\":1}],\"sub\":7,\"exp\":1900000000.5,\"extra\":{\"x\":[1]}}"));
        Assert.Null(claims.Subject);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_500), claims.ExpiresAt);
    }

    [Fact]
    public void No_failure_message_contains_the_token()
    {
        foreach (var token in new[] { "a.b", "x.***.y", TestJwt.FromPayload("nope"), "0123456789abcdef0123" })
        {
            var failure = Assert.Throws<OneFlexException>(() => JwtReader.Read(token));
            SecretAssert.NotIn(failure.ToString(), token);
        }
    }
}
