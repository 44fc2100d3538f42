using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Tokens;

/// <summary>
/// The OneFlex origin the module talks to, validated once by <see cref="UrlPolicy"/>: scheme://host[:port], lower case,
/// no path, no user info. <see cref="Text"/> is how it is shown and stored (no trailing slash); <see cref="Uri"/> is
/// for requests, and <see cref="Endpoint"/> names a path on it.
/// </summary>
internal sealed record OneFlexBaseUrl
{
    public const string Default = "https://oneflex.myworldline.com";

    public const string EnvironmentVariable = "ONEFLEX_BASE_URL";

    private OneFlexBaseUrl(string origin)
    {
        Text = origin;
        Uri = new Uri(origin);
    }

    /// <summary>scheme://host[:port], without a trailing slash.</summary>
    public string Text { get; }

    public Uri Uri { get; }

    public string Host => Uri.Host;

    /// <summary>The explicit value, else ONEFLEX_BASE_URL, else the Worldline tenant.</summary>
    public static OneFlexBaseUrl Resolve(string? explicitValue, HostPlatform platform) =>
        Validate(explicitValue is { Length: > 0 } ? explicitValue : platform.Env(EnvironmentVariable) ?? Default);

    /// <summary>The origin (scheme, host, port) of <paramref name="value"/>; refuses anything the URL policy does not allow.</summary>
    public static OneFlexBaseUrl Validate(string value)
    {
        var shown = UrlPolicy.Display(value);
        return UrlPolicy.Check(value, out var uri) switch
        {
            UrlVerdict.Ok => new OneFlexBaseUrl(UrlPolicy.Origin(uri!)),
            UrlVerdict.HasUserInfo => throw new OneFlexException(ErrorIds.BaseUrlHasUserInfo, ErrorCategory.SecurityError, Messages.BaseUrlHasUserInfo(shown), shown),
            UrlVerdict.Insecure => throw new OneFlexException(ErrorIds.InsecureBaseUrl, ErrorCategory.SecurityError, Messages.InsecureBaseUrl(shown), shown),
            _ => throw new OneFlexException(ErrorIds.InvalidBaseUrl, ErrorCategory.InvalidArgument, Messages.InvalidBaseUrl(shown), shown),
        };
    }

    /// <summary>A path on this origin, e.g. "api/auth/token".</summary>
    public Uri Endpoint(string path) => new(Uri, path.TrimStart('/'));

    public override string ToString() => Text;
}
