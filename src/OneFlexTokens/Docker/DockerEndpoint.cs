using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Docker;

internal enum DockerTransport
{
    Unix,
    NamedPipe,
    Tcp,
}

/// <summary>
/// Where the Docker engine listens, parsed once: <see cref="Address"/> is the socket path, pipe name or
/// host:port; <see cref="Uri"/> is what the client connects to (tcp becomes http or https).
/// </summary>
internal sealed record DockerEndpoint(
    string Display,
    DockerTransport Transport,
    string Address,
    Uri Uri,
    bool UseTls,
    bool VerifyServer,
    string? CertPath)
{
    public override string ToString() => Display;
}

/// <summary>
/// The one resolver of the engine endpoint, with the docker CLI's precedence: -DockerHost, then DOCKER_HOST,
/// then the platform default. TLS for tcp follows DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH like the CLI.
/// </summary>
internal static class DockerEndpointResolver
{
    public const string LinuxDefault = "unix:///var/run/docker.sock";
    public const string WindowsDefault = "npipe://./pipe/docker_engine";

    public static string DefaultFor(HostPlatform platform) => platform.IsWindows ? WindowsDefault : LinuxDefault;

    public static DockerEndpoint Resolve(HostPlatform platform, string? explicitHost)
    {
        var value = !string.IsNullOrWhiteSpace(explicitHost)
            ? explicitHost.Trim()
            : platform.Env("DOCKER_HOST")?.Trim() ?? DefaultFor(platform);
        return Parse(platform, value);
    }

    public static DockerEndpoint Parse(HostPlatform platform, string value)
    {
        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw Invalid(value);
        }

        var scheme = value[..separator].ToLowerInvariant();
        var rest = value[(separator + 3)..];
        return scheme switch
        {
            "unix" => ParseUnix(value, rest),
            "npipe" when !platform.IsWindows => throw new OneFlexException(ErrorIds.InvalidDockerHost, ErrorCategory.InvalidArgument, Messages.DockerHostPipeNotWindows(Shown(value)), Shown(value)),
            "npipe" => ParseNamedPipe(value, rest),
            "tcp" or "http" or "https" => ParseTcp(platform, value, scheme, rest),
            "ssh" => throw new OneFlexException(ErrorIds.InvalidDockerHost, ErrorCategory.InvalidArgument, Messages.DockerHostSshUnsupported(Shown(value)), Shown(value)),
            _ => throw Invalid(value),
        };
    }

    private static DockerEndpoint ParseUnix(string value, string path)
    {
        if (path.Length < 2 || path[0] != '/' || path.Contains('\0') || path.EndsWith('/'))
        {
            throw Invalid(value);
        }

        return new DockerEndpoint("unix://" + path, DockerTransport.Unix, path, new Uri("unix://" + path), false, false, null);
    }

    private static DockerEndpoint ParseNamedPipe(string value, string rest)
    {
        var trimmed = rest.Replace('\\', '/').TrimStart('/');
        const string prefix = "./pipe/";
        if (!trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(value);
        }

        var pipe = trimmed[prefix.Length..];
        if (pipe.Length == 0 || pipe.Contains('/'))
        {
            throw Invalid(value);
        }

        var display = "npipe://./pipe/" + pipe;
        return new DockerEndpoint(display, DockerTransport.NamedPipe, pipe, new Uri(display), false, false, null);
    }

    private static DockerEndpoint ParseTcp(HostPlatform platform, string value, string scheme, string rest)
    {
        var hostPort = rest.TrimEnd('/');
        if (UrlPolicy.HasUserInfo(value))
        {
            throw new OneFlexException(ErrorIds.InvalidDockerHost, ErrorCategory.InvalidArgument, Messages.DockerHostHasUserInfo(Shown(value)), Shown(value));
        }

        if (hostPort.Length == 0 || hostPort.Contains('/') || hostPort.Contains('?'))
        {
            throw Invalid(value);
        }

        var verify = scheme == "https" || platform.Env("DOCKER_TLS_VERIFY") is not null;
        var tls = scheme == "https" || verify || platform.Env("DOCKER_TLS") is not null;
        var hasPort = hostPort.StartsWith('[') ? hostPort.Contains("]:") : hostPort.Contains(':');
        var withPort = hasPort ? hostPort : hostPort + (tls ? ":2376" : ":2375");
        if (!Uri.TryCreate((tls ? "https://" : "http://") + withPort, UriKind.Absolute, out var uri)
            || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host) || uri.PathAndQuery != "/")
        {
            throw Invalid(value);
        }

        var certPath = tls ? platform.Env("DOCKER_CERT_PATH") ?? platform.JoinPath(platform.HomeDirectory, ".docker") : null;
        return new DockerEndpoint(scheme + "://" + withPort, DockerTransport.Tcp, withPort, uri, tls, verify, certPath);
    }

    private static OneFlexException Invalid(string value) =>
        new(ErrorIds.InvalidDockerHost, ErrorCategory.InvalidArgument, Messages.InvalidDockerHost(Shown(value)), Shown(value));

    /// <summary>An endpoint as it may be shown: never with user info.</summary>
    private static string Shown(string value) => UrlPolicy.RemoveUserInfo(value);
}
