using System.Management.Automation;
using System.Text;
using OneFlexTokens.Common;

namespace OneFlexTokens.Docker;

/// <summary>
/// The compose project name that <c>docker compose</c> would use in a folder, with compose's own precedence:
/// COMPOSE_PROJECT_NAME (environment, then the folder's .env), then the compose file's top-level <c>name:</c>,
/// then the folder name; normalised like compose.
/// </summary>
public static class ComposeProject
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string WorkingDirectoryLabel = "com.docker.compose.project.working_dir";
    public const string ProjectNameVariable = "COMPOSE_PROJECT_NAME";

    public static readonly IReadOnlyList<string> ComposeFileNames = new[] { "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml" };

    public static string NameFor(HostPlatform platform, string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw NotFound(full);
        }

        var composeFile = ComposeFileNames.Select(name => Path.Combine(full, name)).FirstOrDefault(File.Exists) ?? throw NotFound(full);
        var fromEnvironment = platform.Env(ProjectNameVariable) ?? ReadDotEnvValue(Path.Combine(full, ".env"), ProjectNameVariable);
        var chosen = fromEnvironment
            ?? ReadTopLevelName(File.ReadAllText(composeFile))
            ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var normalised = Normalise(chosen);
        if (normalised.Length == 0)
        {
            throw new OneFlexException(ErrorIds.ComposeProjectNameInvalid, ErrorCategory.InvalidData, string.Format(Messages.ComposeProjectNameInvalid, chosen, full), full);
        }

        return normalised;
    }

    /// <summary>Lower case, only [a-z0-9_-], starting with a letter or digit: what compose makes of a folder name.</summary>
    public static string Normalise(string name)
    {
        var kept = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-')
            {
                kept.Append(c);
            }
        }

        return kept.ToString().TrimStart('_', '-');
    }

    /// <summary>The value of the top-level <c>name:</c> key of a compose file, or null; handles quotes and comments.</summary>
    public static string? ReadTopLevelName(string yaml)
    {
        foreach (var rawLine in yaml.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (!line.StartsWith("name", StringComparison.Ordinal))
            {
                continue;
            }

            var afterKey = line[4..].TrimStart(' ', '\t');
            if (!afterKey.StartsWith(':'))
            {
                continue;
            }

            var value = ScalarValue(afterKey[1..]);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        return null;
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

    /// <summary>One key of a dotenv file (compose reads COMPOSE_PROJECT_NAME there); other values are never read out.</summary>
    internal static string? ReadDotEnvValue(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var rawLine in File.ReadLines(path))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            if (!line.StartsWith(key, StringComparison.Ordinal))
            {
                continue;
            }

            var afterKey = line[key.Length..].TrimStart();
            if (!afterKey.StartsWith('='))
            {
                continue;
            }

            var value = ScalarValue(afterKey[1..]);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        return null;
    }

    private static OneFlexException NotFound(string directory) =>
        new(ErrorIds.ComposeFileNotFound, ErrorCategory.ObjectNotFound, string.Format(Messages.ComposeFileNotFound, directory, string.Join(", ", ComposeFileNames)), directory);
}
