using System.Management.Automation;
using System.Xml.Linq;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>Windows: one task per bot folder in \OneFlexTokens\, run without logon (S4U) where the user may, else while signed in.</summary>
internal sealed class TaskSchedulerRegistrar : RenewalRegistrar
{
    private static readonly XNamespace Task = TaskSchedulerDefinition.Namespace;

    private readonly TaskSchedulerProgram _schtasks;
    private readonly Func<DateTime> _now;

    public TaskSchedulerRegistrar(HostPlatform host, string? user, TaskSchedulerProgram schtasks, Func<DateTime> now)
        : base(host, user)
    {
        _schtasks = schtasks;
        _now = now;
    }

    public override RenewalPlatform Platform => RenewalPlatform.TaskScheduler;

    private string UserName => User ?? (Host.Env("USERDOMAIN") is { } domain ? domain + "\\" + Host.UserName : Host.UserName);

    private protected override RenewalPlan Plan(RenewalRequest request, string id)
    {
        var words = CommandWords(request, dockerHostAsParameter: true);
        var now = _now();
        var task = new TaskSchedulerRequest(
            TaskSchedulerProgram.TaskPath(id),
            Messages.RenewalTaskDescription(request.BotFolder),
            words[0],
            words.Skip(1).ToList(),
            request.BotFolder,
            request.Interval,
            UserName,
            TaskLogonType.S4U,
            new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Unspecified))
        {
            ExecutionTimeLimit = TaskSchedulerDefinition.ExecutionTimeLimitFor(request.Run),
        };
        var registration = new RenewalRegistration(id, request.BotFolder, request.Interval.Every, TaskSchedule(request.Interval),
            WindowsCommandLine.Join(words), RenewalPlatform.TaskScheduler, Messages.TaskOf(task.TaskPath, task.UserId), RunsWithoutLogon: true)
        {
            RunOptions = RunOptionsOf(words),
        };
        return new RenewalPlan(registration, TaskSchedulerDefinition.ToXml(task)) { Task = task };
    }

    /// <summary>The task's program and arguments, run directly from its working directory.</summary>
    internal override (IReadOnlyList<string> Words, string WorkingDirectory) CheckCommand(RenewalPlan plan) =>
        (new[] { plan.Task!.Command }.Concat(plan.Task.Arguments).Append("-Check").ToList(), plan.Task.WorkingDirectory);

    private protected override RegistrationOutcome WriteEntry(RenewalPlan plan)
    {
        var registration = plan.Registration;
        var task = plan.Task!;
        var (created, reason) = _schtasks.Create(task);
        if (created)
        {
            return new RegistrationOutcome(registration, Array.Empty<string>(), null);
        }

        // S4U needs rights a non-elevated user lacks: an interactive-token task still runs, while the user is signed in.
        var (fallbackCreated, fallbackReason) = _schtasks.Create(task with { LogonType = TaskLogonType.InteractiveToken });
        if (!fallbackCreated)
        {
            throw new OneFlexException(ErrorIds.TaskSchedulerFailed, ErrorCategory.InvalidOperation,
                Messages.TaskSchedulerFailed("/Create", fallbackReason), task.TaskPath);
        }

        return new RegistrationOutcome(registration with { RunsWithoutLogon = false }, new[] { Messages.TaskRunsOnlyWhileSignedIn(task.TaskPath, reason) }, null);
    }

    public override IReadOnlyList<RenewalRegistration> Find(string? id = null) => _schtasks.Query()
        .Where(t => t.TaskPath.StartsWith(TaskSchedulerProgram.Folder + "Renewal-", StringComparison.OrdinalIgnoreCase))
        .Select(t => FromTask(t.TaskPath, t.Definition))
        .Where(r => id is null || r.Id == id)
        .ToList();

    private protected override IReadOnlyList<RenewalRegistration> RemoveEntries(string id)
    {
        var tasks = Find(id);
        foreach (var task in tasks)
        {
            _schtasks.Delete(TaskSchedulerProgram.TaskPath(task.Id));
        }

        return tasks;
    }

    private static string TaskSchedule(RenewalInterval interval) => $"{interval} ({interval.Iso8601})";

    private static RenewalRegistration FromTask(string taskPath, XElement task)
    {
        var id = taskPath[(TaskSchedulerProgram.Folder.Length + "Renewal-".Length)..];
        var exec = task.Descendants(Task + "Exec").FirstOrDefault();
        var program = (string?)exec?.Element(Task + "Command") ?? string.Empty;
        var arguments = (string?)exec?.Element(Task + "Arguments") ?? string.Empty;
        var interval = RenewalInterval.FromIso8601((string?)task.Descendants(Task + "Interval").FirstOrDefault() ?? string.Empty);
        var logon = (string?)task.Descendants(Task + "LogonType").FirstOrDefault();
        var user = (string?)task.Descendants(Task + "UserId").FirstOrDefault() ?? string.Empty;
        return new RenewalRegistration(id, (string?)exec?.Element(Task + "WorkingDirectory") ?? string.Empty, interval?.Every ?? TimeSpan.Zero,
            interval is null ? string.Empty : TaskSchedule(interval), (WindowsCommandLine.Quote(program) + " " + arguments).TrimEnd(),
            RenewalPlatform.TaskScheduler, Messages.TaskOf(taskPath, user), RunsWithoutLogon: string.Equals(logon, "S4U", StringComparison.OrdinalIgnoreCase))
        {
            RunOptions = RunOptionsOf(WindowsCommandLine.Split(arguments)),
        };
    }
}
