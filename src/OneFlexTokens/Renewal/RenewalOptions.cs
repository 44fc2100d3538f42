using System.Collections;
using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.RemoteSignIn;

namespace OneFlexTokens.Renewal;

/// <summary>What the scheduled renewal works on (Invoke-OneFlexRenewal's parameters, paths already full), with its defaults.</summary>
internal sealed record RenewalOptions
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

    /// <summary>-RemoteSignIn: a run that needs a human waits for a sign-in from a phone, with the link in the alert (<see cref="RemoteSignIn"/>).</summary>
    public bool RemoteSignInEnabled { get; init; }

    /// <summary>Where the waiting sign-in listens: host:port, [v6]:port or a port alone.</summary>
    public string ListenAddress { get; init; } = RemoteSignInSettings.DefaultListenAddress;

    /// <summary>The address the phone opens; null to derive it from <see cref="ListenAddress"/>.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>PEM (certificate and key) or PFX: the listener serves HTTPS itself.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>How long the alert's link works: an alert at 02:00 must still work at 08:30.</summary>
    public TimeSpan LinkLifetime { get; init; } = RemoteSignInSettings.ScheduledLinkLifetime;

    /// <summary>Plain http on an address other than loopback.</summary>
    public bool AllowHttp { get; init; }

    /// <summary>The listener's settings when -RemoteSignIn is given; null otherwise.</summary>
    public RemoteSignInSettings? RemoteSignIn => RemoteSignInEnabled
        ? new RemoteSignInSettings { ListenAddress = ListenAddress, PublicUrl = PublicUrl, CertificatePath = CertificatePath, LinkLifetime = LinkLifetime, AllowHttp = AllowHttp }
        : null;

    /// <summary>The manifest of the module this runs in, for the sign-in command; null to leave Import-Module out of it.</summary>
    public string? ModuleManifest { get; init; }

    /// <summary>A parameter that could not be read (a duration that is none): the run fails with it, in its log.</summary>
    public OneFlexException? ParameterError { get; init; }

    public string StateFolder => StatePath ?? StateFolderOf(BotFolder);

    /// <summary>The default state folder of <paramref name="botFolder"/>: the one place its path is made.</summary>
    public static string StateFolderOf(string botFolder) => Path.Combine(botFolder, StateFolderName);

    public string LogFile => LogPath ?? Path.Combine(StateFolder, LogFileName);

    public string RootEnvFile => Path.Combine(BotFolder, ".env");

    /// <summary>The file the bot reads (mounted at /app/config/.env): the one whose token decides whether a renewal is due.</summary>
    public string ConfigEnvFile => Path.Combine(BotFolder, "config", ".env");

    /// <summary>
    /// The options that the renewal parameters (<see cref="RenewalParameters"/>) of Invoke-OneFlexRenewal,
    /// Register-OneFlexRenewal or the scheduled script say: the one mapping for all. Names that are no renewal parameter
    /// (the script's -ModulePath, -Check) are left to their caller. Durations take seconds or a TimeSpan, as every cmdlet's;
    /// paths go through <paramref name="fullPath"/>.
    /// </summary>
    /// <param name="defaultMinimumValidity">-MinimumValidity when none is given; null for <see cref="DefaultMinimumValidity"/>.</param>
    /// <exception cref="OneFlexException">RenewalBotFolderNotFound: no -BotFolder. A duration that is none is <see cref="ParameterError"/>; ranges are <see cref="RenewalParameters.CheckRanges"/>'s.</exception>
    public static RenewalOptions FromParameters(IDictionary parameters, Func<string, string> fullPath, string? moduleManifest, TimeSpan? defaultMinimumValidity = null)
    {
        OneFlexException? parameterError = null;
        var options = new RenewalOptions
        {
            BotFolder = string.Empty,
            MinimumValidity = defaultMinimumValidity ?? DefaultMinimumValidity,
            ModuleManifest = moduleManifest,
        };
        foreach (DictionaryEntry entry in parameters)
        {
            var value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            if (RenewalParameters.Named(entry.Key.ToString() ?? string.Empty) is not { } parameter || value is null)
            {
                continue;
            }

            switch (parameter.Kind)
            {
                case RenewalParameterKind.Switch:
                    options = parameter.Set(options, value switch { SwitchParameter flag => flag.IsPresent, bool flag => flag, _ => false });
                    break;
                case RenewalParameterKind.Duration:
                    try
                    {
                        var duration = (TimeSpan)new TimeoutTransformationAttribute().Transform(null!, value);
                        options = parameter.Set(options, duration);
                    }
                    catch (ArgumentTransformationMetadataException e)
                    {
                        // Said by the run itself, in its log, as the other checks of a run's options are.
                        parameterError ??= new OneFlexException(ErrorIds.InvalidTimeout, ErrorCategory.InvalidArgument, $"-{parameter.Name}: {e.Message}", value, e);
                    }
                    break;
                default:
                    if (value.ToString() is { Length: > 0 } text)
                    {
                        options = parameter.Set(options, parameter.Kind == RenewalParameterKind.Path ? fullPath(text) : text);
                    }

                    break;
            }
        }

        return options.BotFolder.Length == 0
            ? throw new OneFlexException(ErrorIds.RenewalBotFolderNotFound, ErrorCategory.InvalidArgument, Messages.RenewalBotFolderNotFound("(none given)"))
            : options with { ParameterError = parameterError };
    }

    /// <summary>RenewalBotFolderNotFound when <paramref name="botFolder"/> (a full path) is not a folder; null when it is.</summary>
    /// <param name="target">The error's target object: the folder as the user gave it; the full path when null.</param>
    public static OneFlexException? MissingBotFolder(string botFolder, object? target = null) =>
        Directory.Exists(botFolder) ? null
            : new OneFlexException(ErrorIds.RenewalBotFolderNotFound, ErrorCategory.ObjectNotFound, Messages.RenewalBotFolderNotFound(botFolder), target ?? botFolder);

    /// <summary>The manifest beside the module's binary in <paramref name="moduleBase"/>, for the sign-in command; null when there is none.</summary>
    public static string? ManifestIn(string? moduleBase) =>
        moduleBase is not null && Path.Combine(moduleBase, "OneFlexTokens.psd1") is var manifest && File.Exists(manifest) ? manifest : null;
}
