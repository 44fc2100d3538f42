using System.Text;
using System.Text.RegularExpressions;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// An independent port of python-dotenv 1.2's dotenv/parser.py for the tests: its own regular expressions,
/// run on text the way Python reads a file (UTF-8, universal newlines, str.isspace whitespace), with every
/// statement mapped back to its raw span so tests can compare bytes. Checked against the real python-dotenv
/// by DotenvDifferentialTests.
/// </summary>
internal static class PythonDotenvOracle
{
    // Python's \s for str patterns is str.isspace(): .NET's \s lacks U+001C..U+001F, so spell the set out.
    private const string Ws = @"\t\n\x0B\x0C\r\x1C-\x1F \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
    private const string Inline = @"\t\x0B\x0C\x1C-\x1F \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

    private static readonly Regex MultilineWhitespace = R($"[{Ws}]*");
    private static readonly Regex Whitespace = R($"[{Inline}]*");
    private static readonly Regex Export = R($"(?:export[{Inline}]+)?");
    private static readonly Regex SingleQuotedKey = R("'([^']+)'");
    private static readonly Regex UnquotedKey = R($"([^=\\#{Ws}]+)");
    private static readonly Regex EqualSign = R($"(=[{Inline}]*)");
    private static readonly Regex SingleQuotedValue = R(@"'((?:\\'|[^'])*)'");
    private static readonly Regex DoubleQuotedValue = R(@"""((?:\\""|[^""])*)""");
    private static readonly Regex UnquotedValue = R(@"([^\r\n]*)");
    private static readonly Regex Comment = R($@"(?:[{Inline}]*#[^\r\n]*)?");
    private static readonly Regex EndOfLine = R($@"[{Inline}]*(?:\r\n|\n|\r|$)");
    private static readonly Regex RestOfLine = R(@"[^\r\n]*(?:\r|\n|\r\n)?");
    private static readonly Regex InlineComment = new($"[{Ws}]+#.*", RegexOptions.CultureInvariant);
    private static readonly Regex DoubleQuoteEscapes = new(@"\\[\\'""abfnrtv]", RegexOptions.CultureInvariant);
    private static readonly Regex SingleQuoteEscapes = new(@"\\[\\']", RegexOptions.CultureInvariant);

    /// <summary>One statement; Raw* are offsets in the raw (untranslated) text, CoreStart is after its leading whitespace.</summary>
    public sealed record Statement(string? Key, string? Value, bool Error, int RawStart, int RawCoreStart, int RawEnd);

    private static Regex R(string pattern) => new(@"\G" + pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static List<Statement> Parse(string raw)
    {
        var (text, map) = UniversalNewlines(raw);
        var statements = new List<Statement>();
        var pos = 0;
        while (pos < text.Length)
        {
            var start = pos;
            var core = pos;
            string? key = null, value = null;
            var error = false;
            try
            {
                pos = Read(MultilineWhitespace, text, pos, out _);
                core = pos;
                if (pos < text.Length)
                {
                    pos = Read(Export, text, pos, out _);
                    var c = text[pos];
                    if (c == '#')
                    {
                        key = null;
                    }
                    else
                    {
                        pos = Read(c == '\'' ? SingleQuotedKey : UnquotedKey, text, pos, out var keyMatch);
                        key = keyMatch.Groups[1].Value;
                    }

                    pos = Read(Whitespace, text, pos, out _);
                    if (pos < text.Length && text[pos] == '=')
                    {
                        pos = Read(EqualSign, text, pos, out _);
                        var v = pos < text.Length ? text[pos] : '\0';
                        if (v == '\'')
                        {
                            pos = Read(SingleQuotedValue, text, pos, out var m);
                            value = SingleQuoteEscapes.Replace(m.Groups[1].Value, e => e.Value[1].ToString());
                        }
                        else if (v == '"')
                        {
                            pos = Read(DoubleQuotedValue, text, pos, out var m);
                            value = DoubleQuoteEscapes.Replace(m.Groups[1].Value, e => Escape(e.Value[1]));
                        }
                        else if (pos >= text.Length || v is '\n' or '\r')
                        {
                            value = "";
                        }
                        else
                        {
                            pos = Read(UnquotedValue, text, pos, out var m);
                            value = InlineComment.Replace(m.Groups[1].Value, "").TrimEnd(PythonSpaces);
                        }
                    }

                    pos = Read(Comment, text, pos, out _);
                    pos = Read(EndOfLine, text, pos, out _);
                }
            }
            catch (FormatException)
            {
                pos = Read(RestOfLine, text, pos, out _);
                key = null;
                value = null;
                error = true;
            }

            statements.Add(new Statement(key, value, error, map[start], map[core], map[pos]));
        }

        return statements;
    }

    /// <summary>dotenv_values(interpolate=False), with keys whose last statement has no '=' left out (load_dotenv sets nothing for them).</summary>
    public static Dictionary<string, string> Values(string raw) => Values(Parse(raw));

    public static Dictionary<string, string> Values(List<Statement> statements)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var s in statements)
        {
            if (s.Key is not null)
            {
                values[s.Key] = s.Value;
            }
        }

        return values.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal);
    }

    public static readonly char[] PythonSpaces = Enumerable.Range(0, 0x3001).Where(c => IsPythonSpace(c)).Select(c => (char)c).ToArray();

    private static bool IsPythonSpace(int c) =>
        c is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x20) or 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A)
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    private static int Read(Regex regex, string text, int pos, out Match match)
    {
        match = regex.Match(text, pos);
        if (!match.Success)
        {
            throw new FormatException();
        }

        return pos + match.Length;
    }

    private static string Escape(char c) => c switch
    {
        'a' => "\a",
        'b' => "\b",
        'f' => "\f",
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'v' => "\v",
        _ => c.ToString(),
    };

    private static (string Text, int[] Map) UniversalNewlines(string raw)
    {
        var text = new StringBuilder(raw.Length);
        var map = new List<int>(raw.Length + 1);
        for (var i = 0; i < raw.Length; i++)
        {
            map.Add(i);
            if (raw[i] == '\r')
            {
                text.Append('\n');
                if (i + 1 < raw.Length && raw[i + 1] == '\n')
                {
                    i++;
                }
            }
            else
            {
                text.Append(raw[i]);
            }
        }

        map.Add(raw.Length);
        return (text.ToString(), map.ToArray());
    }
}
