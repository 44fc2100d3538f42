using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OneFlex.Simulator;

internal enum TokenCheck
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
}

internal readonly record struct AccessTokenClaims(string Subject, string Email, long IssuedAt, long NotBefore, long ExpiresAt);

/// <summary>Mints and checks HS256 JWTs with a key that lives as long as the simulator instance (a random jti makes every token distinct).</summary>
internal sealed class AccessTokens
{
    private static readonly string EncodedHeader = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    private readonly byte[] _key;

    public AccessTokens(byte[]? key = null) => _key = key ?? RandomNumberGenerator.GetBytes(32);

    public string Create(string subject, string email, long issuedAt, long? notBefore, long expiresAt)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("sub", subject);
            writer.WriteString("email", email);
            writer.WriteNumber("iat", issuedAt);
            if (notBefore is { } nbf)
            {
                writer.WriteNumber("nbf", nbf);
            }

            writer.WriteNumber("exp", expiresAt);
            writer.WriteString("jti", RandomNumberGenerator.GetHexString(16, lowercase: true));
            writer.WriteEndObject();
        }

        var signingInput = EncodedHeader + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        return signingInput + "." + Base64Url.EncodeToString(Sign(signingInput));
    }

    public TokenCheck Check(string? token, DateTimeOffset now, out AccessTokenClaims claims)
    {
        claims = default;
        if (string.IsNullOrEmpty(token))
        {
            return TokenCheck.Malformed;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var header) || !TryDecode(parts[1], out var payload) || !TryDecode(parts[2], out var signature))
        {
            return TokenCheck.Malformed;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(token.AsSpan(0, parts[0].Length + 1 + parts[1].Length))))
        {
            return TokenCheck.BadSignature;
        }

        try
        {
            using (var headerJson = JsonDocument.Parse(header))
            {
                if (!headerJson.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
                {
                    return TokenCheck.Malformed;
                }
            }

            using var payloadJson = JsonDocument.Parse(payload);
            var root = payloadJson.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !TryGetLong(root, "exp", out var exp)
                || !TryGetLong(root, "iat", out var iat)
                || !root.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("email", out var email) || email.ValueKind != JsonValueKind.String)
            {
                return TokenCheck.Malformed;
            }

            var nbf = root.TryGetProperty("nbf", out _) ? (TryGetLong(root, "nbf", out var n) ? n : long.MinValue) : iat;
            if (nbf == long.MinValue)
            {
                return TokenCheck.Malformed;
            }

            claims = new AccessTokenClaims(sub.GetString()!, email.GetString()!, iat, nbf, exp);
            var nowSeconds = now.ToUnixTimeSeconds();
            if (nowSeconds >= exp)
            {
                return TokenCheck.Expired;
            }

            return nowSeconds < nbf ? TokenCheck.NotYetValid : TokenCheck.Valid;
        }
        catch (JsonException)
        {
            return TokenCheck.Malformed;
        }
    }

    private byte[] Sign(ReadOnlySpan<char> signingInput)
    {
        Span<byte> ascii = signingInput.Length <= 1024 ? stackalloc byte[signingInput.Length] : new byte[signingInput.Length];
        var length = Encoding.ASCII.GetBytes(signingInput, ascii);
        return HMACSHA256.HashData(_key, ascii[..length]);
    }

    private static bool TryDecode(string part, out byte[] bytes)
    {
        bytes = [];
        if (part.Length == 0 || !Base64Url.IsValid(part))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(part);
        return true;
    }

    private static bool TryGetLong(JsonElement root, string name, out long value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }
}
