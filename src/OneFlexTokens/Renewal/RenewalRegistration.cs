namespace OneFlexTokens.Renewal;

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

/// <summary>
/// A scheduled renewal of one bot folder: how often, the exact command, and where it is registered. Written by the
/// registrars of Scheduling/ and shown in the renewal's status, so it lives here: Scheduling depends on Renewal, never the reverse.
/// </summary>
/// <param name="Id">The first 12 hex digits of the SHA-256 of the bot folder's real path (links resolved): one registration per bot folder.</param>
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
    internal RenewalOptions? RunOptions { get; init; }
}
