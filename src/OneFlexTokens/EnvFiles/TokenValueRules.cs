using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// What may be written as a .env value: the characters of JWTs and refresh tokens (base64url, base64, hex and
/// <c>. - _ ~ + / =</c>). They read back the same quoted or unquoted under python-dotenv's rules, so a line
/// can be updated in place whatever its quoting; anything else (blanks, quotes, '#', '\', '$', control or
/// non-ASCII characters) is refused rather than escaped.
/// </summary>
internal static class TokenValueRules
{
    public static bool IsSafe(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_' or '~' or '+' or '/' or '=';

    /// <summary>Throws UnsafeTokenValue naming <paramref name="key"/> and the kind of character, never the value.</summary>
    public static void Validate(string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new OneFlexException(ErrorIds.UnsafeTokenValue, ErrorCategory.InvalidData,
                Messages.UnsafeTokenEmpty(key), key);
        }

        foreach (var c in value)
        {
            if (!IsSafe(c))
            {
                throw new OneFlexException(ErrorIds.UnsafeTokenValue, ErrorCategory.InvalidData,
                    Messages.UnsafeTokenValue(key, Describe(c)), key);
            }
        }
    }

    private static string Describe(char c) => c switch
    {
        '\r' => "a carriage return (CR)",
        '\n' => "a line feed (LF)",
        '\0' => "a NUL character",
        '\t' => "a tab",
        ' ' => "a space",
        '\'' or '"' or '`' => "a quote",
        '#' => "a '#'",
        '\\' => "a backslash",
        '$' => "a '$'",
        _ when char.IsControl(c) => $"a control character (U+{(int)c:X4})",
        _ when c > 0x7F => $"a non-ASCII character (U+{(int)c:X4})",
        _ => $"the character '{c}'",
    };
}
