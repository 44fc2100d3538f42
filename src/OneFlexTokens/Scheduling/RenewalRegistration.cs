namespace OneFlexTokens.Scheduling;

/// <summary>Which scheduler runs the renewal.</summary>
public enum RenewalPlatform
{
    /// <summary>A line in a crontab (Linux, macOS).</summary>
    Cron,

    /// <summary>A Windows Task Scheduler task.</summary>
    TaskScheduler,

    /// <summary>A Synology DSM Task Scheduler task, created by hand from the printed steps.</summary>
    SynologyDsm,
}

/// <summary>A scheduled renewal of one bot folder: how often, the exact command, and where it is registered.</summary>
/// <param name="Id">The first 12 hex digits of the SHA-256 of the bot folder's real path (<see cref="RenewalSetup.RealBotFolder"/>): one registration per bot folder.</param>
/// <param name="Every">How often it runs (zero when a registration found on the system has a schedule this module does not write).</param>
/// <param name="Schedule">The cron time fields, or the Task Scheduler repetition (e.g. "every 10 minutes (PT10M)").</param>
/// <param name="Command">Exactly what the scheduler runs: the crontab line's command, the task's program and arguments, or DSM's user-defined script.</param>
/// <param name="Where">Where it is registered, e.g. "crontab of user bot" or the task's path.</param>
/// <param name="RunsWithoutLogon">Windows: it runs whether or not the user is signed in (S4U). Cron and DSM jobs always do.</param>
public sealed record RenewalRegistration(
    string Id,
    string BotFolder,
    TimeSpan Every,
    string Schedule,
    string Command,
    RenewalPlatform Platform,
    string Where,
    bool RunsWithoutLogon)
{
    /// <summary>Why this registration cannot be read back (its <see cref="BotFolder"/> is then empty); null when it can.</summary>
    public string? ReadBackProblem { get; init; }

    /// <summary>The run's options as the registered command says them (parsed back by the one mapping); null when it says none this module wrote.</summary>
    internal Renewal.RenewalOptions? RunOptions { get; init; }
}

/// <summary>What a renewal registers: the bot folder, how often, and the script's parameters (paths already full).</summary>
public sealed record RenewalRequest
{
    public required string BotFolder { get; init; }

    public RenewalInterval Interval { get; init; } = RenewalInterval.From(RenewalInterval.Default);

    /// <summary>The program that starts pwsh: $PSHOME/pwsh(.exe) of the session that registers, or the dotnet host (<see cref="PwshInstall.LauncherFor"/>).</summary>
    public required string PwshPath { get; init; }

    /// <summary>What goes between <see cref="PwshPath"/> and pwsh's switches: pwsh.dll for the dotnet host, else nothing.</summary>
    public IReadOnlyList<string> PwshArguments { get; init; } = Array.Empty<string>();

    /// <summary>Update-OneFlexBot.ps1 in the module's Scripts folder.</summary>
    public required string ScriptPath { get; init; }

    public string? ProfilePath { get; init; }

    public string? ProjectDirectory { get; init; }

    public string? BotName { get; init; }

    public string? BaseUrl { get; init; }

    public string? DockerHost { get; init; }

    public bool NoBrowser { get; init; }

    /// <summary>The folder of the browser the run would use, put on cron's PATH; null for none.</summary>
    public string? BrowserDirectory { get; init; }

    /// <summary>Set as DOTNET_ROOT for a pwsh that needs the .NET runtime found (a .NET tool); null when it does not.</summary>
    public string? DotnetRoot { get; init; }

    /// <summary>HOME for the cron job; null for the home of the platform.</summary>
    public string? HomeDirectory { get; init; }
}

/// <summary>What <see cref="RenewalScheduler.Register"/> would write: the registration and the exact text (crontab line, task XML, DSM steps).</summary>
public sealed record RenewalPlan(RenewalRegistration Registration, string Text)
{
    /// <summary>Windows: the task definition to register.</summary>
    internal TaskSchedulerRequest? Task { get; init; }
}

/// <summary>What a registration did: the registration, warnings (e.g. a Windows task that runs only while signed in), and steps for the user to take (DSM).</summary>
public sealed record RegistrationOutcome(RenewalRegistration Registration, IReadOnlyList<string> Warnings, string? Instructions);

/// <summary>What an unregistration removed, and steps for the user to take when nothing could be removed here (DSM).</summary>
public sealed record RenewalRemoval(IReadOnlyList<RenewalRegistration> Removed, string? Instructions);
