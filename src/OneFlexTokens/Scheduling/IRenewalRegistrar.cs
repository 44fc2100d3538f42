using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// One scheduler's registrations of the renewal: its entry for each bot folder (a crontab line, a task, DSM's steps) and
/// the state a registration keeps in the bot folder's state folder (the saved webhook, the registration time). Callers
/// never ask which platform it is: what a platform cannot do here comes back as <see cref="RegistrationOutcome.Instructions"/>,
/// <see cref="RemovalSteps"/> and <see cref="FindNote"/>. <see cref="RenewalRegistrar.For(Platform.HostPlatform, string)"/> picks the one of this system.
/// </summary>
internal interface IRenewalRegistrar
{
    RenewalPlatform Platform { get; }

    /// <summary>The account the registered command runs as.</summary>
    ScheduledAccount Account { get; }

    /// <summary>Why <see cref="Find"/> shows nothing registered here and where to look instead (DSM); null when it reads them back.</summary>
    string? FindNote { get; }

    /// <summary>What <see cref="Register"/> would write for <paramref name="request"/>; reads and changes nothing.</summary>
    RenewalPlan Plan(RenewalRequest request);

    /// <summary>Runs the plan's command the way the scheduler will, with the script's -Check (it renews and writes nothing).</summary>
    /// <exception cref="Errors.OneFlexException">ScheduledCommandNotRunnable, with the run's output (scrubbed, shortened).</exception>
    void Check(RenewalPlan plan);

    /// <summary>
    /// Registers the plan, replacing this bot folder's earlier registration, with <paramref name="webhookUrl"/> (when given)
    /// saved for its runs as one step; then removes the <paramref name="superseded"/> entries and records the registration time
    /// (for the caller's own runs, in an existing bot folder, when something was written).
    /// </summary>
    RegistrationOutcome Register(RenewalPlan plan, string? webhookUrl = null, IReadOnlyList<RenewalRegistration>? superseded = null);

    /// <summary>The renewals registered here (<paramref name="id"/> null for all).</summary>
    IReadOnlyList<RenewalRegistration> Find(string? id = null);

    /// <summary>The steps for the user when the entry <paramref name="id"/> cannot be removed from here (DSM); null when <see cref="Unregister"/> removes it.</summary>
    string? RemovalSteps(string id);

    /// <summary>
    /// Removes the entry <paramref name="id"/> and nothing else of the scheduler, then what the registration kept in the
    /// state folder of <paramref name="botFolder"/> (null: that of each entry removed). Never fails for the state: what
    /// is left alone comes back in <see cref="RenewalRemoval.Warnings"/>.
    /// </summary>
    RenewalRemoval Unregister(string id, string? botFolder = null);
}
