namespace OneFlexTokens.Scheduling;

/// <summary>Words for a POSIX sh command line (cron and Synology run jobs with sh): anything unusual single-quoted.</summary>
public static class PosixShell
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

    private static bool IsPlain(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or '/' or ':' or ',' or '+' or '@' or '=';
}
