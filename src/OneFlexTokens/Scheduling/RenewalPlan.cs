using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>What a renewal registers: the bot folder, how often, and the run's options (paths already full).</summary>
internal sealed record RenewalRequest
{
    public required string BotFolder { get; init; }

    public RenewalInterval Interval { get; init; } = RenewalInterval.From(RenewalInterval.Default);

    /// <summary>The program that starts pwsh: $PSHOME/pwsh(.exe) of the session that registers, or the dotnet host (<see cref="PwshInstall.LauncherFor"/>).</summary>
    public required string PwshPath { get; init; }

    /// <summary>What goes between <see cref="PwshPath"/> and pwsh's switches: pwsh.dll for the dotnet host, else nothing.</summary>
    public IReadOnlyList<string> PwshArguments { get; init; } = Array.Empty<string>();

    /// <summary>Update-OneFlexBot.ps1 in the module's Scripts folder.</summary>
    public required string ScriptPath { get; init; }

    /// <summary>The run's parameters (<see cref="RenewalParameters"/>), carried on the line; its bot folder is <see cref="BotFolder"/>.</summary>
    public required RenewalOptions Run { get; init; }

    /// <summary>The folder of the browser the run would use, put on cron's PATH; null for none.</summary>
    public string? BrowserDirectory { get; init; }

    /// <summary>Set as DOTNET_ROOT for a pwsh that needs the .NET runtime found (a .NET tool); null when it does not.</summary>
    public string? DotnetRoot { get; init; }

    /// <summary>HOME for the cron job; null for the home of the platform.</summary>
    public string? HomeDirectory { get; init; }
}

/// <summary>What <see cref="IRenewalRegistrar.Register"/> would write: the registration and the exact text (crontab line, task XML, DSM steps).</summary>
internal sealed record RenewalPlan(RenewalRegistration Registration, string Text)
{
    /// <summary>Windows: the task definition to register.</summary>
    internal TaskSchedulerRequest? Task { get; init; }
}

/// <summary>What a registration did: the registration, warnings (e.g. a Windows task that runs only while signed in), and steps for the user to take (DSM).</summary>
internal sealed record RegistrationOutcome(RenewalRegistration Registration, IReadOnlyList<string> Warnings, string? Instructions);

/// <summary>What an unregistration removed, and steps for the user to take when nothing could be removed here (DSM).</summary>
internal sealed record RenewalRemoval(IReadOnlyList<RenewalRegistration> Removed, string? Instructions)
{
    /// <summary>What was left alone (a state folder another account controls): the entry is gone all the same.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
