using System.Globalization;
using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Renewal;

/// <summary>How a renewal parameter is given and carried on a registered line.</summary>
internal enum RenewalParameterKind
{
    /// <summary>A file system path: made full where it is read, checked by the trust rule at run time.</summary>
    Path,

    Text,

    /// <summary>A switch: its name alone on the line.</summary>
    Switch,

    /// <summary>Seconds or a TimeSpan, range-checked once (<see cref="RenewalParameter.Range"/>).</summary>
    Duration,
}

/// <summary>One parameter of a renewal: its name, kind, range, and how it reads and sets its <see cref="RenewalOptions"/> property.</summary>
internal sealed class RenewalParameter
{
    internal RenewalParameter(string name, RenewalParameterKind kind, Func<RenewalOptions, object?> get, Func<RenewalOptions, object?, RenewalOptions> set)
    {
        Name = name;
        Kind = kind;
        Get = get;
        Set = set;
    }

    public string Name { get; }

    public RenewalParameterKind Kind { get; }

    /// <summary>The allowed durations (InvalidTimeout outside); null for other kinds.</summary>
    public TimeoutRange? Range { get; init; }

    /// <summary>
    /// False for what a registered line never carries: the webhook, whose path is a secret (Register-OneFlexRenewal
    /// saves it in the state folder, where the runs read it).
    /// </summary>
    public bool OnRegisteredLine { get; init; } = true;

    /// <summary>The typed value: string (or null), bool, or TimeSpan.</summary>
    internal Func<RenewalOptions, object?> Get { get; }

    internal Func<RenewalOptions, object?, RenewalOptions> Set { get; }

    /// <summary>The value as one word of a command line (durations in seconds, or as a TimeSpan when not whole seconds).</summary>
    internal string? Word(RenewalOptions options) => Get(options) switch
    {
        string text => text,
        TimeSpan duration when duration.Ticks % TimeSpan.TicksPerSecond == 0 => ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        TimeSpan duration => duration.ToString("c", CultureInfo.InvariantCulture),
        _ => null,
    };
}

/// <summary>
/// The one declaration of a renewal's parameters. Invoke-OneFlexRenewal, Register-OneFlexRenewal and the scheduled
/// script take exactly these (a test holds them to it); <see cref="RenewalOptions.FromParameters"/> reads them, the
/// registered command line is written (<see cref="LineWords"/>) and read back with them. Defaults are those of
/// <see cref="RenewalOptions"/>.
/// </summary>
internal static class RenewalParameters
{
    public static RenewalParameter BotFolder { get; } = new(nameof(RenewalOptions.BotFolder), RenewalParameterKind.Path, o => o.BotFolder, (o, v) => o with { BotFolder = (string)v! });

    public static RenewalParameter MinimumValidity { get; } = new(nameof(RenewalOptions.MinimumValidity), RenewalParameterKind.Duration, o => o.MinimumValidity, (o, v) => o with { MinimumValidity = (TimeSpan)v! })
    {
        Range = TokenCheck.MinimumValidityRange,
    };

    public static RenewalParameter BaseUrl { get; } = new(nameof(RenewalOptions.BaseUrl), RenewalParameterKind.Text, o => o.BaseUrl, (o, v) => o with { BaseUrl = (string?)v });

    public static RenewalParameter ProfilePath { get; } = new(nameof(RenewalOptions.ProfilePath), RenewalParameterKind.Path, o => o.ProfilePath, (o, v) => o with { ProfilePath = (string?)v });

    public static RenewalParameter NoBrowser { get; } = new(nameof(RenewalOptions.NoBrowser), RenewalParameterKind.Switch, o => o.NoBrowser, (o, v) => o with { NoBrowser = (bool)v! });

    public static RenewalParameter DockerHost { get; } = new(nameof(RenewalOptions.DockerHost), RenewalParameterKind.Text, o => o.DockerHost, (o, v) => o with { DockerHost = (string?)v });

    public static RenewalParameter BotName { get; } = new(nameof(RenewalOptions.BotName), RenewalParameterKind.Text, o => o.BotName, (o, v) => o with { BotName = (string)v! });

    public static RenewalParameter ProjectDirectory { get; } = new(nameof(RenewalOptions.ProjectDirectory), RenewalParameterKind.Path, o => o.ProjectDirectory, (o, v) => o with { ProjectDirectory = (string?)v });

    public static RenewalParameter StatePath { get; } = new(nameof(RenewalOptions.StatePath), RenewalParameterKind.Path, o => o.StatePath, (o, v) => o with { StatePath = (string?)v });

    public static RenewalParameter LogPath { get; } = new(nameof(RenewalOptions.LogPath), RenewalParameterKind.Path, o => o.LogPath, (o, v) => o with { LogPath = (string?)v });

    public static RenewalParameter WebhookUrl { get; } = new(nameof(RenewalOptions.WebhookUrl), RenewalParameterKind.Text, o => o.WebhookUrl, (o, v) => o with { WebhookUrl = (string?)v })
    {
        OnRegisteredLine = false,
    };

