using System.Text;

namespace OneFlexTokens.Scheduling;

/// <summary>A renewal line found in a crontab: its id, its five time fields and its command (without the tag).</summary>
internal sealed record CrontabEntry(string Id, string Schedule, string Command);

/// <summary>
/// Edits a crontab as bytes. A renewal is one line that ends with its tag (<c># OneFlexTokens:renewal:&lt;id&gt;</c>, a
/// comment to sh), so a second registration replaces that line in place and removal takes only it; every other byte
/// stays as it was. The one exception: cron refuses a crontab whose last line has no newline, so a newline is added
/// after such a line when a renewal line goes after it.
/// </summary>
internal static class CrontabEntries
{
    public const string TagPrefix = "# OneFlexTokens:renewal:";

    public static string Tag(string id) => TagPrefix + id;

    /// <summary>The crontab with the renewal <paramref name="id"/> set to <paramref name="line"/> (one line, no newline).</summary>
    public static byte[] With(ReadOnlySpan<byte> crontab, string id, string line)
    {
        if (line.Contains('\n') || line.Contains('\r'))
        {
            throw new ArgumentException("A crontab line cannot hold a line break.", nameof(line));
        }

        var newLine = Encoding.UTF8.GetBytes(line + "\n");
        var output = new List<byte>(crontab.Length + newLine.Length + 1);
        var placed = false;
        foreach (var (start, length, isOurs) in Lines(crontab, id))
        {
            if (!isOurs)
            {
                output.AddRange(crontab.Slice(start, length).ToArray());
            }
            else if (!placed)
            {
                output.AddRange(newLine);
                placed = true;
            }
        }

        if (!placed)
        {
            if (output.Count > 0 && output[^1] != (byte)'\n')
            {
                output.Add((byte)'\n');
            }

            output.AddRange(newLine);
        }

        return output.ToArray();
    }

    /// <summary>The crontab without the renewal <paramref name="id"/>; null when it has no such line (nothing to change).</summary>
    public static byte[]? Without(ReadOnlySpan<byte> crontab, string id)
    {
        var output = new List<byte>(crontab.Length);
        var removed = false;
        foreach (var (start, length, isOurs) in Lines(crontab, id))
        {
            if (isOurs)
            {
                removed = true;
            }
            else
            {
                output.AddRange(crontab.Slice(start, length).ToArray());
            }
        }

        return removed ? output.ToArray() : null;
    }

    /// <summary>Every renewal line in the crontab; <paramref name="id"/> null for all of them.</summary>
    public static IReadOnlyList<CrontabEntry> Find(ReadOnlySpan<byte> crontab, string? id = null)
    {
        var found = new List<CrontabEntry>();
        foreach (var rawLine in Encoding.UTF8.GetString(crontab).Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var tagAt = line.LastIndexOf(" " + TagPrefix, StringComparison.Ordinal);
            if (tagAt < 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var lineId = line[(tagAt + 1 + TagPrefix.Length)..].Trim();
            if (id is not null && lineId != id)
            {
                continue;
            }

            var job = line[..tagAt].Trim();
            var fields = job.Split((char[]?)null, 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 6)
            {
                found.Add(new CrontabEntry(lineId, string.Join(' ', fields[..5]), fields[5]));
            }
        }

        return found;
    }

    /// <summary>
    /// A command written so that cron hands <paramref name="command"/> to sh byte for byte. Cron's rule (do_command.c,
    /// checked under the real daemon by CrontabRegistrationTests): a backslash escapes the next character and is
    /// dropped before '%' or '\', kept before anything else; an unescaped '%' ends the command. So every '\' and '%'
    /// gets a backslash.
    /// </summary>
    public static string EscapeForCron(string command) =>
        command.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal);

    /// <summary>What cron hands to sh for a crontab line's command: up to its first unescaped '%', escapes applied.</summary>
    public static string UnescapeFromCron(string command) => UnescapeFromCron(command, out _);

    /// <inheritdoc cref="UnescapeFromCron(string)"/>
    /// <param name="endsEarly">True when an unescaped '%' ends the command before the end of the text (cron sends the rest to its stdin).</param>
    public static string UnescapeFromCron(string command, out bool endsEarly)
    {
        var shell = new StringBuilder(command.Length);
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '\\' && i + 1 < command.Length)
            {
                var next = command[++i];
                if (next is not ('%' or '\\'))
                {
                    shell.Append(c);
                }

                shell.Append(next);
            }
            else if (c == '%')
            {
                endsEarly = true;
                return shell.ToString();
            }
            else
            {
                shell.Append(c);
            }
        }

        endsEarly = false;
        return shell.ToString();
    }

    private static IEnumerable<(int Start, int Length, bool IsOurs)> Lines(ReadOnlySpan<byte> crontab, string id)
    {
        var lines = new List<(int, int, bool)>();
        var tag = Encoding.UTF8.GetBytes(" " + Tag(id));
        var start = 0;
        while (start < crontab.Length)
        {
            var end = crontab[start..].IndexOf((byte)'\n');
            var length = end < 0 ? crontab.Length - start : end + 1;
            var content = crontab.Slice(start, end < 0 ? length : end).TrimEnd((byte)'\r');
            var isOurs = content.EndsWith(tag) && !content.TrimStart((byte)' ').StartsWith("#"u8);
            lines.Add((start, length, isOurs));
            start += length;
        }

        return lines;
    }
}
