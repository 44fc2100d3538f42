using System.Management.Automation;
using OneFlexTokens.Common;

namespace OneFlexTokens.Tokens;

/// <summary>The one place that decides which OneFlex origin to talk to; the rules themselves are <see cref="UrlPolicy"/>'s.</summary>
public static class OneFlexBaseUrl
{
    public const string Default = "https://oneflex.myworldline.com";

    public const string EnvironmentVariable = "ONEFLEX_BASE_URL";

    /// <summary>The explicit value, else ONEFLEX_BASE_URL, else the Worldline tenant; validated, without trailing slash.</summary>
    public static Uri Resolve(string? explicitValue, HostPlatform platform) =>
        Validate(explicitValue is { Length: > 0 } ? explicitValue : platform.Env(EnvironmentVariable) ?? Default);

    /// <summary>The origin (scheme, host, port) of <paramref name="value"/>; refuses anything the URL policy does not allow.</summary>
    public static Uri Validate(string value)
    {
        var shown = UrlPolicy.Display(value);
        return UrlPolicy.Check(value, out var uri) switch
        {
            UrlVerdict.Ok => new Uri(UrlPolicy.Origin(uri!)),
            UrlVerdict.HasUserInfo => throw new OneFlexException(ErrorIds.BaseUrlHasUserInfo, ErrorCategory.SecurityError, string.Format(Messages.BaseUrlHasUserInfo, shown), shown),
            UrlVerdict.Insecure => throw new OneFlexException(ErrorIds.InsecureBaseUrl, ErrorCategory.SecurityError, string.Format(Messages.InsecureBaseUrl, shown), shown),
            _ => throw new OneFlexException(ErrorIds.InvalidBaseUrl, ErrorCategory.InvalidArgument, string.Format(Messages.InvalidBaseUrl, shown), shown),
        };
    }
}
