using System.Collections;
using OneFlex.Simulator;
using OneFlexTokens.Tests.Notifications;
using Xunit;

namespace OneFlexTokens.Tests.Scheduled;

/// <summary>
/// What a test of the shipped scheduled script starts from: a bot folder in a temporary root (.env and config/.env with
/// an expired token and the webhook), a browser profile, state and log beside it, the simulator and a webhook receiver.
/// </summary>
public abstract class ScheduledBotTests : IAsyncLifetime
{
    private readonly string _rootPrefix;
    private readonly SimulatorOptions _simulatorOptions;

    protected ScheduledBotTests(string rootPrefix, SimulatorOptions simulatorOptions)
    {
        _rootPrefix = rootPrefix;
        _simulatorOptions = simulatorOptions;
    }

    protected string Root { get; private set; } = null!;

    protected OneFlexSimulator Simulator { get; private set; } = null!;

    protected WebhookReceiver Webhook { get; private set; } = null!;

    protected string BotFolder => Path.Combine(Root, "oneflex");

    protected string ConfigEnv => Path.Combine(BotFolder, "config", ".env");

    protected string RootEnv => Path.Combine(BotFolder, ".env");

    protected string ProfilePath => Path.Combine(Root, "browser-profile");

    protected string StatePath => Path.Combine(Root, "state");

    protected string LogPath => Path.Combine(Root, "logs", "renewal.log");

    public async Task InitializeAsync()
    {
        Root = Directory.CreateTempSubdirectory(_rootPrefix).FullName;
        Simulator = await OneFlexSimulator.StartAsync(_simulatorOptions);
        Webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Webhook.DisposeAsync();
        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The script's parameters for this bot folder, its profile, state and log, and the bot <paramref name="bot"/> on <paramref name="dockerHost"/>.</summary>
    protected Hashtable ScriptParameters(string bot, string dockerHost) => new()
    {
        ["BotFolder"] = BotFolder,
        ["BaseUrl"] = Simulator.AppUrl.ToString(),
        ["ProfilePath"] = ProfilePath,
        ["DockerHost"] = dockerHost,
        ["BotName"] = bot,
        ["StatePath"] = StatePath,
        ["LogPath"] = LogPath,
        ["MinimumValidity"] = TimeSpan.FromMinutes(10),
    };

    /// <summary>Both .env files with <paramref name="refreshToken"/>, an access token (by default one that expired 1 h 45 min ago) and the webhook.</summary>
    /// <returns>The access token written.</returns>
    protected string WriteBotFolder(string refreshToken, string? accessToken = null)
    {
        var issued = DateTimeOffset.UtcNow.AddHours(-2);
        accessToken ??= Simulator.CreateAccessToken(issued, issued.AddMinutes(15));
        Directory.CreateDirectory(Path.Combine(BotFolder, "config"));
        var env = $"""
            # OneFlex bot
            ONEFLEX_TOKEN={accessToken}
            ONEFLEX_REFRESH_TOKEN={refreshToken}
            DESK_IDS=3-014,3-015
            NOTIFICATION_WEBHOOK_URL={Webhook.Url}

            """;
        File.WriteAllText(RootEnv, env);
        File.WriteAllText(ConfigEnv, env);
        return accessToken;
    }
}
