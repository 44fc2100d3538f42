using System.Management.Automation;

namespace OneFlexTokens.Docker;

/// <summary>
/// A container as the engine listed it, in the module's own terms (no Docker.DotNet type leaks out). Project, Service
/// WorkingDirectory and ConfigFiles (comma-separated) are its compose labels (the folder and files it was created from, on
/// the engine's host).
/// </summary>
internal sealed record BotContainer(string Id, string Name, string? Project, string? Service, string State, string? Status, string? WorkingDirectory = null, string? ConfigFiles = null)
{
    public string ShortId => Id.Length > 12 ? Id[..12] : Id;

    public bool IsRunning => State is "running" or "paused" or "restarting";

    public string Describe()
    {
        var compose = Project is null ? "" : $", compose {Project}/{Service}";
        return $"{Name} ({State}{compose})";
    }
}

/// <summary>Which containers are the bot: by name (wildcards allowed) or by compose project and services.</summary>
internal sealed record BotSelection(IReadOnlyList<string> Names, string? ComposeProject, IReadOnlyList<string> Services)
{
    public static BotSelection ByName(IEnumerable<string> names) => new(names.ToArray(), null, Array.Empty<string>());

    public static BotSelection ByProject(string project, IEnumerable<string>? services) => new(Array.Empty<string>(), project, services?.ToArray() ?? Array.Empty<string>());

    /// <summary>
    /// The compose project of a folder: <paramref name="projectFromFiles"/> is the name its files give (compose's
    /// precedence); before a restart <see cref="WithLabelsOf"/> prefers the project the engine's labels tie to the folder.
    /// </summary>
    public static BotSelection ByProjectDirectory(string directory, string projectFromFiles, IEnumerable<string>? services) =>
        ByProject(projectFromFiles, services) with { ProjectDirectory = directory };

    /// <summary>The folder a -ProjectDirectory selection was made from; null for the others.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>
    /// For a folder's selection: the project of the containers the engine created from that folder (their labels), when
    /// any; otherwise this selection (the name from the files). The others are returned as they are.
    /// </summary>
    public BotSelection WithLabelsOf(IEnumerable<BotContainer> containers) =>
        ProjectDirectory is { } folder && Docker.ComposeProject.FromLabels(folder, containers, ComposeProject) is { } labelled
            ? this with { ComposeProject = labelled, ProjectFromLabels = true }
            : this;

    /// <summary>True when <see cref="WithLabelsOf"/> found the project in the engine's labels.</summary>
    public bool ProjectFromLabels { get; init; }

    public bool Matches(BotContainer container) => ComposeProject is null
        ? Names.Any(name => MatchesName(name, container))
        : (string.Equals(container.Project, ComposeProject, StringComparison.Ordinal) || string.Equals(container.Project, Docker.ComposeProject.Normalise(ComposeProject), StringComparison.Ordinal))
          && (Services.Count == 0 || Services.Any(s => string.Equals(s, container.Service, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Requested names (not patterns) that match no container: each is reported on its own.</summary>
    public IEnumerable<string> Unmatched(IReadOnlyCollection<BotContainer> containers) =>
        ComposeProject is null
            ? Names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !containers.Any(c => MatchesName(n, c)))
            : Services.Where(s => !containers.Any(c => string.Equals(s, c.Service, StringComparison.OrdinalIgnoreCase)));

    public override string ToString() => ComposeProject is null
        ? string.Join(", ", Names)
        : Services.Count == 0 ? $"compose project '{ComposeProject}'" : $"compose project '{ComposeProject}' service(s) {string.Join(", ", Services)}";

    private static bool MatchesName(string name, BotContainer container)
    {
        var wanted = name.TrimStart('/');
        if (WildcardPattern.ContainsWildcardCharacters(wanted))
        {
            return new WildcardPattern(wanted, WildcardOptions.IgnoreCase).IsMatch(container.Name);
        }

        return string.Equals(wanted, container.Name, StringComparison.Ordinal)
            || (wanted.Length >= 12 && container.Id.StartsWith(wanted, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// How long a restart may take: the engine's stop grace period (whole seconds, rounded up), and the whole wait shared by
/// every container, from now (the restart requests) until each runs, and is healthy, again.
/// </summary>
internal sealed record RestartLimits(TimeSpan StopGracePeriod, TimeSpan Timeout)
{
    public DateTimeOffset Deadline { get; } = DateTimeOffset.UtcNow + Timeout;

    public uint StopGraceSeconds => (uint)Math.Ceiling(StopGracePeriod.TotalSeconds);

    public TimeSpan Remaining => Deadline - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}

/// <summary>What Restart-OneFlexBot did to one container.</summary>
public sealed class BotContainerStatus
{
    public required string Name { get; init; }

    public required string Id { get; init; }

    public string? Project { get; init; }

    public string? Service { get; init; }

    public required string PreviousState { get; init; }

    public required string State { get; init; }

    /// <summary>healthy, or null when the container has no healthcheck.</summary>
    public string? Health { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>From the restart request until the container ran (and was healthy) again.</summary>
    public TimeSpan Duration { get; init; }

    public string DockerHost { get; init; } = "";

    /// <summary>
    /// True when the container's own environment sets ONEFLEX_TOKEN or ONEFLEX_REFRESH_TOKEN (compose env_file: or
    /// environment:): a restart keeps those values, so the bot still runs with the old token until it is recreated.
    /// </summary>
    public bool TokensInEnvironment { get; init; }

    public override string ToString() => $"{Name} {PreviousState} -> {State}";
}
