using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Docker;

/// <summary>
/// The compose files of a folder, found as docker compose finds them (the first of <see cref="FileNames"/>, then the
/// first of <see cref="OverrideFileNames"/> over it), and read safely: a regular file (a link is followed, a FIFO or
/// device is refused without blocking), at most <see cref="MaxBytes"/>. Only what the module needs is read from them,
/// without a YAML library: the top-level <c>name:</c> and the keys of the top-level <c>services:</c> block.
/// </summary>
internal static partial class ComposeFile
{
    /// <summary>1 MiB: a compose file is a few kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static readonly IReadOnlyList<string> FileNames = new[] { "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml" };

    public static readonly IReadOnlyList<string> OverrideFileNames = new[] { "compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml" };

    /// <summary>The compose file of <paramref name="directory"/> and its override file, if any; empty when it has none.</summary>
    public static IReadOnlyList<string> FindAll(string directory)
    {
        var main = FileNames.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        if (main is null)
        {
            return Array.Empty<string>();
        }

        var overrides = OverrideFileNames.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        return overrides is null ? new[] { main } : new[] { main, overrides };
    }

    /// <summary>The text of a compose file, or ComposeFileUnreadable.</summary>
    public static string Read(string path)
    {
        try
        {
            var content = PlatformFiles.ReadRegularFile(path, MaxBytes, out var kind);
            if (kind != FileKind.Regular)
            {
                throw Unreadable(path, Messages.ComposeFileNotRegular);
            }

            var bytes = content ?? throw Unreadable(path, Messages.ComposeFileTooLarge(ReplyLimits.Describe(MaxBytes)));
            return Encoding.UTF8.GetString(bytes.Span).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e.Message);
        }
    }

    /// <summary>The services of the compose files of <paramref name="directory"/>, in file order, each once.</summary>
    public static IReadOnlyList<string> ServicesIn(string directory) =>
        FindAll(directory).SelectMany(file => ReadServiceNames(Read(file))).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The value of the top-level <c>name:</c> key of a compose file, or null; handles quotes and comments.</summary>
    public static string? ReadTopLevelName(string yaml)
    {
        if (FlowDocument(yaml) is { } document)
        {
            return ComposeFlow.Field(document, "name") as string is { Length: > 0 } flowName ? flowName : null;
        }

        foreach (var (indent, key, rest, _) in KeyLines(yaml))
        {
            if (indent == 0 && key == "name")
            {
                var value = ScalarValue(rest);
                return string.IsNullOrEmpty(value) ? null : value;
            }
        }

        return null;
    }

    /// <summary>
    /// The keys of the top-level <c>services:</c> block (block style: each service a key one indentation deeper), or
    /// nothing when there is no such block. Keys that are not service names (merge keys, anything outside
    /// [a-zA-Z0-9._-]) are left out.
    /// </summary>
    public static IReadOnlyList<string> ReadServiceNames(string yaml)
    {
        if (FlowDocument(yaml) is { } document)
        {
            return FlowServiceNames(ComposeFlow.Field(document, "services"));
        }

        var services = new List<string>();
        var inServices = false;
        int? serviceIndent = null;
        foreach (var (indent, key, rest, restAt) in KeyLines(yaml, keepDeeperLines: true))
        {
            if (indent == 0)
            {
                if (inServices)
                {
                    break;
                }

                inServices = key == "services";
                if (inServices && rest.TrimStart(' ', '\t').StartsWith('{'))
                {
                    // services: { bot: {...}, web: {...} }, possibly over several lines.
                    return FlowServiceNames(ComposeFlow.Parse(yaml, restAt));
                }

                continue;
            }

            if (!inServices || key is null)
            {
                continue;
            }

            serviceIndent ??= indent;
            if (indent < serviceIndent)
            {
                break;
            }

            if (indent == serviceIndent && ServiceName().IsMatch(key))
            {
                services.Add(key);
            }
        }

        return services;
    }

    /// <summary>
    /// Each line that holds something: its indentation (spaces), its mapping key (null for a line that is not 'key:'),
    /// and what follows the colon. Comments, blank lines, document markers and tab-indented lines are skipped.
    /// </summary>
    private static IEnumerable<(int Indent, string? Key, string AfterColon, int AfterColonAt)> KeyLines(string yaml, bool keepDeeperLines = false)
    {
        for (var start = 0; start < yaml.Length;)
        {
            var end = yaml.IndexOf('\n', start);
            var next = end < 0 ? yaml.Length : end + 1;
            var line = yaml[start..(end < 0 ? yaml.Length : end)].TrimEnd('\r');
            var lineStart = start;
            start = next;
            var content = line.TrimStart(' ');
            var indent = line.Length - content.Length;
            if (content.Length == 0 || content[0] is '#' or '\t' || (indent == 0 && (content.StartsWith("---", StringComparison.Ordinal) || content.StartsWith("...", StringComparison.Ordinal))))
            {
                continue;
            }

            if (TryKey(content, out var key, out var rest))
            {
                yield return (indent, key, rest, lineStart + line.Length - rest.Length);
            }
            else if (keepDeeperLines || indent == 0)
            {
                yield return (indent, null, content, lineStart + indent);
            }
        }
    }

    /// <summary>'key:' at the start of <paramref name="content"/>: plain, 'single' or "double" quoted, then ':' and a blank or the end. Linear in the line's length.</summary>
    private static bool TryKey(string content, out string key, out string rest)
    {
        key = rest = "";
        int colon;
        if (content[0] is '\'' or '"')
        {
            var quote = content[0];
            var text = new StringBuilder();
            var i = 1;
            for (; i < content.Length; i++)
            {
                if (content[i] == quote && quote == '\'' && i + 1 < content.Length && content[i + 1] == '\'')
                {
                    text.Append('\'');
                    i++;
                }
                else if (content[i] == quote)
                {
                    break;
                }
                else if (content[i] == '\\' && quote == '"')
                {
                    return false;
                }
                else
                {
                    text.Append(content[i]);
                }
            }

            colon = i + 1;
            while (colon < content.Length && content[colon] is ' ' or '\t')
            {
                colon++;
            }

            if (i >= content.Length || colon >= content.Length || content[colon] != ':')
            {
                return false;
            }

            key = text.ToString();
        }
        else
        {
            if ("-?:,[]{}#&*!|>%@`".Contains(content[0]))
            {
                return false;
            }

            colon = -1;
            for (var i = 0; i < content.Length; i++)
            {
                if (content[i] == '#' && i > 0 && content[i - 1] is ' ' or '\t')
                {
                    return false;
                }

                if (content[i] == ':' && (i + 1 == content.Length || content[i + 1] is ' ' or '\t'))
                {
                    colon = i;
                    break;
                }
            }

            if (colon <= 0)
            {
                return false;
            }

            key = content[..colon].TrimEnd(' ', '\t');
        }

        if (colon + 1 < content.Length && content[colon + 1] is not (' ' or '\t'))
        {
            return false;
        }

        rest = content[(colon + 1)..];
        return true;
    }

    private static string? ScalarValue(string text)
    {
        var value = text.Trim(' ', '\t');
        if (value.Length == 0 || value[0] == '#' || value[0] is '|' or '>' or '&' or '*' or '{' or '[')
        {
            return null;
        }

        if (value[0] == '\'')
        {
            var single = new StringBuilder();
            for (var i = 1; i < value.Length; i++)
            {
                if (value[i] == '\'')
                {
                    if (i + 1 < value.Length && value[i + 1] == '\'') { single.Append('\''); i++; continue; }
                    return single.ToString();
                }

                single.Append(value[i]);
            }

            return null;
        }

        if (value[0] == '"')
        {
            var quoted = new StringBuilder();
            for (var i = 1; i < value.Length; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length) { quoted.Append(value[++i]); continue; }
                if (value[i] == '"') { return quoted.ToString(); }
                quoted.Append(value[i]);
            }

            return null;
        }

        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        var tabComment = value.IndexOf("\t#", StringComparison.Ordinal);
        var cut = new[] { comment, tabComment }.Where(i => i >= 0).DefaultIfEmpty(value.Length).Min();
        return value[..cut].TrimEnd(' ', '\t');
    }

    /// <summary>The whole document as a flow mapping ({ "name": …, "services": {…} }, JSON included), or null when it is block style.</summary>
    private static Dictionary<string, object?>? FlowDocument(string yaml)
    {
        foreach (var (indent, key, content, at) in KeyLines(yaml))
        {
            return indent == 0 && key is null && content.StartsWith('{') ? ComposeFlow.Parse(yaml, at) as Dictionary<string, object?> : null;
        }

        return null;
    }

    private static IReadOnlyList<string> FlowServiceNames(object? services) =>
        services is Dictionary<string, object?> mapping ? mapping.Keys.Where(key => ServiceName().IsMatch(key)).ToArray() : Array.Empty<string>();

    private static OneFlexException Unreadable(string path, string reason) =>
        new(ErrorIds.ComposeFileUnreadable, ErrorCategory.ReadError, Messages.ComposeFileUnreadable(path, reason), path);

    // What compose accepts as a service name.
    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9._-]*$")]
    private static partial Regex ServiceName();
}