    public static RenewalParameter LockTimeout { get; } = new(nameof(RenewalOptions.LockTimeout), RenewalParameterKind.Duration, o => o.LockTimeout, (o, v) => o with { LockTimeout = (TimeSpan)v! })
    {
        Range = TimeoutRange.Wait,
    };

    public static RenewalParameter RemoteSignIn { get; } = new(nameof(RenewalOptions.RemoteSignIn), RenewalParameterKind.Switch, o => o.RemoteSignInEnabled, (o, v) => o with { RemoteSignInEnabled = (bool)v! });

    public static RenewalParameter ListenAddress { get; } = new(nameof(RenewalOptions.ListenAddress), RenewalParameterKind.Text, o => o.ListenAddress, (o, v) => o with { ListenAddress = (string)v! });

    public static RenewalParameter PublicUrl { get; } = new(nameof(RenewalOptions.PublicUrl), RenewalParameterKind.Text, o => o.PublicUrl, (o, v) => o with { PublicUrl = (string?)v });

    public static RenewalParameter CertificatePath { get; } = new(nameof(RenewalOptions.CertificatePath), RenewalParameterKind.Path, o => o.CertificatePath, (o, v) => o with { CertificatePath = (string?)v });

    public static RenewalParameter LinkLifetime { get; } = new(nameof(RenewalOptions.LinkLifetime), RenewalParameterKind.Duration, o => o.LinkLifetime, (o, v) => o with { LinkLifetime = (TimeSpan)v! })
    {
        Range = TimeoutRange.Wait,
    };

    public static RenewalParameter AllowHttp { get; } = new(nameof(RenewalOptions.AllowHttp), RenewalParameterKind.Switch, o => o.AllowHttp, (o, v) => o with { AllowHttp = (bool)v! });

    /// <summary>Every renewal parameter, in the order of a registered line (that of earlier versions first, so their lines stay the same).</summary>
    public static IReadOnlyList<RenewalParameter> All { get; } = new[]
    {
        BotFolder, MinimumValidity, ProfilePath, ProjectDirectory, BotName, BaseUrl, DockerHost, NoBrowser, StatePath, LogPath, WebhookUrl, LockTimeout,
        RemoteSignIn, ListenAddress, PublicUrl, CertificatePath, LinkLifetime, AllowHttp,
    };

    /// <summary>The parameter of this name (as PowerShell matches names: any case); null for none.</summary>
    public static RenewalParameter? Named(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The script's parameters of a registered line (what follows the script's path): each parameter the line carries
    /// whose value is not its default. <paramref name="dockerHostOnLine"/> is false where the scheduler's environment
    /// carries it (DOCKER_HOST of cron's sh line).
    /// </summary>
    public static IReadOnlyList<string> LineWords(RenewalOptions options, bool dockerHostOnLine)
    {
        var defaults = new RenewalOptions { BotFolder = string.Empty };
        var words = new List<string>();
        foreach (var parameter in All.Where(p => p.OnRegisteredLine && (dockerHostOnLine || p != DockerHost)))
        {
            if (Equals(parameter.Get(options), parameter.Get(defaults)))
            {
                continue;
            }

            words.Add("-" + parameter.Name);
            if (parameter.Kind != RenewalParameterKind.Switch)
            {
                words.Add(parameter.Word(options)!);
            }
        }

        return words;
    }

    /// <summary>The one range check of a renewal's durations (Invoke, Register and the scheduled runs alike).</summary>
    /// <exception cref="OneFlexException">InvalidTimeout, naming the first parameter out of its range.</exception>
    public static void CheckRanges(RenewalOptions options)
    {
        foreach (var parameter in All.Where(p => p.Range is not null))
        {
            parameter.Range!.Check(parameter.Name, (TimeSpan)parameter.Get(options)!);
        }
    }

    /// <summary>
    /// The one check of the remote sign-in's parameters (Invoke, Register and the scheduled runs alike): a listener
    /// parameter needs -RemoteSignIn (it would be ignored, and the user would wait for a link that never comes), and the
    /// public address must be one the link can be built on: no user info (it would go onto the registered line, into
    /// ps and into every alert), no query or fragment, https unless loopback or -AllowHttp.
    /// </summary>
    /// <exception cref="OneFlexException">RemoteSignInParameterWithoutSwitch, or the public address's InvalidPublicUrl, PublicUrlHasUserInfo, InsecurePublicUrl.</exception>
    public static void CheckRemoteSignIn(RenewalOptions options)
    {
        var defaults = new RenewalOptions { BotFolder = string.Empty };
        RemoteSignInSettings.CheckNeedsSwitch(options.RemoteSignInEnabled, name => Named(name) is { } given && !Equals(given.Get(options), given.Get(defaults)));
        if (options.RemoteSignInEnabled && options.PublicUrl is { } publicUrl)
        {
            SignInLink.CheckPublicUrl(publicUrl, options.AllowHttp);
        }
    }

    /// <summary>The text values a scheduler line would carry, by parameter name, for <c>ScheduledValues.Check</c>.</summary>
    public static IEnumerable<(string Parameter, string? Value)> TextValuesOf(RenewalOptions options) =>
        All.Where(p => p.Kind is RenewalParameterKind.Path or RenewalParameterKind.Text).Select(p => (p.Name, (string?)p.Get(options)));
}
