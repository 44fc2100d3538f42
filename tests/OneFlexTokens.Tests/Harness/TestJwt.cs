using System.Text;
using System.Text.Json;

namespace OneFlexTokens.Tests.Harness;

/// <summary>Builds unsigned JWTs for offline tests (the module never checks signatures; the service does).</summary>
public static class TestJwt
{
    public static string Create(DateTimeOffset? expiresAt, DateTimeOffset? notBefore = null, DateTimeOffset? issuedAt = null, string? subject = "user-42", string? email = "jane.doe@example.com")
    {
        var payload = new Dictionary<string, object?>();
        if (subject is not null) payload["sub"] = subject;
        if (email is not null) payload["email"] = email;
        if (issuedAt is { } iat) payload["iat"] = iat.ToUnixTimeSeconds();
        if (notBefore is { } nbf) payload["nbf"] = nbf.ToUnixTimeSeconds();
        if (expiresAt is { } exp) payload["exp"] = exp.ToUnixTimeSeconds();
        return FromPayload(JsonSerializer.Serialize(payload));
    }

    public static string Valid(TimeSpan? lifetime = null)
    {
        var now = DateTimeOffset.UtcNow;
        return Create(now + (lifetime ?? TimeSpan.FromMinutes(15)), now, now);
    }

    public static string FromPayload(string payloadJson) =>
        $"{Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{Encode(payloadJson)}.{Encode("signature-" + Guid.NewGuid().ToString("N"))}";

    public static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
