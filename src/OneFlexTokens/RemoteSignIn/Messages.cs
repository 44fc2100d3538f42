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

    public static string RemoteSignInParameterWithoutSwitch(string parameter, string switchName) =>
        $"-{parameter} sets up the sign-in from a phone, which only -{switchName} starts: without it, no run would ever wait for one or send its link. Add -{switchName}, or leave -{parameter} out.";
}
