namespace OneFlexTokens.Scheduling;

/// <summary>Words for a POSIX sh command line (cron and Synology run jobs with sh): anything unusual single-quoted.</summary>
internal static class PosixShell
{
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(IsPlain))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    /// <summary>`NAME='value'` for an assignment in front of a command.</summary>
    public static string Assignment(string name, string value) => name + "=" + Quote(value);

    /// <summary>
    /// The words of a line made by <see cref="Join"/> (plain words, single quotes, backslash escapes outside quotes);
    /// null when the line holds anything else (double quotes, expansions), which this module never writes.
    /// </summary>
    public static IReadOnlyList<string>? Split(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is ' ' or '\t')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    return null;
                }

                word.Append(line, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else if (c is '"' or '$' or '`')
            {
                return null;
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static bool IsPlain(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or '/' or ':' or ',' or '+' or '@' or '=';
}
