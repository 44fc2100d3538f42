using System.Management.Automation;
using System.Runtime.InteropServices;
using OneFlexTokens.Common;
using OneFlexTokens.Docker;
using OneFlexTokens.Notifications;
using OneFlexTokens.Renewal;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Scheduling;

/// <summary>What Register-OneFlexRenewal was given (paths already full).</summary>
public sealed record RenewalSetupOptions
{
    public required string BotFolder { get; init; }

    public TimeSpan Every { get; init; } = RenewalInterval.Default;

    /// <summary>The module's folder: the script is its Scripts/Update-OneFlexBot.ps1.</summary>
    public required string ModuleBase { get; init; }

    /// <summary>$PSHOME of the registering session: its pwsh runs the renewal.</summary>
    public required string PSHome { get; init; }

    public string? ProfilePath { get; init; }

    public string? ProjectDirectory { get; init; }

    public string? BotName { get; init; }

    public string? BaseUrl { get; init; }

    public string? DockerHost { get; init; }

    public string? WebhookUrl { get; init; }

    public bool NoBrowser { get; init; }
}

/// <summary>
/// Turns Register-OneFlexRenewal's parameters into a <see cref="RenewalRequest"/>: checks what a run would refuse later
/// (the bot folder, the shipped script, the interval, the base URL, the webhook and the Docker host), finds the browser a run would use
/// (its folder goes on cron's PATH), how the account starts pwsh and whether it needs DOTNET_ROOT; refuses what a scheduler
/// line cannot carry (<see cref="ScheduledValues"/>).
/// </summary>
public static class RenewalSetup
{
    public static string ScriptPath(string moduleBase) => Path.Combine(moduleBase, "Scripts", "Update-OneFlexBot.ps1");

    /// <summary>Register-OneFlexRenewal's text parameters by name, for <see cref="ScheduledValues.Check"/>.</summary>
    public static IEnumerable<(string Parameter, string? Value)> ScheduledValuesOf(RenewalSetupOptions options) => new[]
    {
        ("BotFolder", (string?)options.BotFolder),
        ("ProfilePath", options.ProfilePath),
        ("ProjectDirectory", options.ProjectDirectory),
        ("BotName", options.BotName),
        ("BaseUrl", options.BaseUrl),
        ("DockerHost", options.DockerHost),
        ("WebhookUrl", options.WebhookUrl),
    };

    /// <param name="account">The account the renewal runs as, which must be able to start its pwsh; null for the caller.</param>
    public static RenewalRequest Request(RenewalSetupOptions options, HostPlatform host, ScheduledAccount? account = null)
    {
        // Full paths can hold what the given ones did not (the current folder's name): checked again here.
        ScheduledValues.Check(ScheduledValuesOf(options));
        var interval = RenewalInterval.From(options.Every);
        if (RenewalOptions.MissingBotFolder(options.BotFolder) is { } missing)
        {
            throw missing;
        }

        var script = ScriptPath(options.ModuleBase);
        if (!File.Exists(script))
        {
            throw new OneFlexException(ErrorIds.RenewalScriptNotFound, ErrorCategory.ObjectNotFound, Messages.RenewalScriptNotFound(script), script);
        }

        if (options.BaseUrl is not null)
        {
            ScheduledValues.CheckBaseUrl(options.BaseUrl);
            OneFlexBaseUrl.Validate(options.BaseUrl);
        }

        if (options.WebhookUrl is not null)
        {
            WebhookAddress.Parse(options.WebhookUrl);
        }

        if (options.DockerHost is not null)
        {
            // Also keeps credentials (tcp://user:password@host) out of the crontab line and the task.
            DockerEndpointResolver.Parse(host, options.DockerHost);
        }

        var launcher = PwshInstall.LauncherFor(options.PSHome, RuntimeEnvironment.GetRuntimeDirectory(), host, (account ?? new ScheduledAccount(host, null)).CanExecute);
        return new RenewalRequest
        {
            BotFolder = RealBotFolder(options.BotFolder),
            Interval = interval,
            PwshPath = launcher.Program,
            PwshArguments = launcher.Arguments,
            ScriptPath = script,
            ProfilePath = options.ProfilePath,
            ProjectDirectory = options.ProjectDirectory,
            BotName = options.BotName,
            BaseUrl = options.BaseUrl,
            DockerHost = options.DockerHost,
            NoBrowser = options.NoBrowser,
            BrowserDirectory = options.NoBrowser ? null : BrowserDirectory(host),
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
