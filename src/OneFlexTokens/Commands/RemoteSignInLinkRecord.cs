using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.RemoteSignIn;

namespace OneFlexTokens.Commands;

/// <summary>
/// The link of a remote sign-in and its QR code as the person at the terminal gets them, from Get-OneFlexToken
/// -RemoteSignIn and Invoke-OneFlexRenewal -RemoteSignIn alike: one information record that the host shows (PSHOST),
/// tagged so that a script can pick it out.
/// </summary>
internal static class RemoteSignInLinkRecord
{
    public const string Tag = "OneFlexRemoteSignIn";

    private static readonly string[] Tags = ["PSHOST", Tag];

    /// <summary>Writes the record; call it on the pipeline thread.</summary>
    public static void Write(PSCmdlet cmdlet, RemoteSignInAnnouncement announcement)
    {
        // Coloured QR modules only where the host draws escape codes; elsewhere they would show as text.
        var colours = cmdlet.Host?.UI?.SupportsVirtualTerminal == true;
        cmdlet.WriteInformation(new HostInformationMessage { Message = Messages.RemoteSignInLinkText(announcement, colours) }, Tags);
    }
}
