using System.Management.Automation;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Docker;

/// <summary>
/// The compose project name that <c>docker compose</c> would use in a folder, with compose's own precedence:
/// COMPOSE_PROJECT_NAME (environment, then the folder's .env), then the top-level <c>name:</c> of its compose files
/// (the override's first), then the folder name; normalised like compose.
/// </summary>
internal static class ComposeProject
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string WorkingDirectoryLabel = "com.docker.compose.project.working_dir";
    public const string ProjectNameVariable = "COMPOSE_PROJECT_NAME";

    public static string NameFor(HostPlatform platform, string directory)
    {
        var full = Path.GetFullPath(directory);
        var composeFiles = Directory.Exists(full) ? ComposeFile.FindAll(full) : Array.Empty<string>();
        if (composeFiles.Count == 0)
        {
            throw NotFound(full);
        }

        var chosen = platform.Env(ProjectNameVariable)
            ?? ProjectNameFromDotEnv(Path.Combine(full, ".env"))
            ?? composeFiles.Select(file => ComposeFile.ReadTopLevelName(ComposeFile.Read(file))).LastOrDefault(name => name is not null)
            ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var normalised = Normalise(chosen);
        if (normalised.Length == 0)
        {
            throw new OneFlexException(ErrorIds.ComposeProjectNameInvalid, ErrorCategory.InvalidData, Messages.ComposeProjectNameInvalid(chosen, full), full);
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

    /// <summary>
    /// COMPOSE_PROJECT_NAME from the folder's .env (where compose reads it), by the module's one .env reader and its file
    /// policy; null when the file or the key is missing. The file is the bot's, with its tokens: no other value is used.
    /// </summary>
    private static string? ProjectNameFromDotEnv(string path) =>
        EnvFileReader.TryReadValues(path)?.GetValueOrDefault(ProjectNameVariable) is { Length: > 0 } name ? name : null;

    private static OneFlexException NotFound(string directory) =>
        new(ErrorIds.ComposeFileNotFound, ErrorCategory.ObjectNotFound, Messages.ComposeFileNotFound(directory, string.Join(", ", ComposeFile.FileNames)), directory);
}
