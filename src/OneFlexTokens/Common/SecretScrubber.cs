using System.Text.RegularExpressions;

namespace OneFlexTokens.Common;

/// <summary>
/// Masks anything in free text that looks like a secret, so that text can be shown or sent to a chat channel even
/// when someone pasted a secret into it: KEY=value for secret-looking keys (whatever the value's length), the path and
/// user info of every URL (a webhook's path is its secret, and no URL says whether it is a webhook), JWTs, long hex
/// strings and bearer values.
/// </summary>
public static partial class SecretScrubber
{
    public static string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var scrubbed = SecretSettingPattern().Replace(text, MaskSetting);
        scrubbed = UrlPattern().Replace(scrubbed, MaskUrl);
        scrubbed = JwtPattern().Replace(scrubbed, m => SecretMask.Mask(m.Value));
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

        // "key: value" is also how prose reads ("the refresh token: the session ended"); only setting-like keys count.
        if (separator.Contains(':') && !quotedKey && !key.Contains('_') && !key.Contains('-') && key != key.ToUpperInvariant())
        {
            return match.Value;
        }

        var value = match.Groups["value"].Value;
        var quote = value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[0].ToString() : "";
        var inner = quote.Length > 0 ? value[1..^1] : value;
        return match.Value[..(match.Groups["value"].Index - match.Index)] + quote + SecretMask.Hide(inner) + quote;
    }

    private static string MaskUrl(Match match)
    {
        // Punctuation that ends a sentence is not part of the URL.
        var url = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}');
        var trailing = match.Value[url.Length..];
        return UrlPolicy.DisplayMaskedPath(url) + trailing;
    }

    [GeneratedRegex(@"(?<q>[""'])?(?<key>\b[A-Za-z0-9_.\-]*(?i:token|secret|passw(or)?d|pwd|api[_\-]?key|webhook|cookie|credential|private[_\-]?key|auth)[A-Za-z0-9_.\-]*)\k<q>?(?<sep>[ \t]*[=:][ \t]*)(?<value>""[^""\r\n]*""|'[^'\r\n]*'|[^\s,;'""]+)")]
    private static partial Regex SecretSettingPattern();

    [GeneratedRegex(@"(?i)\b[a-z][a-z0-9+.\-]*://[^\s""'<>…]+")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex JwtPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[0-9A-Fa-f]{20,}(?![A-Za-z0-9])")]
    private static partial Regex LongHexPattern();

    [GeneratedRegex(@"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]{8,})")]
    private static partial Regex BearerPattern();
}
