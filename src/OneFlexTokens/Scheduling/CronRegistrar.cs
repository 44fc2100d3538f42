using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>Linux and macOS: one tagged line per bot folder in the account's crontab.</summary>
internal sealed class CronRegistrar : RenewalRegistrar
{
    // The script logs each run itself; its one summary line would make cron mail every run, its errors still do.
    private const string CronOutputRedirect = " >/dev/null";

    private readonly CrontabProgram _crontab;

    public CronRegistrar(HostPlatform host, string? user, CrontabProgram crontab)
        : base(host, user)
    {
        _crontab = crontab;
    }

    public override RenewalPlatform Platform => RenewalPlatform.Cron;

    private string Where => Messages.CrontabOf(User ?? Host.UserName);

    private protected override RenewalPlan Plan(RenewalRequest request, string id)
    {
        var command = CrontabEntries.EscapeForCron(ShellCommand(request)) + CronOutputRedirect;
        var line = request.Interval.CronFields + " " + command + " " + CrontabEntries.Tag(id);
        var registration = new RenewalRegistration(id, request.BotFolder, request.Interval.Every, request.Interval.CronFields, command,
            RenewalPlatform.Cron, Where, RunsWithoutLogon: true)
        {
            RunOptions = RunOptionsOf(CommandWords(request, dockerHostAsParameter: false)),
        };
        return new RenewalPlan(registration, line);
    }

    /// <summary>The line's command after cron's % processing, without the redirect, through /bin/sh as cron runs it.</summary>
    internal override (IReadOnlyList<string> Words, string WorkingDirectory) CheckCommand(RenewalPlan plan) =>
        ShellCheckCommand(CrontabEntries.UnescapeFromCron(plan.Registration.Command[..^CronOutputRedirect.Length] + " -Check"));

    private protected override RegistrationOutcome WriteEntry(RenewalPlan plan)
    {
        _crontab.Write(CrontabEntries.With(_crontab.Read(), plan.Registration.Id, plan.Text));
        return new RegistrationOutcome(plan.Registration, Array.Empty<string>(), null);
    }

    public override IReadOnlyList<RenewalRegistration> Find(string? id = null) => FindIn(_crontab.Read(), id);

    private protected override IReadOnlyList<RenewalRegistration> RemoveEntries(string id)
    {
        var crontab = _crontab.Read();
        var found = FindIn(crontab, id);
        if (CrontabEntries.Without(crontab, id) is { } without)
        {
            _crontab.Write(without);
        }

        return found;
    }

    private IReadOnlyList<RenewalRegistration> FindIn(byte[] crontab, string? id) =>
        CrontabEntries.Find(crontab, id).Select(entry =>
        {
            var words = PosixShell.Split(CrontabEntries.UnescapeFromCron(entry.Command, out var endsEarly));
            var at = words is null ? -1 : words.ToList().IndexOf("-BotFolder");
            var botFolder = !endsEarly && at >= 0 && at + 1 < words!.Count ? words[at + 1] : string.Empty;
            var unreadable = endsEarly ? Messages.RenewalLineEndsAtPercent
                : words is null ? Messages.RenewalLineNotOurs
                : botFolder.Length == 0 ? Messages.RenewalLineNoBotFolder
                : null;
            return new RenewalRegistration(entry.Id, botFolder, RenewalInterval.FromCronFields(entry.Schedule)?.Every ?? TimeSpan.Zero,
                entry.Schedule, entry.Command, RenewalPlatform.Cron, Where, RunsWithoutLogon: true)
            {
                ReadBackProblem = unreadable is null ? null : Messages.RenewalLineUnreadable(entry.Id, Where, unreadable),
                RunOptions = unreadable is null ? RunOptionsOf(words) : null,
            };
        }).ToList();
}
