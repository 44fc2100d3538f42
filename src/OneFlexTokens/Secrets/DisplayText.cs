using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace OneFlexTokens.Secrets;

/// <summary>
/// Text from outside the module (log lines, state and .env files, service replies, claims, messages to send on) made
/// into text only, before it reaches a screen or an alert: each control character becomes a visible escape (ESC as
/// <c>\e</c>, others as <c>\n</c>, <c>\x07</c>, <c>\u2028</c> …), so a terminal is never handed a sequence to obey (a
/// window title, a cleared screen, a moved cursor) and the reader still sees that something was there. Bidirectional
/// overrides and lone surrogates count too: they reorder or garble what is shown around them.
/// </summary>
public static class DisplayText
{
    /// <summary>The first line of a library's message, ending with a period: its first line says what failed, the rest is its own trace.</summary>
    public static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.EndsWith('.') ? line : line + ".";
    }

    /// <param name="keepLineBreaks">Keep LF (and CR LF as LF) for multi-line text such as an alert; every other control character is still escaped.</param>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Escape(string? text, bool keepLineBreaks = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var first = FirstToEscape(text, keepLineBreaks);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                escaped.Append(c).Append(text[++i]);
            }
            else if (keepLineBreaks && (c == '\n' || (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')))
            {
                escaped.Append('\n');
                i += c == '\r' ? 1 : 0;
            }
            else if (MustEscape(c))
            {
                escaped.Append(VisibleEscape(c));
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static int FirstToEscape(string text, bool keepLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (MustEscape(c) && !(keepLineBreaks && c == '\n'))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool MustEscape(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static string VisibleEscape(char c) => c switch
    {
        '\u001B' => @"\e",
        '\n' => @"\n",
        '\r' => @"\r",
        '\t' => @"\t",
        '\0' => @"\0",
        <= '\u00FF' => @"\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
        _ => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
    };
}
