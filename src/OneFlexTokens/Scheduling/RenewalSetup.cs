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
/// (its folder goes on cron's PATH), how the account starts pwsh and whether it needs DOTNET_ROOT. Saves the webhook where the runs read it.
/// </summary>
public static class RenewalSetup
{
    public static string ScriptPath(string moduleBase) => Path.Combine(moduleBase, "Scripts", "Update-OneFlexBot.ps1");

    /// <param name="account">The account the renewal runs as, which must be able to start its pwsh; null for the caller.</param>
    public static RenewalRequest Request(RenewalSetupOptions options, HostPlatform host, ScheduledAccount? account = null)
    {
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
            BotFolder = options.BotFolder,
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

    /// <summary>Where the runs of <paramref name="botFolder"/> find the webhook saved by <see cref="SaveWebhook"/>.</summary>
    public static string WebhookFile(string botFolder) => new RenewalState(StateFolder(botFolder)).WebhookPath;

    /// <summary>Saves the webhook, owner-only, in the bot folder's state folder, where the runs read it when they get no -WebhookUrl.</summary>
    public static void SaveWebhook(string botFolder, string webhookUrl) => new RenewalState(StateFolder(botFolder)).SaveWebhook(webhookUrl);

    /// <summary>Removes the saved webhook of <paramref name="botFolder"/>, if any.</summary>
    public static void RemoveWebhook(string botFolder)
    {
        if (Directory.Exists(StateFolder(botFolder)))
        {
            new RenewalState(StateFolder(botFolder)).SaveWebhook(null);
        }
    }

    /// <summary>Records when the renewal of <paramref name="botFolder"/> was registered: Get-OneFlexRenewal tells from it that its runs do not start.</summary>
    public static void SaveRegisteredAt(string botFolder, DateTimeOffset at) => new RenewalState(StateFolder(botFolder)).RegisteredAt = at;

    /// <summary>Removes what <see cref="SaveRegisteredAt"/> recorded, if anything.</summary>
    public static void RemoveRegisteredAt(string botFolder)
    {
        if (Directory.Exists(StateFolder(botFolder)))
        {
            new RenewalState(StateFolder(botFolder)).RegisteredAt = null;
        }
    }

    private static string StateFolder(string botFolder) => Path.Combine(botFolder, RenewalOptions.StateFolderName);

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
