using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using OneFlexTokens.Common;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// Schedules the renewal script for a bot folder on this system's scheduler: a tagged line in a crontab (Linux,
/// macOS), a task in \OneFlexTokens\ (Windows), or on Synology DSM, which rewrites its own crontab, nothing but the
/// steps to create the task by hand. <see cref="Plan"/> says exactly what <see cref="Register"/> writes.
/// </summary>
public sealed class RenewalScheduler
{
    private static readonly XNamespace Task = TaskSchedulerDefinition.Namespace;

    // The script logs each run itself; its one summary line would make cron mail every run, its errors still do.
    private const string CronOutputRedirect = " >/dev/null";

    private readonly HostPlatform _host;
    private readonly string? _user;
    private readonly CrontabProgram _crontab;
    private readonly TaskSchedulerProgram _schtasks;
    private readonly Func<DateTime> _now;

    /// <param name="user">Another user's crontab (<c>crontab -u</c>, root only) or task principal; null for the caller.</param>
    public RenewalScheduler(HostPlatform host, string? user = null)
        : this(host, user, new CrontabProgram(user), new TaskSchedulerProgram(), () => DateTime.Now)
    {
    }

    internal RenewalScheduler(HostPlatform host, string? user, CrontabProgram crontab, TaskSchedulerProgram schtasks, Func<DateTime> now)
    {
        _host = host;
        _user = user;
        _crontab = crontab;
        _schtasks = schtasks;
        _now = now;
        Platform = PlatformOf(host);
        Account = new ScheduledAccount(host, user);
    }

    public RenewalPlatform Platform { get; }

    /// <summary>The account the registered command runs as.</summary>
    public ScheduledAccount Account { get; }

    /// <summary>Windows: Task Scheduler. Synology DSM (its version file): DSM's own Task Scheduler. Other systems: cron.</summary>
    public static RenewalPlatform PlatformOf(HostPlatform host) =>
        host.IsWindows ? RenewalPlatform.TaskScheduler
        : SynologyDsm.Detect(host.ReadSystemFile) is not null ? RenewalPlatform.SynologyDsm
        : RenewalPlatform.Cron;

    /// <summary>
    /// The registration id of a bot folder: the first 12 hex digits of the SHA-256 of its full path (upper-cased on
    /// Windows, whose paths ignore case). Callers pass the real folder (<see cref="RenewalSetup.RealBotFolder"/>).
    /// </summary>
    public static string IdFor(string botFolder, HostPlatform host)
    {
        var path = botFolder.Length > 1 ? botFolder.TrimEnd(host.IsWindows ? new[] { '\\', '/' } : new[] { '/' }) : botFolder;
        if (host.IsWindows)
        {
            path = path.ToUpperInvariant();
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12].ToLowerInvariant();
    }

    private string UserName => _user ?? (_host.IsWindows && _host.Env("USERDOMAIN") is { } domain ? domain + "\\" + _host.UserName : _host.UserName);

    /// <summary>What <see cref="Register"/> would write for <paramref name="request"/>; reads and changes nothing.</summary>
    public RenewalPlan Plan(RenewalRequest request)
    {
        var id = IdFor(request.BotFolder, _host);
        return Platform switch
        {
            RenewalPlatform.TaskScheduler => PlanTask(request, id, TaskLogonType.S4U),
            RenewalPlatform.SynologyDsm => PlanDsm(request, id),
            _ => PlanCron(request, id),
        };
    }

