using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// Synology DSM rewrites its crontab from its own Task Scheduler, so nothing is written, read back nor removed here:
/// registering gives the steps to create the task in Control Panel, unregistering those to delete it. The webhook is
/// still saved where the runs of the task read it.
/// </summary>
internal sealed class SynologyDsmRegistrar : RenewalRegistrar
{
    public SynologyDsmRegistrar(HostPlatform host, string? user)
        : base(host, user)
    {
    }

    public override RenewalPlatform Platform => RenewalPlatform.SynologyDsm;

    public override string? FindNote => Messages.RenewalRegisteredInDsm;

    private string UserName => User ?? Host.UserName;

    private protected override RenewalPlan Plan(RenewalRequest request, string id)
    {
        var command = ShellCommand(request);
        var registration = new RenewalRegistration(id, request.BotFolder, request.Interval.Every, request.Interval.ToString(), command,
            RenewalPlatform.SynologyDsm, Messages.DsmTaskOf(TaskName(id), UserName), RunsWithoutLogon: true)
        {
            RunOptions = RunOptionsOf(CommandWords(request, dockerHostAsParameter: false)),
        };
        return new RenewalPlan(registration, SynologyDsm.Steps(TaskName(id), UserName, request.Interval, command));
    }

    /// <summary>DSM's user-defined script, run through /bin/sh as cron would.</summary>
    internal override (IReadOnlyList<string> Words, string WorkingDirectory) CheckCommand(RenewalPlan plan) =>
        ShellCheckCommand(plan.Registration.Command + " -Check");

    private protected override RegistrationOutcome WriteEntry(RenewalPlan plan) =>
        new(plan.Registration, Array.Empty<string>(), plan.Text);

    public override IReadOnlyList<RenewalRegistration> Find(string? id = null) => Array.Empty<RenewalRegistration>();

    public override string? RemovalSteps(string id) => SynologyDsm.RemovalSteps(TaskName(id));

    private protected override IReadOnlyList<RenewalRegistration> RemoveEntries(string id) => Array.Empty<RenewalRegistration>();

    private static string TaskName(string id) => "OneFlex token renewal " + id;
}
