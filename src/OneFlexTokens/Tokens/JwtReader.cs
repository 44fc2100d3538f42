using System.Buffers;
using System.Buffers.Text;
using System.Management.Automation;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Tokens;

/// <summary>The one JWT reader: decodes the payload of a compact JWS and reads its time and identity claims.</summary>
internal static class JwtReader
{
    /// <summary>Longest token read: OneFlex access tokens are about 1 KB; anything far longer is not one.</summary>
    public const int MaxTokenLength = 16 * 1024;

    public static JwtClaims Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw Fail(ErrorIds.TokenEmpty, Messages.TokenEmpty);
        }

        if (token.Length > MaxTokenLength)
        {
            throw Fail(ErrorIds.TokenMalformed, Messages.TokenTooLong(token.Length, MaxTokenLength / 1024));
        }

        var firstDot = token.IndexOf('.');
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (firstDot < 0)
        {
            throw Fail(ErrorIds.TokenNotJwt, Messages.TokenNotJwt);
        }

        if (secondDot < 0 || token.IndexOf('.', secondDot + 1) >= 0)
        {
            throw Fail(ErrorIds.TokenMalformed, Messages.TokenMalformed);
        }

        var payload = DecodeBase64Url(token.AsSpan(firstDot + 1, secondDot - firstDot - 1))
            ?? throw Fail(ErrorIds.TokenBadEncoding, Messages.TokenBadEncoding);
        if (DecodeBase64Url(token.AsSpan(0, firstDot)) is null)
        {
            throw Fail(ErrorIds.TokenBadEncoding, Messages.TokenBadEncoding);
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Fail(ErrorIds.TokenBadJson, Messages.TokenBadJson);
            }

            DateTimeOffset? exp = null, iat = null, nbf = null;
            string? sub = null, email = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("exp"u8)) { reader.Read(); exp = ReadTime(ref reader); }
                else if (reader.ValueTextEquals("iat"u8)) { reader.Read(); iat = ReadTime(ref reader); }
                else if (reader.ValueTextEquals("nbf"u8)) { reader.Read(); nbf = ReadTime(ref reader); }
                else if (reader.ValueTextEquals("sub"u8)) { reader.Read(); sub = ReadString(ref reader); }
                else if (reader.ValueTextEquals("email"u8)) { reader.Read(); email = ReadString(ref reader); }
                else { reader.Read(); reader.Skip(); }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw Fail(ErrorIds.TokenBadJson, Messages.TokenBadJson);
            }

            // Shown, never trusted: a hostile token's claims must not reach the screen as escape sequences.
            return new JwtClaims(exp, iat, nbf, DisplayText.Escape(sub), DisplayText.Escape(email));
        }
        catch (JsonException)
        {
            throw Fail(ErrorIds.TokenBadJson, Messages.TokenBadJson);
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader's answer to text it cannot decode: invalid UTF-8, or an escape such as a lone surrogate.
            throw Fail(ErrorIds.TokenBadJson, Messages.TokenBadText);
        }
    }

    /// <summary>Claims when the token is a readable JWT, else null: for display, never for validation.</summary>
    public static JwtClaims? TryRead(string? token)
    {
        try
        {
            return Read(token);
        }
        catch (OneFlexException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ReadTime(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var seconds)
            && seconds is >= -62135596800 and <= 253402300799)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        throw Fail(ErrorIds.TokenBadJson, Messages.TokenBadTimeClaim);
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return null;
    }

    private static byte[]? DecodeBase64Url(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return null;
        }

        var padded = (segment.Length % 4) switch { 0 => 0, 2 => 2, 3 => 1, _ => -1 };
        if (padded < 0)
        {
            return null;
        }

        var length = segment.Length + padded;
        var chars = ArrayPool<char>.Shared.Rent(length);
        try
        {
            for (var i = 0; i < segment.Length; i++)
            {
                var c = segment[i];
                chars[i] = c switch
                {
                    '-' => '+',
                    '_' => '/',
                    '+' or '/' or '=' => '\0',
                    _ => c,
                };
            }

            chars.AsSpan(segment.Length, padded).Fill('=');
            var bytes = new byte[length / 4 * 3];
            return Convert.TryFromBase64Chars(chars.AsSpan(0, length), bytes, out var written) ? bytes[..written] : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static OneFlexException Fail(string errorId, string message) =>
        new(errorId, ErrorCategory.InvalidData, message);
}
