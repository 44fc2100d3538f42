using System.Management.Automation;
using System.Net;
using OneFlexTokens.Common;

namespace OneFlexTokens.Tokens;

/// <summary>The one place that decides which OneFlex origin to talk to and refuses unsafe ones.</summary>
public static class OneFlexBaseUrl
{
    public const string Default = "https://oneflex.myworldline.com";

    public const string EnvironmentVariable = "ONEFLEX_BASE_URL";

    /// <summary>The explicit value, else ONEFLEX_BASE_URL, else the Worldline tenant; validated, without trailing slash.</summary>
    public static Uri Resolve(string? explicitValue, HostPlatform platform) =>
        Validate(explicitValue is { Length: > 0 } ? explicitValue : platform.Env(EnvironmentVariable) ?? Default);

    public static Uri Validate(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new OneFlexException(ErrorIds.InvalidBaseUrl, ErrorCategory.InvalidArgument, string.Format(Messages.InvalidBaseUrl, value), value);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new OneFlexException(ErrorIds.InsecureBaseUrl, ErrorCategory.SecurityError, string.Format(Messages.InsecureBaseUrl, value), value);
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority));
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
