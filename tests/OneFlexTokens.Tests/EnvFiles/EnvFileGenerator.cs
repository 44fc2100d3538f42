using System.Text;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// Seeded random .env files shaped like the bot's: comments (French, non-ASCII), blank lines, quoted and
/// unquoted values, <c>export </c>, blanks around '=', LF/CRLF/CR/mixed endings, BOM, no final newline,
/// duplicate token keys, keys that merely start with ONEFLEX_TOKEN, and lines python-dotenv rejects.
/// </summary>
internal sealed class EnvFileGenerator
{
    private static readonly string[] OtherKeys =
    {
        "DESK_ID", "SCHEDULE_DAYS", "NOTIFICATION_WEBHOOK_URL", "SMTP_HOST", "SMTP_PASSWORD", "ONEFLEX_BASE_URL",
        "ONEFLEX_TOKEN_OLD", "XONEFLEX_TOKEN", "ONEFLEX_TOKENS", "ONEFLEX_REFRESH_TOKEN_BACKUP", "ONEFLEX_TOKEN2", "LANG",
        "export", "ONEFLEX_token",
    };

    private static readonly string[] TokenKeys = { "ONEFLEX_TOKEN", "ONEFLEX_REFRESH_TOKEN" };

    private static readonly string[] Words =
    {
        "réservation", "bureau", "lundi", "mardi", "crème brûlée", "Ça marche", "naïve", "日本", "emoji 🎉", "x", "a b",
        "http://example.com/hook?x=1&y=2", "${HOME}/bot", "C:\\temp\\bot", "€100", "tab\there", "nbsp\u00A0here",
        "em\u2003space", "it's", "say \"hi\"", "#hash", "a # b", "=", "''", "\"\"",
    };

    private readonly Random _random;

    public EnvFileGenerator(int seed) => _random = new Random(seed);

    public string Token(int minLength = 8, int maxLength = 400)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-~+/=";
        var length = _random.Next(minLength, maxLength);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    public int Next(int max) => _random.Next(max);

    public byte[] File()
    {
        var lines = _random.Next(10) == 0 ? 0 : _random.Next(1, 40);
        var mode = _random.Next(10);
        var text = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            text.Append(Line());
            text.Append(mode switch
            {
                < 5 => "\n",
                < 8 => "\r\n",
                8 => "\r",
                _ => new[] { "\n", "\r\n", "\r" }[_random.Next(3)],
            });
        }

        if (lines > 0 && _random.Next(3) == 0)
        {
            text.Length -= text[^1] == '\n' && text.Length > 1 && text[^2] == '\r' ? 2 : 1;
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return _random.Next(5) == 0 ? Encoding.UTF8.GetPreamble().Concat(bytes).ToArray() : bytes;
    }

    private string Line() => _random.Next(20) switch
    {
        0 => "",
        1 => Pick(" ", "\t", "  \t ", "\u00A0"),
        2 or 3 => Pick("# ", "#", "   # ", "\t#") + Pick(Words) + " " + Pick(Words),
        4 => "#" + Pick(TokenKeys) + "=" + Token(4, 30),
        5 => Broken(),
        6 or 7 or 8 or 9 or 10 => Statement(Pick(TokenKeys)),
        _ => Statement(Pick(OtherKeys)),
    };

    private string Broken() => _random.Next(6) switch
    {
        0 => "=" + Pick(Words),
        1 => Pick(TokenKeys) + "=\"" + Token(3, 20) + "\" trailing junk",
        2 => Pick(TokenKeys) + " junk",
        3 => Pick(OtherKeys) + "='unterminated",
        4 => "'",
        _ => Pick(TokenKeys) + "=\"unterminated " + Pick(Words),
    };

    private string Statement(string key)
    {
        var prefix = Pick("", "", "", "export ", "  ", "export\t", "\t", "export  ");
        var keyText = _random.Next(12) == 0 ? $"'{key}'" : key;
        if (_random.Next(12) == 0)
        {
            return prefix + keyText + Pick("", "  ", " # no value", "#c", "\t");
        }

        var equals = Pick("=", "=", "=", " = ", "= ", " =", "\t=\t", "\u00A0=\u3000", "\u000B=");
        var value = _random.Next(9) switch
        {
            0 => "",
            1 => Token(1, 60),
            2 => Token(1, 60) + Pick(" # comment", "  #" + Pick(Words), "\t# é", "#not-comment", "   ", "\u00A0# insécable", "\u2003", "\u001F#unit separator"),
            3 => "'" + Pick(Words).Replace("'", "\\'") + Token(0, 20) + "'" + Pick("", " # c", "  "),
            4 => "\"" + Pick(Words).Replace("\"", "\\\"") + Pick("", "\\n", "\\t", "\\\\") + Token(0, 20) + "\"" + Pick("", " # c", "#c"),
            5 => "\"multi\nline " + Pick(Words).Replace("\"", "") + "\r\nend\"",
            6 => Pick(Words),
            7 => Pick(Words) + " " + Pick(Words),
            _ => "'" + Token(1, 30) + "'",
        };
        return prefix + keyText + equals + value;
    }

    private string Pick(params string[] choices) => choices[_random.Next(choices.Length)];
}
