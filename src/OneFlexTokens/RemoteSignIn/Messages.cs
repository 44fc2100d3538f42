namespace OneFlexTokens.Errors;

// The messages of RemoteSignIn/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public static string InvalidPublicUrl(string shown) =>
        $"The public address '{shown}' is not an absolute http(s) URL without a query or fragment. Give the address the phone opens, e.g. https://nas.example.ts.net/.";

    public static string PublicUrlHasUserInfo(string shown) =>
        $"The public address '{shown}' holds a user name or password, which the link would show to anyone it is sent to. Give the address alone.";

    public static string InsecurePublicUrl(string shown) =>
        $"The public address '{shown}' is plain http on a host other than loopback: the password typed on the phone would cross the network unencrypted. Use https (a certificate, Tailscale Serve or a reverse proxy), or allow plain http explicitly.";

    public static string ListenAddressInvalid(string shown) =>
        $"The listen address '{shown}' is not host:port, [IPv6]:port or a port alone, with an IP address (or localhost) and a port from 0 to 65535. Give e.g. 127.0.0.1:8765, 0.0.0.0:8765 or 8765.";

    public static string ListenAddressInUse(string shown) =>
        $"Another program already listens on {shown}. Stop it, or give another port with the listen address (e.g. 127.0.0.1:8766).";

    public static string ListenFailed(string shown, string reason) =>
        $"Cannot listen on {shown}: {reason}. Give an address of this machine (or 0.0.0.0) and a port above 1023.";

    public static string InsecureListenAddress(string shown) =>
        $"Listening with plain http on {shown}, which is not loopback, would send the password typed on the phone across the network unencrypted. Give a certificate for https, listen on 127.0.0.1 behind Tailscale Serve or a reverse proxy, or allow plain http explicitly.";

    public static string PlainHttpOnNetwork(string shown) =>
        $"Plain http on {shown}, as allowed: the password typed on the phone crosses the network unencrypted, readable by anyone on the way.";

    public static string CertificateNotFound(string path) =>
        $"The certificate file '{path}' does not exist. Give a PEM file holding the certificate and its private key, or a PFX file.";

    public static string CertificateUnreadable(string path, string reason) =>
        $"The certificate file '{path}' cannot be used: {reason}. Give a PEM file holding the certificate and its unencrypted private key, or a PFX file without a password.";

    public static string CertificateHasNoKey(string path) =>
        $"The certificate file '{path}' holds no private key, which serving https needs. Put the key in the same PEM file (after the certificate), or export a PFX with its key.";

    public static string RemoteSignInExpired(DateTimeOffset expiredAt) =>
        $"Nobody opened the sign-in link before it expired ({expiredAt:u}). Start the remote sign-in again for a new link, with a longer link lifetime if needed.";

    public static string RemoteSignInLocked(int badSecrets) =>
        $"The sign-in link was refused after {badSecrets} wrong secrets and the listener stopped: someone may be guessing. Start the remote sign-in again for a new link, and check who can reach the listener.";

    public static string RemoteSessionTimeout(TimeSpan cap) =>
        $"The remote sign-in did not finish within {cap.TotalMinutes:0} minutes of the link being opened, and the session ended. Start the remote sign-in again for a new link.";

    public static string RemoteSignInParameterWithoutSwitch(string parameter, string switchName) =>
        $"-{parameter} sets up the sign-in from a phone, which only -{switchName} starts. Add -{switchName}, or leave -{parameter} out.";

    public static string RemoteSignInWaitingStatus(string link) => $"Open this link on your phone to sign in: {link}";

    public static string RemoteSignInWaitingOperation(DateTimeOffset expiresAt) =>
        $"The link works once, until {expiresAt.ToLocalTime():HH:mm} ({expiresAt:u}).";

    public const string RemoteSignInOnPhoneStatus = "Signing in on the phone";

    public static string RemoteSignInTokensTaken(DateTimeOffset? expiresAt) => expiresAt is { } expiry
        ? $"Signed in. The new token is valid until {expiry:u}; the machine takes it from here."
        : "Signed in; the machine takes the new token from here.";

    public static string RemoteSignInCompletionFailed(string errorId) =>
        $"Signed in, but what follows failed on the machine ({errorId}): its log or console says what to do. This link is used up; the next renewal sends a new one if it is still needed.";

    public static string RemoteSignInPipelineTookToken(DateTimeOffset? expiresAt) => expiresAt is { } expiry
        ? $"Signed in. The new token is valid until {expiry:u}, and the command on the machine has taken it (saving it and restarting the bot, if it was asked to)."
        : "Signed in, and the command on the machine has taken the new token.";

    public static string RemoteSignInConflict(string other) =>
        $"-RemoteSignIn and -{other} cannot be used together: -RemoteSignIn is a sign-in by a human on a phone. Leave one of them out.";

    /// <summary>The information-stream text of a remote sign-in: what to do, the link, and its QR code for a phone camera.</summary>
    public static string RemoteSignInLinkText(RemoteSignIn.RemoteSignInAnnouncement announcement, bool colours)
    {
        var text = new System.Text.StringBuilder()
            .AppendLine($"Sign in from your phone: open this link (it works once, until {announcement.Link.ExpiresAt.ToLocalTime():HH:mm}, {announcement.Link.ExpiresAt:u}):")
            .AppendLine(announcement.Link.Link);
        var qr = announcement.QrLines(colours);
        if (qr.Count > 0)
        {
            text.AppendLine("or scan this code with the phone's camera:");
            foreach (var line in qr)
            {
                text.AppendLine(line);
            }
        }

        return text.ToString().TrimEnd();
    }
}
