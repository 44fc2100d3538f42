namespace OneFlexTokens.Renewal;

/// <summary>What the scheduled renewal works on (Invoke-OneFlexRenewal's parameters, paths already full), with its defaults.</summary>
public sealed record RenewalOptions
{
    public static readonly TimeSpan DefaultMinimumValidity = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromMinutes(5);
    public const string StateFolderName = ".oneflextokens";
    public const string LogFileName = "renewal.log";
    public const string DefaultBotName = "oneflex-bot";

    /// <summary>The bot's folder: .env and config/.env are there.</summary>
    public required string BotFolder { get; init; }

    /// <summary>Renew when the token in config/.env has less than this left (the interval between runs).</summary>
    public TimeSpan MinimumValidity { get; init; } = DefaultMinimumValidity;

    /// <summary>As given; null for ONEFLEX_BASE_URL, else the Worldline tenant.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The browser profile holding the SSO session; null for the per-user default.</summary>
    public string? ProfilePath { get; init; }

    /// <summary>The refresh grant only: never start a browser.</summary>
    public bool NoBrowser { get; init; }

    public string? DockerHost { get; init; }

    public string BotName { get; init; } = DefaultBotName;

    /// <summary>Restart the compose project of this folder instead of <see cref="BotName"/>.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>Null for <c>&lt;BotFolder&gt;/.oneflextokens</c>.</summary>
    public string? StatePath { get; init; }

    /// <summary>Null for <c>renewal.log</c> in the state folder.</summary>
    public string? LogPath { get; init; }

    /// <summary>Null for the webhook Register-OneFlexRenewal saved in the state folder (webhook.url), else NOTIFICATION_WEBHOOK_URL of config/.env.</summary>
    public string? WebhookUrl { get; init; }

    /// <summary>How long to wait for another run to finish.</summary>
    public TimeSpan LockTimeout { get; init; } = DefaultLockTimeout;

    /// <summary>The manifest of the module this runs in, for the sign-in command; null to leave Import-Module out of it.</summary>
    public string? ModuleManifest { get; init; }

    public string StateFolder => StatePath ?? Path.Combine(BotFolder, StateFolderName);

    public string LogFile => LogPath ?? Path.Combine(StateFolder, LogFileName);

    public string RootEnvFile => Path.Combine(BotFolder, ".env");

    /// <summary>The file the bot reads (mounted at /app/config/.env): the one whose token decides whether a renewal is due.</summary>
    public string ConfigEnvFile => Path.Combine(BotFolder, "config", ".env");
}
