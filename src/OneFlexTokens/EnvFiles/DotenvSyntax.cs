using System.Buffers;
using System.Text;

namespace OneFlexTokens.EnvFiles;

internal enum DotenvValueKind
{
    None,
    Unquoted,
    SingleQuoted,
    DoubleQuoted,
}

/// <summary>
/// One statement as python-dotenv's parser sees it. Spans are byte offsets into the file: Start..End is the
/// statement's original text; ValueStart..ValueEnd is the value inside its quotes, or the unquoted value
/// without its inline comment and trailing blanks. KeyEnd is just after the key (after its closing quote).
/// </summary>
internal readonly record struct DotenvBinding(
    int Start,
    int End,
    string? Key,
    int KeyEnd,
    bool Export,
    DotenvValueKind ValueKind,
    int ValueStart,
    int ValueEnd,
    bool Error);

/// <summary>
/// python-dotenv 1.x's parser (dotenv/parser.py) over UTF-8 bytes, so a writer can edit a file without
/// decoding and re-encoding it. Python reads the file in universal-newline mode: CRLF and a lone CR count as
/// one line break here too, and whitespace is Python's str.isspace set.
/// </summary>
internal static class DotenvSyntax
{
    public static List<DotenvBinding> Parse(ReadOnlySpan<byte> text)
    {
        var bindings = new List<DotenvBinding>(Math.Max(4, text.Length / 24));
        var pos = 0;
        while (pos < text.Length)
        {
            bindings.Add(ParseBinding(text, ref pos));
        }

        return bindings;
    }

    private static DotenvBinding ParseBinding(ReadOnlySpan<byte> text, ref int pos)
    {
        var start = pos;
        pos = SkipSpace(text, pos, newlines: true);
        if (pos >= text.Length)
        {
            return new DotenvBinding(start, pos, null, pos, false, DotenvValueKind.None, pos, pos, false);
        }

        var export = false;
        if (text[pos..].StartsWith("export"u8))
        {
            var afterWord = pos + 6;
            var afterBlank = SkipSpace(text, afterWord, newlines: false);
            if (afterBlank > afterWord)
            {
                export = true;
                pos = afterBlank;
            }
        }

        string? key;
        if (text[pos] == (byte)'#')
        {
            key = null;
        }
        else if (text[pos] == (byte)'\'')
        {
            var close = text[(pos + 1)..].IndexOf((byte)'\'');
            if (close <= 0)
            {
                return Fail(text, start, ref pos);
            }

            key = Decode(text.Slice(pos + 1, close), translateNewlines: true);
            pos += close + 2;
        }
        else
        {
            var keyStart = pos;
            while (pos < text.Length)
            {
                var b = text[pos];
                if (b == (byte)'=' || b == (byte)'#')
                {
                    break;
                }

                var (space, length) = RuneAt(text, pos);
                if (space)
                {
                    break;
                }

                pos += length;
            }

            if (pos == keyStart)
            {
                return Fail(text, start, ref pos);
            }

            key = Decode(text[keyStart..pos], translateNewlines: false);
        }

        var keyEnd = pos;
        pos = SkipSpace(text, pos, newlines: false);
        var kind = DotenvValueKind.None;
        int valueStart = pos, valueEnd = pos;
        if (pos < text.Length && text[pos] == (byte)'=')
        {
            pos = SkipSpace(text, pos + 1, newlines: false);
            valueStart = valueEnd = pos;
            var first = pos < text.Length ? text[pos] : (byte)0;
            if (pos >= text.Length || first == (byte)'\n' || first == (byte)'\r')
            {
                kind = DotenvValueKind.Unquoted;
            }
            else if (first == (byte)'\'' || first == (byte)'"')
            {
                var close = ClosingQuote(text, pos, first);
                if (close < 0)
                {
                    return Fail(text, start, ref pos);
                }

                kind = first == (byte)'\'' ? DotenvValueKind.SingleQuoted : DotenvValueKind.DoubleQuoted;
                valueStart = pos + 1;
                valueEnd = close;
                pos = close + 1;
            }
            else
            {
                kind = DotenvValueKind.Unquoted;
                var lineEnd = LineEnd(text, pos);
                valueEnd = UnquotedValueEnd(text, pos, lineEnd);
                pos = lineEnd;
            }
        }

        var commentStart = SkipSpace(text, pos, newlines: false);
        if (commentStart < text.Length && text[commentStart] == (byte)'#')
        {
            pos = LineEnd(text, commentStart);
        }

        var eol = SkipSpace(text, pos, newlines: false);
        if (eol < text.Length)
        {
            if (text[eol] == (byte)'\n')
            {
                eol++;
            }
            else if (text[eol] == (byte)'\r')
            {
                eol += eol + 1 < text.Length && text[eol + 1] == (byte)'\n' ? 2 : 1;
            }
            else
            {
                return Fail(text, start, ref pos);
            }
        }

        pos = eol;
        return new DotenvBinding(start, pos, key, keyEnd, export, kind, valueStart, valueEnd, false);
    }

