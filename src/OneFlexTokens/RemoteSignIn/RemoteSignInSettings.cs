using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>How a remote sign-in listens and what link it gives (Get-OneFlexToken's and the renewal's listener parameters).</summary>
internal sealed record RemoteSignInSettings
{
    public const string DefaultListenAddress = "127.0.0.1:8765";

    /// <summary>An interactive sign-in: someone is at the terminal now.</summary>
    public static readonly TimeSpan InteractiveLinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>A scheduled one: an alert at 02:00 must still work at 08:30.</summary>
    public static readonly TimeSpan ScheduledLinkLifetime = TimeSpan.FromHours(12);

    /// <summary>host:port, [v6]:port, or a port alone (loopback).</summary>
    public string ListenAddress { get; init; } = DefaultListenAddress;

    /// <summary>The address the phone opens; null to derive it from <see cref="ListenAddress"/>.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>PEM (certificate and key) or PFX: the listener serves HTTPS itself.</summary>
    public string? CertificatePath { get; init; }

    public TimeSpan LinkLifetime { get; init; } = InteractiveLinkLifetime;

    /// <summary>Plain http on an address other than loopback, with a warning.</summary>
    public bool AllowHttp { get; init; }

    /// <summary>The switch that starts a sign-in from a phone.</summary>
    public const string SwitchName = "RemoteSignIn";

    /// <summary>The listener's parameters (Get-OneFlexToken's and the renewal's, named as these settings), in the order the rule names them.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = [nameof(ListenAddress), nameof(PublicUrl), nameof(CertificatePath), nameof(LinkLifetime), nameof(AllowHttp)];

    /// <summary>
    /// The one rule of a listener parameter without <see cref="SwitchName"/> (Get-OneFlexToken's bound parameters, a
    /// renewal's options alike): it would be ignored, and the user would wait for a link that never comes.
    /// </summary>
    /// <param name="isGiven">Whether the parameter of this name was given (bound, or set to other than its default).</param>
    /// <exception cref="OneFlexException">RemoteSignInParameterWithoutSwitch, naming the first listener parameter given.</exception>
    public static void CheckNeedsSwitch(bool remoteSignIn, Func<string, bool> isGiven)
    {
        if (!remoteSignIn && ParameterNames.FirstOrDefault(isGiven) is { } given)
        {
            throw new OneFlexException(ErrorIds.RemoteSignInParameterWithoutSwitch, ErrorCategory.InvalidArgument,
                Messages.RemoteSignInParameterWithoutSwitch(given, SwitchName), given);
        }
    }
}
