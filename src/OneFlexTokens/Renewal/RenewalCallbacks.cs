using OneFlexTokens.CmdletSupport;
using OneFlexTokens.RemoteSignIn;

namespace OneFlexTokens.Renewal;

/// <summary>How a renewal talks back, beyond <see cref="WorkCallbacks"/>.</summary>
internal sealed record RenewalCallbacks : WorkCallbacks
{
    /// <summary>
    /// A waiting sign-in from a phone has its link: show it where whoever runs the renewal looks (Invoke-OneFlexRenewal run
    /// by hand shows it as Get-OneFlexToken -RemoteSignIn does). Null for a scheduled run: its link goes in the alert only.
    /// </summary>
    public Action<RemoteSignInAnnouncement>? ShowLink { get; init; }
}