    /// <summary>python-dotenv's recovery: skip the rest of the line from where the failing rule started.</summary>
    private static DotenvBinding Fail(ReadOnlySpan<byte> text, int start, ref int pos)
    {
        pos = AfterLineBreak(text, LineEnd(text, pos));
        return new DotenvBinding(start, pos, null, pos, false, DotenvValueKind.None, pos, pos, true);
    }

    /// <summary>
    /// The regex <c>'((?:\\'|[^'])*)'</c> (or its double-quoted twin): the first unescaped quote; when none,
    /// the regex backtracks so the last <c>\'</c> ends the value. -1 when nothing closes it.
    /// </summary>
    private static int ClosingQuote(ReadOnlySpan<byte> text, int open, byte quote)
    {
        var lastEscapedQuote = -1;
        var i = open + 1;
        while (i < text.Length)
        {
            var b = text[i];
            if (b == (byte)'\\' && i + 1 < text.Length && text[i + 1] == quote)
            {
                lastEscapedQuote = i + 1;
                i += 2;
            }
            else if (b == quote)
            {
                return i;
            }
            else
            {
                i++;
            }
        }

        return lastEscapedQuote;
    }

    /// <summary>python-dotenv trims <c>\s+#.*</c> then trailing whitespace from an unquoted value.</summary>
    private static int UnquotedValueEnd(ReadOnlySpan<byte> text, int start, int lineEnd)
    {
        var i = start;
        var lastNonSpace = start;
        while (i < lineEnd)
        {
            var (space, length) = RuneAt(text, i);
            if (!space)
            {
                i += length;
                lastNonSpace = i;
                continue;
            }

            var j = i;
            while (j < lineEnd)
            {
                var (more, moreLength) = RuneAt(text, j);
                if (!more)
                {
                    break;
                }

                j += moreLength;
            }

            if (j < lineEnd && text[j] == (byte)'#')
            {
                break;
            }

            i = j;
        }

        return lastNonSpace;
    }

    private static int LineEnd(ReadOnlySpan<byte> text, int pos)
    {
        var index = text[pos..].IndexOfAny((byte)'\n', (byte)'\r');
        return index < 0 ? text.Length : pos + index;
    }

    private static int AfterLineBreak(ReadOnlySpan<byte> text, int pos)
    {
        if (pos >= text.Length)
        {
            return pos;
        }

        if (text[pos] == (byte)'\r' && pos + 1 < text.Length && text[pos + 1] == (byte)'\n')
        {
            return pos + 2;
        }

        return pos + 1;
    }

    private static int SkipSpace(ReadOnlySpan<byte> text, int pos, bool newlines)
    {
        while (pos < text.Length)
        {
            var b = text[pos];
            if (!newlines && (b == (byte)'\n' || b == (byte)'\r'))
            {
                break;
            }

            var (space, length) = RuneAt(text, pos);
            if (!space)
            {
                break;
            }

            pos += length;
        }

        return pos;
    }

    /// <summary>Whether the character at <paramref name="pos"/> is whitespace to Python, and its length in bytes (1 for an invalid byte).</summary>
    private static (bool Space, int Length) RuneAt(ReadOnlySpan<byte> text, int pos)
    {
        var b = text[pos];
        if (b < 0x80)
        {
            return (b is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x20), 1);
        }

        if (Rune.DecodeFromUtf8(text[pos..], out var rune, out var consumed) != OperationStatus.Done)
        {
            return (false, Math.Max(1, consumed));
        }

        return (IsPythonSpace(rune.Value), consumed);
    }

    public static bool IsPythonSpace(int c) => c switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    public static string Decode(ReadOnlySpan<byte> bytes, bool translateNewlines)
    {
        var text = Encoding.UTF8.GetString(bytes);
        return translateNewlines && text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;
    }

    /// <summary>The value python-dotenv yields for a binding (before ${VAR} interpolation), or null for a key without '='.</summary>
    public static string? ValueOf(ReadOnlySpan<byte> text, in DotenvBinding binding)
    {
        var raw = text[binding.ValueStart..binding.ValueEnd];
        return binding.ValueKind switch
        {
            DotenvValueKind.None => null,
            DotenvValueKind.Unquoted => Decode(raw, translateNewlines: false),
            DotenvValueKind.SingleQuoted => Unescape(Decode(raw, translateNewlines: true), doubleQuoted: false),
            _ => Unescape(Decode(raw, translateNewlines: true), doubleQuoted: true),
        };
    }

    /// <summary>python-dotenv decodes <c>\\ \'</c> in single quotes and <c>\\ \' \" \a \b \f \n \r \t \v</c> in double quotes.</summary>
    private static string Unescape(string value, bool doubleQuoted)
    {
        if (!value.Contains('\\'))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                char? decoded = value[i + 1] switch
                {
                    '\\' => '\\',
                    '\'' => '\'',
                    '"' when doubleQuoted => '"',
                    'a' when doubleQuoted => '\a',
                    'b' when doubleQuoted => '\b',
                    'f' when doubleQuoted => '\f',
                    'n' when doubleQuoted => '\n',
                    'r' when doubleQuoted => '\r',
                    't' when doubleQuoted => '\t',
                    'v' when doubleQuoted => '\v',
                    _ => null,
                };
                if (decoded is { } d)
                {
                    result.Append(d);
                    i++;
                    continue;
                }
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
