using System.Net;
using System.Text.RegularExpressions;

namespace OneFlexTokens.Secrets;

/// <summary>What <see cref="UrlPolicy.Check"/> found wrong with an address, if anything.</summary>
internal enum UrlVerdict
{
    Ok,
    NotHttpUrl,
    HasUserInfo,
    Insecure,
}

/// <summary>
/// The one URL policy: which addresses the module sends secrets to (absolute http(s), no user info, https unless the
/// host is loopback) and how any URL is shown (never with its user info; a webhook with its path masked).
/// </summary>
internal static partial class UrlPolicy
{
    public static UrlVerdict Check(string? text, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(text)
            || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed)
            || !IsWebUrl(parsed))
        {
            return UserInfoPattern().Match(text?.Trim() ?? "") is { Success: true, Index: 0 } ? UrlVerdict.HasUserInfo : UrlVerdict.NotHttpUrl;
        }

        uri = parsed;
        if (parsed.UserInfo.Length > 0 || HasUserInfo(text!))
        {
            return UrlVerdict.HasUserInfo;
        }

        return parsed.Scheme == Uri.UriSchemeHttp && !IsLoopback(parsed) ? UrlVerdict.Insecure : UrlVerdict.Ok;
    }

    /// <summary>An absolute http or https URL with a host: a web page or API address.</summary>
    public static bool IsWebUrl(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host);

    /// <summary>Whether scheme://user[:password]@ stands before the host of <paramref name="text"/>, whatever the scheme (tcp:// too).</summary>
    public static bool HasUserInfo(string text) => UserInfoPattern().IsMatch(AuthorityText(text.Trim()));

    /// <summary>127.0.0.0/8, ::1 and localhost: the only hosts plain http may be used with.</summary>
    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    /// <summary>scheme://host[:port], lower case, never with user info.</summary>
    public static string Origin(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant();

    /// <summary>The URL without its user info (path and query kept): for addresses that are not secrets themselves.</summary>
    public static string Display(Uri uri) =>
        uri.IsAbsoluteUri && !string.IsNullOrEmpty(uri.Host)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped)
            : RemoveUserInfo(uri.OriginalString);

    /// <summary>Text that should be a URL but may not parse: shown with any user info removed.</summary>
    public static string Display(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? Display(uri) : RemoveUserInfo(text.Trim());

    /// <summary>A URL whose path is a secret (a webhook): scheme://host[:port]/ and the masked path and query.</summary>
    public static string DisplayMaskedPath(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return SecretMask.Mask(RemoveUserInfo(text.Trim()));
        }

        return DisplayMaskedPath(uri);
    }

    /// <inheritdoc cref="DisplayMaskedPath(string)"/>
    public static string DisplayMaskedPath(Uri uri)
    {
        var rest = uri.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped).TrimStart('/');
        return $"{uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)}/{SecretMask.Mask(rest)}";
    }

    /// <summary>Drops the user info of every scheme://user:password@host in free text.</summary>
    public static string RemoveUserInfo(string text) => UserInfoPattern().Replace(text, "$1");

    /// <summary>From the scheme's '//' to the first '/', '?' or '#' after it: where user info would be.</summary>
    private static string AuthorityText(string text)
    {
        var start = text.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var end = text.IndexOfAny(new[] { '/', '?', '#' }, start + 2);
        return end < 0 ? text : text[..end];
    }

    [GeneratedRegex(@"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s@]*@(?:[^/?#\s@]*@)*")]
    private static partial Regex UserInfoPattern();
}
