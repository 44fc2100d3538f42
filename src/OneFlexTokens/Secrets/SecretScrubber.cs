using System.Text.RegularExpressions;

namespace OneFlexTokens.Secrets;

/// <summary>
/// Masks the secrets in free text, so that it can be shown, logged or sent to a chat channel even when someone pasted a
/// secret into it: KEY=value for secret-looking keys (TOKEN, SECRET, PASSWORD, KEY…, whatever the value's length; a
/// password's even in prose, "password: …"), URL user info, the path of a webhook URL (Discord, Slack, any path or host
/// naming a hook, ntfy topics), JWTs, long hex strings, long opaque token-like strings and bearer values. Nothing else:
/// the message must stay useful, so file names and paths (the save's temp file, .env.oneflex-&lt;32 hex&gt;.tmp), local
/// socket and pipe addresses (unix://, npipe://), ordinary URLs, host:port, dotted names (hosts, namespaces) and an
/// assembly's PublicKeyToken come through whole.
/// </summary>
internal static partial class SecretScrubber
{
    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var scrubbed = SecretSettingPattern().Replace(text, MaskSetting);
        scrubbed = UrlPattern().Replace(scrubbed, MaskUrl);
        scrubbed = JwtPattern().Replace(scrubbed, m => LooksLikeDottedName(m.Value) ? m.Value : SecretMask.Mask(m.Value));
        scrubbed = LongHexPattern().Replace(scrubbed, m => SecretMask.Mask(m.Value));
        scrubbed = OpaqueTokenPattern().Replace(scrubbed, m => SecretMask.Mask(m.Value));
        return BearerPattern().Replace(scrubbed, m => m.Groups[1].Value + SecretMask.Mask(m.Groups[2].Value));
    }

    /// <summary>
    /// Text a server sent, made fit to show in a message: <paramref name="secrets"/> and anything secret-looking masked,
    /// control characters escaped (<see cref="DisplayText"/>), at most <paramref name="maxLength"/> characters.
    /// </summary>
    public static string Quote(string? text, int maxLength, params string?[] secrets)
    {
        var quoted = text ?? string.Empty;
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            quoted = quoted.Replace(secret!, SecretMask.Mask(secret), StringComparison.Ordinal);
        }

        var scrubbed = Scrub(DisplayText.Escape(quoted.Trim()));
        return scrubbed.Length <= maxLength ? scrubbed : scrubbed[..maxLength] + "…";
    }

    private static string MaskSetting(Match match)
    {
        var key = match.Groups["key"].Value;
        var separator = match.Groups["sep"].Value;
        var quotedKey = match.Groups["q"].Success;
        var value = match.Groups["value"].Value;

        // "key: value" is also how prose reads ("the refresh token: the session ended"); only setting-like keys count,
        // and a password's, which prose gives the same way ("password: hunter2").
        if (separator.Contains(':') && !quotedKey && !key.Contains('_') && !key.Contains('-') && key != key.ToUpperInvariant()
            && !PasswordKeyPattern().IsMatch(key))
        {
            return match.Value;
        }

        // A host and its port (auth.example.com:8443), and the public half of an assembly's strong name: no secret.
        if ((separator == ":" && key.Contains('.') && value.All(char.IsAsciiDigit))
            || key.Equals("PublicKeyToken", StringComparison.OrdinalIgnoreCase))
        {
            return match.Value;
        }

        var quote = value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[0].ToString() : "";
        var inner = quote.Length > 0 ? value[1..^1] : value;
        return match.Value[..(match.Groups["value"].Index - match.Index)] + quote + SecretMask.Hide(inner) + quote;
    }

    private static string MaskUrl(Match match)
    {
        // Punctuation that ends a sentence is not part of the URL.
        var url = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}');
        var trailing = match.Value[url.Length..];
        return (IsWebhook(url) ? UrlPolicy.DisplayMaskedPath(url) : UrlPolicy.RemoveUserInfo(url)) + trailing;
    }

    /// <summary>
    /// A URL whose path is the secret: a hook in its host or path (Discord's /api/webhooks/, hooks.slack.com, Teams'
    /// webhook.office.com, Mattermost's /hooks/) or an ntfy topic. Any other URL (a page, an API, a socket) is an
    /// address, and saying which one is what makes a message useful; secrets in its query are masked as KEY=value.
    /// </summary>
    private static bool IsWebhook(string url) =>
        !LocalEndpointPattern().IsMatch(url)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Host.Contains("hook", StringComparison.OrdinalIgnoreCase)
            || uri.AbsolutePath.Contains("hook", StringComparison.OrdinalIgnoreCase)
            || uri.Host.Equals("ntfy.sh", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Three dot-separated words without a digit (OneFlexTokens.Renewal.RenewalLog, sso-login.example.internal). A JWT
    /// starts with eyJ (base64 of '{"'), and its signature, tens of random base64 characters, all but surely has digits.
    /// </summary>
    private static bool LooksLikeDottedName(string text) => !text.StartsWith("eyJ", StringComparison.Ordinal) && !text.Any(char.IsAsciiDigit);

    [GeneratedRegex(@"(?<q>[""'])?(?<key>\b[A-Za-z0-9_.\-]*(?i:token|secret|passw(or)?d|pwd|passphrase|api[_\-]?key|webhook|cookie|credential|private[_\-]?key|auth)[A-Za-z0-9_.\-]*|\b(?:[A-Za-z0-9_.\-]*[_.\-]|[A-Za-z0-9]*[a-z0-9](?=Key))?(?i:key|sig)s?)\k<q>?(?<sep>[ \t]*[=:][ \t]*)(?<value>""[^""\r\n]*""|'[^'\r\n]*'|[^\s,;'""]+)")]
    private static partial Regex SecretSettingPattern();

    [GeneratedRegex(@"(?i)\b[a-z][a-z0-9+.\-]*://[^\s""'<>…]+")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex JwtPattern();

    /// <summary>Not in a file name or path: the save's temp file (.env.oneflex-&lt;hex&gt;.tmp), a container's folder.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9/\\])[0-9A-Fa-f]{20,}(?![A-Za-z0-9])(?!\.[A-Za-z])")]
    private static partial Regex LongHexPattern();

    /// <summary>
    /// 32 or more characters of base64url with an upper-case letter, a lower-case letter and a digit (an API key, a
    /// GitHub or Slack token), not in a path or a file name. Names (OneFlexTokens.Renewal) have no digits; hex is above.
    /// </summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_\-/\\.])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_\-]|\.[A-Za-z])")]
    private static partial Regex OpaqueTokenPattern();

    [GeneratedRegex(@"(?i)passw(or)?d|pwd|passphrase")]
    private static partial Regex PasswordKeyPattern();

    [GeneratedRegex(@"(?i)^(unix|npipe)://")]
    private static partial Regex LocalEndpointPattern();

    [GeneratedRegex(@"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]{8,})")]
    private static partial Regex BearerPattern();
}
