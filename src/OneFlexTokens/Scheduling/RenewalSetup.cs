using System.Management.Automation;
using System.Runtime.InteropServices;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Scheduling;

/// <summary>What Register-OneFlexRenewal was given (paths already full).</summary>
internal sealed record RenewalSetupOptions
{
    /// <summary>The run's options (the renewal parameters Register-OneFlexRenewal was given): what the line carries.</summary>
    public required RenewalOptions Run { get; init; }

    public TimeSpan Every { get; init; } = RenewalInterval.Default;

    /// <summary>The module's folder: the script is its Scripts/Update-OneFlexBot.ps1.</summary>
    public required string ModuleBase { get; init; }

    /// <summary>$PSHOME of the registering session: its pwsh runs the renewal.</summary>
    public required string PSHome { get; init; }
}

/// <summary>
/// Turns Register-OneFlexRenewal's parameters into a <see cref="RenewalRequest"/>: checks what a run would refuse later
/// (the bot folder, the shipped script, the interval, the remote sign-in's parameters, the base URL, the webhook and the Docker host), finds the browser a run would use
/// (its folder goes on cron's PATH), how the account starts pwsh and whether it needs DOTNET_ROOT; refuses what a scheduler
/// line cannot carry (<see cref="ScheduledValues"/>).
/// </summary>
internal static class RenewalSetup
{
    public static string ScriptPath(string moduleBase) => Path.Combine(moduleBase, "Scripts", "Update-OneFlexBot.ps1");

    /// <param name="account">The account the renewal runs as, which must be able to start its pwsh; null for the caller.</param>
    public static RenewalRequest Request(RenewalSetupOptions options, HostPlatform host, ScheduledAccount? account = null)
    {
        // Full paths can hold what the given ones did not (the current folder's name): checked again here.
        ScheduledValues.Check(RenewalParameters.TextValuesOf(options.Run));
        var interval = RenewalInterval.From(options.Every);
        var run = options.Run;
        if (run.ParameterError is { } invalid)
        {
            throw invalid;
        }

        RenewalParameters.CheckRanges(run);

        // Also keeps user info of -PublicUrl out of the crontab line and the task, as DockerHost's below.
        RenewalParameters.CheckRemoteSignIn(run);
        if (RenewalOptions.MissingBotFolder(run.BotFolder) is { } missing)
        {
            throw missing;
        }

        var script = ScriptPath(options.ModuleBase);
        if (!File.Exists(script))
        {
            throw new OneFlexException(ErrorIds.RenewalScriptNotFound, ErrorCategory.ObjectNotFound, Messages.RenewalScriptNotFound(script), script);
        }

        if (run.BaseUrl is not null)
        {
            ScheduledValues.CheckBaseUrl(run.BaseUrl);
            OneFlexBaseUrl.Validate(run.BaseUrl);
        }

        if (run.WebhookUrl is not null)
        {
            WebhookAddress.Parse(run.WebhookUrl);
        }

        if (run.DockerHost is not null)
        {
            // Also keeps credentials (tcp://user:password@host) out of the crontab line and the task.
            DockerEndpointResolver.Parse(host, run.DockerHost);
        }

        var launcher = PwshInstall.LauncherFor(options.PSHome, RuntimeEnvironment.GetRuntimeDirectory(), host, (account ?? new ScheduledAccount(host, null)).CanExecute);
        return new RenewalRequest
        {
            BotFolder = RealBotFolder(run.BotFolder),
            Interval = interval,
            PwshPath = launcher.Program,
            PwshArguments = launcher.Arguments,
            ScriptPath = script,
            Run = run,
            BrowserDirectory = run.NoBrowser ? null : BrowserDirectory(host),
            DotnetRoot = launcher.DotnetRoot,
        };
    }

    /// <summary>The bot folder with its links resolved: one registration per real folder, whichever link it is reached through.</summary>
    public static string RealBotFolder(string botFolder) => FileSystemPath.WithLinksResolved(botFolder);

    /// <summary>
    /// The registration ids that can stand for <paramref name="botFolder"/>: that of its real folder (what Register
    /// writes), then, when it differs, that of the path as given (what versions before links were resolved wrote).
    /// </summary>
    public static IReadOnlyList<string> IdsOf(string botFolder, HostPlatform host) =>
        new[] { RenewalRegistrar.IdFor(RealBotFolder(botFolder), host), RenewalRegistrar.IdFor(botFolder, host) }.Distinct().ToList();

    /// <summary>
    /// The registrations of <paramref name="botFolder"/> (as given, links not resolved) under another Id than
    /// <paramref name="registration"/>'s: lines an earlier version registered under a link's own path, which
    /// the registrar's Register replaces too. Reads the scheduler; none on DSM.
    /// </summary>
    public static IReadOnlyList<RenewalRegistration> Superseded(IRenewalRegistrar registrar, string botFolder, RenewalRegistration registration, HostPlatform host) =>
        IdsOf(botFolder, host).Where(id => id != registration.Id).SelectMany(id => registrar.Find(id)).ToList();

    private static string? BrowserDirectory(HostPlatform host)
    {
        try
        {
            return Path.GetDirectoryName(new BrowserLocator(host).Locate().ExecutablePath);
        }
        catch (OneFlexException)
        {
            // No browser here: the runs use the refresh grant and report BrowserNotFound when they need more.
            return null;
        }
    }
}
