using System.Management.Automation;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Docker;

/// <summary>
/// The compose project name that <c>docker compose</c> would use in a folder, with compose's own precedence:
/// COMPOSE_PROJECT_NAME (environment, then the folder's .env), then the top-level <c>name:</c> of its compose files
/// (the override's first, interpolated like compose), then the folder name; normalised like compose. Where the engine
/// already holds containers of the folder, their labels say it (<see cref="FromLabels"/>).
/// </summary>
internal static class ComposeProject
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string WorkingDirectoryLabel = "com.docker.compose.project.working_dir";
    public const string ConfigFilesLabel = "com.docker.compose.project.config_files";
    public const string ProjectNameVariable = "COMPOSE_PROJECT_NAME";

    public static string NameFor(HostPlatform platform, string directory)
    {
        var full = Path.GetFullPath(directory);
        var composeFiles = Directory.Exists(full) ? ComposeFile.FindAll(full) : Array.Empty<string>();
        if (composeFiles.Count == 0)
        {
            throw NotFound(full);
        }

        var variables = Variables(platform, full);
        var chosen = platform.Env(ProjectNameVariable)
            ?? NonEmpty(variables(ProjectNameVariable))
            ?? composeFiles
                .Select(file => ComposeFile.ReadTopLevelName(ComposeFile.Read(file)) is { } name ? ComposeInterpolation.Interpolate(name, variables, file + " (name:)") : null)
                .LastOrDefault(name => !string.IsNullOrEmpty(name))
            ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var normalised = Normalise(chosen);
        if (normalised.Length == 0)
        {
            throw new OneFlexException(ErrorIds.ComposeProjectNameInvalid, ErrorCategory.InvalidData, Messages.ComposeProjectNameInvalid(chosen, full), full);
        }

        return normalised;
    }

    /// <summary>
    /// What compose interpolates a compose file with: the environment first (a variable set to "" is set), then the
    /// project's .env, read once and only when a value is asked for, by the module's one .env reader and its file policy.
    /// </summary>
    public static Func<string, string?> Variables(HostPlatform platform, string directory)
    {
        var dotEnv = new Lazy<IReadOnlyDictionary<string, string>?>(() => EnvFileReader.TryReadValues(Path.Combine(directory, ".env")));
        return name => platform.GetEnvironmentVariable(name) ?? dotEnv.Value?.GetValueOrDefault(name);
    }

    /// <summary>
    /// The compose project of the containers the engine created from <paramref name="directory"/>: their
    /// com.docker.compose.project.working_dir label names that folder (or one of their config_files lies in it), compared
    /// as given and with links resolved. Null when no container says so. When several projects did, the one named
    /// <paramref name="preferred"/> wins, else the first in the engine's order.
    /// </summary>
    public static string? FromLabels(string directory, IEnumerable<BotContainer> containers, string? preferred)
    {
        var wanted = new[] { Trimmed(Path.GetFullPath(directory)), Trimmed(FileSystemPath.WithLinksResolved(directory)) };
        bool IsHere(string? folder) => folder is { Length: > 0 } && (wanted.Contains(Trimmed(folder)) || wanted.Contains(Trimmed(FileSystemPath.WithLinksResolved(folder))));
        var projects = containers
            .Where(c => c.Project is not null && (IsHere(c.WorkingDirectory) || (c.ConfigFiles?.Split(',').Any(file => IsHere(Path.GetDirectoryName(file.Trim()))) ?? false)))
            .Select(c => c.Project!)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return projects.Contains(preferred) ? preferred : projects.FirstOrDefault();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Trimmed(string folder) => folder.Length > 1 ? folder.TrimEnd('/', '\\') : folder;

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

    private static OneFlexException NotFound(string directory) =>
        new(ErrorIds.ComposeFileNotFound, ErrorCategory.ObjectNotFound, Messages.ComposeFileNotFound(directory, string.Join(", ", ComposeFile.FileNames)), directory);
}
