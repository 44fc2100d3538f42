using System.Text.RegularExpressions;

namespace OneFlexTokens.Secrets;

/// <summary>
/// Masks anything in free text that looks like a secret, so that text can be shown or sent to a chat channel even
/// when someone pasted a secret into it: KEY=value for secret-looking keys (whatever the value's length; a password's
/// even in prose, "password: …"), the path and user info of every URL (a webhook's path is its secret, and no URL says
/// whether it is a webhook), JWTs, long hex strings and bearer values. What only looks so is left alone, for the message
/// to stay useful: file names and paths (the save's temp file, .env.oneflex-&lt;32 hex&gt;.tmp), local socket and pipe
/// addresses (unix://, npipe://), host:port, dotted names (hosts, namespaces) and an assembly's PublicKeyToken.
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
        if (LocalEndpointPattern().IsMatch(url))
        {
            // A socket or pipe on this machine: its path is a file name, and says where to look.
            return UrlPolicy.RemoveUserInfo(url) + trailing;
        }

        return UrlPolicy.DisplayMaskedPath(url) + trailing;
    }

    /// <summary>
    /// Three dot-separated words without a digit (OneFlexTokens.Renewal.RenewalLog, sso-login.example.internal). A JWT
    /// starts with eyJ (base64 of '{"'), and its signature, tens of random base64 characters, all but surely has digits.
    /// </summary>
    private static bool LooksLikeDottedName(string text) => !text.StartsWith("eyJ", StringComparison.Ordinal) && !text.Any(char.IsAsciiDigit);

    [GeneratedRegex(@"(?<q>[""'])?(?<key>\b[A-Za-z0-9_.\-]*(?i:token|secret|passw(or)?d|pwd|passphrase|api[_\-]?key|webhook|cookie|credential|private[_\-]?key|auth)[A-Za-z0-9_.\-]*)\k<q>?(?<sep>[ \t]*[=:][ \t]*)(?<value>""[^""\r\n]*""|'[^'\r\n]*'|[^\s,;'""]+)")]
    private static partial Regex SecretSettingPattern();

    [GeneratedRegex(@"(?i)\b[a-z][a-z0-9+.\-]*://[^\s""'<>…]+")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex JwtPattern();

    /// <summary>Not in a file name or path: the save's temp file (.env.oneflex-&lt;hex&gt;.tmp), a container's folder.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9/\\])[0-9A-Fa-f]{20,}(?![A-Za-z0-9])(?!\.[A-Za-z])")]
    private static partial Regex LongHexPattern();

    [GeneratedRegex(@"(?i)passw(or)?d|pwd|passphrase")]
    private static partial Regex PasswordKeyPattern();

    [GeneratedRegex(@"(?i)^(unix|npipe)://")]
    private static partial Regex LocalEndpointPattern();

    [GeneratedRegex(@"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]{8,})")]
    private static partial Regex BearerPattern();
}
