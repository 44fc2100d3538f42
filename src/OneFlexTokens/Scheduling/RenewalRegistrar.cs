using System.Collections;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// What the registrars share: the registration id, the command the scheduler runs, its proof (-Check), and the state a
/// registration keeps beside the runs' own (the webhook file and the registration time, through <see cref="RenewalState"/>
/// and its trust rule). Each platform's class writes, reads and removes its own entries.
/// </summary>
internal abstract class RenewalRegistrar : IRenewalRegistrar
{
    private protected RenewalRegistrar(HostPlatform host, string? user)
    {
        Host = host;
        User = user;
        Account = new ScheduledAccount(host, user);
    }

    private protected HostPlatform Host { get; }

    /// <summary>Another user's crontab or task principal; null for the caller.</summary>
    private protected string? User { get; }

    public abstract RenewalPlatform Platform { get; }

    public ScheduledAccount Account { get; }

    public virtual string? FindNote => null;

    /// <summary>The registrar of this system's scheduler (<see cref="PlatformOf"/>).</summary>
    /// <param name="user">Another user's crontab (<c>crontab -u</c>, root only) or task principal; null for the caller.</param>
    public static IRenewalRegistrar For(HostPlatform host, string? user = null) =>
        For(host, user, new CrontabProgram(user), new TaskSchedulerProgram(), () => DateTime.Now);

    internal static RenewalRegistrar For(HostPlatform host, string? user, CrontabProgram crontab, TaskSchedulerProgram schtasks, Func<DateTime> now) =>
        PlatformOf(host) switch
        {
            RenewalPlatform.TaskScheduler => new TaskSchedulerRegistrar(host, user, schtasks, now),
            RenewalPlatform.SynologyDsm => new SynologyDsmRegistrar(host, user),
            _ => new CronRegistrar(host, user, crontab),
        };

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

    public RenewalPlan Plan(RenewalRequest request) => Plan(request, IdFor(request.BotFolder, Host));

    private protected abstract RenewalPlan Plan(RenewalRequest request, string id);

    /// <summary>
    /// Runs the plan's command the way its scheduler will, with the script's -Check added (<see cref="CheckCommand"/>).
    /// Its summary line is kept rather than sent to /dev/null.
    /// </summary>
    public void Check(RenewalPlan plan)
    {
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
        throw new OneFlexException(ErrorIds.ScheduledCommandNotRunnable, ErrorCategory.PermissionDenied,
            Messages.ScheduledCommandNotRunnable(plan.Registration.Where, run is { TimedOut: false } ? run.ExitCode : null, SecretScrubber.Quote(output, 600)),
            plan.Registration.BotFolder);
    }

    /// <summary>What <see cref="Check"/> runs, and where.</summary>
    internal abstract (IReadOnlyList<string> Words, string WorkingDirectory) CheckCommand(RenewalPlan plan);

    public RegistrationOutcome Register(RenewalPlan plan, string? webhookUrl = null, IReadOnlyList<RenewalRegistration>? superseded = null)
    {
        var outcome = webhookUrl is null ? WriteEntry(plan) : WriteEntrySavingWebhook(plan, webhookUrl);
        foreach (var old in superseded ?? Array.Empty<RenewalRegistration>())
        {
            RemoveEntries(old.Id);
        }

        // Kept only where nothing was left to the user (DSM's steps), for the caller's own runs (another account's state
        // folder is that account's: root creating it would lock its runs out) and in a bot folder that exists (never created here).
        if (outcome.Instructions is not null || User is not null || !Directory.Exists(plan.Registration.BotFolder))
        {
            return outcome;
        }

        try
        {
            StateOf(plan).RegisteredAt = DateTimeOffset.Now;
            return outcome;
        }
        catch (OneFlexException failure)
        {
            // Registered all the same; only the "runs do not start" hint of Get-OneFlexRenewal is lost.
            return outcome with { Warnings = outcome.Warnings.Prepend(failure.Message).ToList() };
        }
    }

    /// <summary>Writes the plan's entry, replacing this bot folder's; or, where nothing can be written here, returns the steps.</summary>
    private protected abstract RegistrationOutcome WriteEntry(RenewalPlan plan);

    /// <summary>
    /// The webhook is saved just before the entry is written; when writing the entry fails the webhook file's earlier
    /// content is put back (or the file removed, with the state folder if this created it).
    /// </summary>
    private RegistrationOutcome WriteEntrySavingWebhook(RenewalPlan plan, string webhookUrl)
    {
        var state = StateOf(plan);
        var stateFolderExisted = Directory.Exists(state.Folder);
        var previous = stateFolderExisted ? state.Webhook : null;
        state.SaveWebhook(webhookUrl);
        try
        {
            return WriteEntry(plan);
        }
        catch
        {
            state.SaveWebhook(previous);
            if (!stateFolderExisted && !Directory.EnumerateFileSystemEntries(state.Folder).Any())
            {
                Directory.Delete(state.Folder);
            }

            throw;
        }
    }

    public abstract IReadOnlyList<RenewalRegistration> Find(string? id = null);

    public virtual string? RemovalSteps(string id) => null;