    /// <summary>Registers the plan, replacing this bot folder's earlier registration.</summary>
    public RegistrationOutcome Register(RenewalPlan plan)
    {
        var registration = plan.Registration;
        switch (registration.Platform)
        {
            case RenewalPlatform.Cron:
                _crontab.Write(CrontabEntries.With(_crontab.Read(), registration.Id, plan.Text));
                return new RegistrationOutcome(registration, Array.Empty<string>(), null);

            case RenewalPlatform.TaskScheduler:
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
                    throw new OneFlexException(ErrorIds.TaskSchedulerFailed, System.Management.Automation.ErrorCategory.InvalidOperation,
                        Messages.TaskSchedulerFailed("/Create", fallbackReason), task.TaskPath);
                }

                return new RegistrationOutcome(registration with { RunsWithoutLogon = false }, new[] { Messages.TaskRunsOnlyWhileSignedIn(task.TaskPath, reason) }, null);

            default:
                return new RegistrationOutcome(registration, Array.Empty<string>(), plan.Text);
        }
    }

    /// <summary>
    /// Runs the plan's command the way its scheduler will, with the script's -Check added (it renews and writes
    /// nothing): for cron, the line's command after cron's % processing, as the account, through /bin/sh in cron's
    /// empty environment; on DSM the same; on Windows the task's program and arguments, directly. Its summary line
    /// is kept rather than sent to /dev/null.
    /// </summary>
    /// <exception cref="OneFlexException">ScheduledCommandNotRunnable, with the run's output (scrubbed, shortened).</exception>
    public void Check(RenewalPlan plan)
    {
        var registration = plan.Registration;
        var (words, workingDirectory) = CheckCommand(plan);
        var run = ScheduledAccount.Run(words, ScheduledAccount.CheckTimeout, workingDirectory);
        if (run is { ExitCode: 0, TimedOut: false })
        {
            return;
        }

        // The reason first: pwsh prints its usage on stdout before saying what was wrong on stderr.
        var output = run is null ? Messages.ScheduledCommandNotStarted(words[0])
            : run.TimedOut ? string.Empty
            : run.Errors + " " + Encoding.UTF8.GetString(run.Output ?? Array.Empty<byte>());
        throw new OneFlexException(ErrorIds.ScheduledCommandNotRunnable, System.Management.Automation.ErrorCategory.PermissionDenied,
            Messages.ScheduledCommandNotRunnable(registration.Where, run is { TimedOut: false } ? run.ExitCode : null, SecretScrubber.Quote(output, 600)),
            registration.BotFolder);
    }

    /// <summary>What <see cref="Check"/> runs, and where (cron starts jobs in the account's home).</summary>
    internal (IReadOnlyList<string> Words, string WorkingDirectory) CheckCommand(RenewalPlan plan)
    {
        var registration = plan.Registration;
        if (registration.Platform == RenewalPlatform.TaskScheduler)
        {
            return (new[] { plan.Task!.Command }.Concat(plan.Task.Arguments).Append("-Check").ToList(), plan.Task.WorkingDirectory);
        }

        var command = registration.Platform == RenewalPlatform.Cron
            ? CrontabEntries.UnescapeFromCron(registration.Command[..^CronOutputRedirect.Length] + " -Check")
            : registration.Command + " -Check";
        return (Account.CronShell(command), Account.User is null && Directory.Exists(_host.HomeDirectory) ? _host.HomeDirectory : "/");
    }

    /// <summary>Removes the registration <paramref name="id"/> and nothing else.</summary>
    public RenewalRemoval Unregister(string id)
    {
        switch (Platform)
        {
            case RenewalPlatform.Cron:
                var crontab = _crontab.Read();
                var found = FindInCrontab(crontab, id);
                if (CrontabEntries.Without(crontab, id) is { } without)
                {
                    _crontab.Write(without);
                }

                return new RenewalRemoval(found, null);

            case RenewalPlatform.TaskScheduler:
                var tasks = Find(id);
                foreach (var task in tasks)
                {
                    _schtasks.Delete(TaskSchedulerProgram.TaskPath(task.Id));
                }

                return new RenewalRemoval(tasks, null);

            default:
                return new RenewalRemoval(Array.Empty<RenewalRegistration>(), SynologyDsm.RemovalSteps(TaskName(id)));
        }
    }

    /// <summary>The renewals registered here (<paramref name="id"/> null for all). On DSM none can be read back: an empty list.</summary>
    public IReadOnlyList<RenewalRegistration> Find(string? id = null) => Platform switch
    {
        RenewalPlatform.Cron => FindInCrontab(_crontab.Read(), id),
        RenewalPlatform.TaskScheduler => _schtasks.Query()
            .Where(t => t.TaskPath.StartsWith(TaskSchedulerProgram.Folder + "Renewal-", StringComparison.OrdinalIgnoreCase))
            .Select(t => FromTask(t.TaskPath, t.Definition))
            .Where(r => id is null || r.Id == id)
            .ToList(),
        _ => Array.Empty<RenewalRegistration>(),
    };

    /// <summary>The words the scheduler runs: pwsh, its switches, the script and the script's parameters.</summary>
    internal IReadOnlyList<string> CommandWords(RenewalRequest request, bool dockerHostAsParameter)
    {
        var words = new List<string> { request.PwshPath };
        words.AddRange(request.PwshArguments);
        words.AddRange(new[] { "-NoProfile", "-NonInteractive" });
        if (_host.IsWindows)
        {
            words.AddRange(new[] { "-WindowStyle", "Hidden" });
        }

        words.AddRange(new[] { "-File", request.ScriptPath, "-BotFolder", request.BotFolder });
        if (request.Interval.Every != RenewalInterval.Default)
        {
            // Renew when the token would not outlast the next run.
            words.AddRange(new[] { "-MinimumValidity", request.Interval.Every.TotalSeconds.ToString(CultureInfo.InvariantCulture) });
        }

        Add("-ProfilePath", request.ProfilePath);
        Add("-ProjectDirectory", request.ProjectDirectory);
        Add("-BotName", request.BotName);
        Add("-BaseUrl", request.BaseUrl);
        if (dockerHostAsParameter)
        {
            Add("-DockerHost", request.DockerHost);
        }

        if (request.NoBrowser)
        {
            words.Add("-NoBrowser");
        }

        return words;

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                words.Add(name);
                words.Add(value);
            }
        }
    }

    /// <summary>The sh command cron and DSM run: what cron's environment lacks, then pwsh and the script.</summary>
    internal string ShellCommand(RenewalRequest request)
    {
        var path = new List<string> { Path.GetDirectoryName(request.PwshPath)! };
        if (request.BrowserDirectory is { } browser)
        {
            path.Add(browser);
        }

        path.AddRange(new[] { "/usr/local/bin", "/usr/bin", "/bin" });
        var assignments = new List<string>
        {
            PosixShell.Assignment("PATH", string.Join(':', path.Where(p => p.Length > 0 && !p.Contains(':')).Distinct(StringComparer.Ordinal))),
            PosixShell.Assignment("HOME", request.HomeDirectory ?? _host.HomeDirectory),
        };
        if (!string.IsNullOrEmpty(request.DockerHost))
        {
            assignments.Add(PosixShell.Assignment("DOCKER_HOST", request.DockerHost));
        }

        if (!string.IsNullOrEmpty(request.DotnetRoot))
        {
            assignments.Add(PosixShell.Assignment("DOTNET_ROOT", request.DotnetRoot));
        }

        return string.Join(' ', assignments) + " " + PosixShell.Join(CommandWords(request, dockerHostAsParameter: false));
    }

    private RenewalPlan PlanCron(RenewalRequest request, string id)
    {
        var command = CrontabEntries.EscapeForCron(ShellCommand(request)) + CronOutputRedirect;
        var line = request.Interval.CronFields + " " + command + " " + CrontabEntries.Tag(id);
        var registration = new RenewalRegistration(id, request.BotFolder, request.Interval.Every, request.Interval.CronFields, command,
            RenewalPlatform.Cron, Messages.CrontabOf(_user ?? _host.UserName), RunsWithoutLogon: true)
        {
            RunOptions = RunOptionsOf(CommandWords(request, dockerHostAsParameter: false)),
        };
        return new RenewalPlan(registration, line);
    }

    private RenewalPlan PlanTask(RenewalRequest request, string id, TaskLogonType logonType)
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
            logonType,
            new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Unspecified));
        var registration = new RenewalRegistration(id, request.BotFolder, request.Interval.Every, TaskSchedule(request.Interval),
            WindowsCommandLine.Join(words), RenewalPlatform.TaskScheduler, Messages.TaskOf(task.TaskPath, task.UserId),
            RunsWithoutLogon: logonType == TaskLogonType.S4U)
        {
            RunOptions = RunOptionsOf(words),
        };
        return new RenewalPlan(registration, TaskSchedulerDefinition.ToXml(task)) { Task = task };
    }

    private RenewalPlan PlanDsm(RenewalRequest request, string id)
    {
        var command = ShellCommand(request);
        var user = _user ?? _host.UserName;
        var registration = new RenewalRegistration(id, request.BotFolder, request.Interval.Every, request.Interval.ToString(), command,
            RenewalPlatform.SynologyDsm, Messages.DsmTaskOf(TaskName(id), user), RunsWithoutLogon: true)
        {
            RunOptions = RunOptionsOf(CommandWords(request, dockerHostAsParameter: false)),
        };
        return new RenewalPlan(registration, SynologyDsm.Steps(TaskName(id), user, request.Interval, command));
    }

    private static string TaskName(string id) => "OneFlex token renewal " + id;

    private static string TaskSchedule(RenewalInterval interval) => $"{interval} ({interval.Iso8601})";

    private IReadOnlyList<RenewalRegistration> FindInCrontab(byte[] crontab, string? id) =>
        CrontabEntries.Find(crontab, id).Select(entry =>
        {
            var words = PosixShell.Split(CrontabEntries.UnescapeFromCron(entry.Command, out var endsEarly));
            var at = words is null ? -1 : words.ToList().IndexOf("-BotFolder");
            var botFolder = !endsEarly && at >= 0 && at + 1 < words!.Count ? words[at + 1] : string.Empty;
            var where = Messages.CrontabOf(_user ?? _host.UserName);
            var unreadable = endsEarly ? Messages.RenewalLineEndsAtPercent
                : words is null ? Messages.RenewalLineNotOurs
                : botFolder.Length == 0 ? Messages.RenewalLineNoBotFolder
                : null;
            return new RenewalRegistration(entry.Id, botFolder, RenewalInterval.FromCronFields(entry.Schedule)?.Every ?? TimeSpan.Zero,
                entry.Schedule, entry.Command, RenewalPlatform.Cron, where, RunsWithoutLogon: true)
            {
                ReadBackProblem = unreadable is null ? null : Messages.RenewalLineUnreadable(entry.Id, where, unreadable),
                RunOptions = unreadable is null ? RunOptionsOf(words) : null,
            };
        }).ToList();

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

    /// <summary>
    /// The run's options that a registered command's words give the script (after <c>-File</c> and its path), read by
    /// <see cref="RenewalOptions.FromParameters"/>, the one mapping, with the manifest of the module the script ships
    /// in; null when the words are not a command this module wrote.
    /// </summary>
    internal static RenewalOptions? RunOptionsOf(IReadOnlyList<string>? words)
    {
        var file = words is null ? -1 : words.ToList().IndexOf("-File");
        if (file < 0 || file + 1 >= words!.Count)
        {
            return null;
        }

        var parameters = new Hashtable();
        for (var i = file + 2; i < words.Count && words[i].StartsWith('-'); i++)
        {
            var name = words[i][1..];
            if (name == nameof(RenewalOptions.NoBrowser))
            {
                parameters[name] = true;
            }
            else if (i + 1 < words.Count)
            {
                parameters[name] = words[++i];
            }
            else
            {
                return null;
            }
        }

        var moduleBase = Path.GetDirectoryName(Path.GetDirectoryName(words[file + 1]));
        try
        {
            return RenewalOptions.FromParameters(parameters, path => path, RenewalOptions.ManifestIn(moduleBase));
        }
        catch (OneFlexException)
        {
            return null;
        }
    }
}