    public RenewalRemoval Unregister(string id, string? botFolder = null)
    {
        if (RemovalSteps(id) is { } steps)
        {
            return new RenewalRemoval(Array.Empty<RenewalRegistration>(), steps);
        }

        var removed = RemoveEntries(id);
        // Each removed line's own state folder (its -StatePath), else that of the folder given.
        var folders = removed.Where(r => r.BotFolder.Length > 0 || botFolder is not null)
            .Select(r => (BotFolder: botFolder ?? r.BotFolder, r.RunOptions?.StatePath)).Distinct();
        var warnings = folders.Select(f => RemoveRegistrationState(f.BotFolder, f.StatePath)).OfType<string>().ToList();
        return new RenewalRemoval(removed, null) { Warnings = warnings };
    }

    /// <summary>Removes the entries <paramref name="id"/> of the scheduler and nothing else; returns them.</summary>
    private protected abstract IReadOnlyList<RenewalRegistration> RemoveEntries(string id);

    /// <summary>Where the runs of <paramref name="botFolder"/> find the webhook saved with the registration.</summary>
    public static string WebhookFile(string botFolder) => StateOf(botFolder).WebhookPath;

    /// <summary>Saves the webhook, owner-only, in the bot folder's state folder, where the runs read it when they get no -WebhookUrl.</summary>
    public static void SaveWebhook(string botFolder, string webhookUrl) => StateOf(botFolder).SaveWebhook(webhookUrl);

    /// <summary>Records when the renewal of <paramref name="botFolder"/> was registered: Get-OneFlexRenewal tells from it that its runs do not start.</summary>
    public static void SaveRegisteredAt(string botFolder, DateTimeOffset at) => StateOf(botFolder).RegisteredAt = at;

    /// <summary>
    /// Removes what a registration kept for <paramref name="botFolder"/> (its saved webhook and registration time),
    /// once its entry is gone. Never fails, so an unregistration is never "removed, then failed": a state folder
    /// of another account (StateNotTrusted) or one this user may not change (RenewalStateNotWritable) is left alone, and
    /// the returned warning says so; null when nothing was left.
    /// </summary>
    /// <param name="statePath">The registration's -StatePath; null for the bot folder's default state folder.</param>
    public static string? RemoveRegistrationState(string botFolder, string? statePath = null)
    {
        var state = new RenewalState(statePath ?? RenewalOptions.StateFolderOf(botFolder));
        try
        {
            if (PlatformFiles.Inspect(state.Folder).Kind != FileKind.Missing)
            {
                state.SaveWebhook(null);
                state.RegisteredAt = null;
            }

            return null;
        }
        catch (Exception e) when (e is OneFlexException or IOException or UnauthorizedAccessException)
        {
            var reason = e is OneFlexException failure ? $"{failure.ErrorId}: {failure.Message}" : e.Message;
            return Messages.RenewalWebhookLeftAlone(state.WebhookPath, reason);
        }
    }

    private static RenewalState StateOf(string botFolder) => new(RenewalOptions.StateFolderOf(botFolder));

    /// <summary>The state folder the plan's runs use (its -StatePath, else the bot folder's): where they read the webhook.</summary>
    private static RenewalState StateOf(RenewalPlan plan) =>
        new(plan.Registration.RunOptions?.StateFolder ?? RenewalOptions.StateFolderOf(plan.Registration.BotFolder));

    /// <summary>Where the runs of <paramref name="plan"/> find the webhook saved with the registration.</summary>
    public static string WebhookFile(RenewalPlan plan) => StateOf(plan).WebhookPath;

    /// <summary>The words the scheduler runs: pwsh, its switches, the script and the script's parameters.</summary>
    internal IReadOnlyList<string> CommandWords(RenewalRequest request, bool dockerHostAsParameter)
    {
        var words = new List<string> { request.PwshPath };
        words.AddRange(request.PwshArguments);
        words.AddRange(new[] { "-NoProfile", "-NonInteractive" });
        if (Host.IsWindows)
        {
            words.AddRange(new[] { "-WindowStyle", "Hidden" });
        }

        words.AddRange(new[] { "-File", request.ScriptPath });
        words.AddRange(RenewalParameters.LineWords(request.Run with { BotFolder = request.BotFolder }, dockerHostAsParameter));
        return words;
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
            PosixShell.Assignment("HOME", request.HomeDirectory ?? Host.HomeDirectory),
        };
        if (!string.IsNullOrEmpty(request.Run.DockerHost))
        {
            assignments.Add(PosixShell.Assignment("DOCKER_HOST", request.Run.DockerHost));
        }

        if (!string.IsNullOrEmpty(request.DotnetRoot))
        {
            assignments.Add(PosixShell.Assignment("DOTNET_ROOT", request.DotnetRoot));
        }

        return string.Join(' ', assignments) + " " + PosixShell.Join(CommandWords(request, dockerHostAsParameter: false));
    }

    /// <summary>Cron and DSM run the command through /bin/sh in cron's empty environment, as the account, from its home (or /).</summary>
    private protected (IReadOnlyList<string> Words, string WorkingDirectory) ShellCheckCommand(string command) =>
        (Account.CronShell(command), Account.User is null && Directory.Exists(Host.HomeDirectory) ? Host.HomeDirectory : "/");

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
            // Only the schema's names: any other is not a line this module wrote.
            if (RenewalParameters.Named(words[i][1..]) is not { } parameter)
            {
                return null;
            }

            if (parameter.Kind == RenewalParameterKind.Switch)
            {
                parameters[parameter.Name] = true;
            }
            else if (i + 1 < words.Count)
            {
                parameters[parameter.Name] = words[++i];
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
