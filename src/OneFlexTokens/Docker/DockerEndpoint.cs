using System.Management.Automation;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
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
    /// <summary>Where this endpoint came from (-DockerHost, DOCKER_HOST, a Docker context, the platform default), for -Verbose.</summary>
    public string Source { get; init; } = "";

    public override string ToString() => Display;
}

/// <summary>
/// The one resolver of the engine endpoint, with the docker CLI's precedence: -DockerHost, then DOCKER_HOST, then the
/// Docker context named by DOCKER_CONTEXT, else the current context of config.json (in DOCKER_CONFIG, else ~/.docker),
/// then the platform default. TLS for tcp follows DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH like the CLI; a
/// context brings its own TLS material (contexts/tls/&lt;hash&gt;/docker) and SkipTLSVerify.
/// </summary>
internal static partial class DockerEndpointResolver
{
    public const string LinuxDefault = "unix:///var/run/docker.sock";
    public const string WindowsDefault = "npipe://./pipe/docker_engine";
    public const string DefaultContextName = "default";

    /// <summary>64 KiB: the CLI writes a few hundred bytes here (config.json also holds registry logins, still small).</summary>
    public const int MaxContextFileBytes = 64 * 1024;

    public static string DefaultFor(HostPlatform platform) => platform.IsWindows ? WindowsDefault : LinuxDefault;

    /// <summary>Where the docker CLI keeps config.json and contexts/: DOCKER_CONFIG, else .docker in the home folder.</summary>
    public static string ConfigFolder(HostPlatform platform) => platform.Env("DOCKER_CONFIG") ?? platform.JoinPath(platform.HomeDirectory, ".docker");

    public static DockerEndpoint Resolve(HostPlatform platform, string? explicitHost)
    {
        if (!string.IsNullOrWhiteSpace(explicitHost))
        {
            return Parse(platform, explicitHost.Trim()) with { Source = "-DockerHost" };
        }

        if (platform.Env("DOCKER_HOST")?.Trim() is { Length: > 0 } fromEnvironment)
        {
            return Parse(platform, fromEnvironment) with { Source = "DOCKER_HOST" };
        }

        var folder = ConfigFolder(platform);
        var configFile = Path.Combine(folder, "config.json");
        var (context, chosenBy) = platform.Env("DOCKER_CONTEXT")?.Trim() is { Length: > 0 } named
            ? (named, "DOCKER_CONTEXT")
            : (CurrentContext(configFile), $"the current context in {configFile}");
        if (context is null || context == DefaultContextName)
        {
            var why = context is null ? "the platform default" : $"the platform default (context 'default' from {chosenBy})";
            return Parse(platform, DefaultFor(platform)) with { Source = why };
        }

        return FromContext(platform, folder, context, chosenBy);
    }

    /// <summary>currentContext of the CLI's config.json, or null when the file or the key is missing.</summary>
    private static string? CurrentContext(string configFile) =>
        ReadJson(configFile) is { } config ? JsonFields.String(config, "currentContext") is { Length: > 0 } name ? name : null : null;

    /// <summary>A context's endpoint: contexts/meta/&lt;sha256 of its name&gt;/meta.json, its TLS files beside it under contexts/tls.</summary>
    private static DockerEndpoint FromContext(HostPlatform platform, string folder, string context, string chosenBy)
    {
        var shownName = DisplayText.Escape(context.Length > 100 ? context[..100] + "…" : context)!;
        if (!ContextName().IsMatch(context))
        {
            throw new OneFlexException(ErrorIds.DockerContextInvalid, ErrorCategory.InvalidArgument, Messages.DockerContextNameInvalid(shownName, chosenBy), shownName);
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(context))).ToLowerInvariant();
        var metaFile = Path.Combine(folder, "contexts", "meta", hash, "meta.json");
        var meta = ReadJson(metaFile)
            ?? throw new OneFlexException(ErrorIds.DockerContextNotFound, ErrorCategory.ObjectNotFound, Messages.DockerContextNotFound(shownName, chosenBy, metaFile), shownName);
        var docker = JsonFields.Object(meta, "Endpoints") is { } endpoints ? JsonFields.Object(endpoints, "docker") : null;
        if (JsonFields.String(meta, "Name") != context || docker is null)
        {
            throw ContextInvalid(shownName, metaFile, Messages.DockerContextNoDockerEndpoint);
        }

        var source = $"Docker context '{shownName}' ({chosenBy}, {metaFile})";
        if (JsonFields.String(docker.Value, "Host") is not { Length: > 0 } host)
        {
            // The CLI's own rule: a context without a host talks to the default engine.
            return Parse(platform, DefaultFor(platform)) with { Source = source + ": no host, the platform default" };
        }

        var skipVerify = docker.Value.TryGetProperty("SkipTLSVerify", out var skip) && skip.ValueKind == JsonValueKind.True;
        var tlsFolder = Path.Combine(folder, "contexts", "tls", hash, "docker");
        var tlsFiles = new[] { "ca.pem", "cert.pem", "key.pem" }.Select(name => Path.Combine(tlsFolder, name)).Where(file => Inspect(file).Kind != FileKind.Missing).ToArray();
        foreach (var file in tlsFiles)
        {
            TrustedPath.Require(file, ErrorIds.DockerConfigUnreadable);
        }

        var tls = new TlsSettings(tlsFiles.Length > 0 || skipVerify, !skipVerify, tlsFolder);
        try
        {
            return Parse(platform, host.Trim(), tls) with { Source = source };
        }
        catch (OneFlexException invalid) when (invalid.ErrorId == ErrorIds.InvalidDockerHost)
        {
            // Parse never shows user info; the context file is named so that it can be fixed there.
            throw ContextInvalid(shownName, metaFile, invalid.Message);
        }
    }

    /// <summary>
    /// A small JSON file of the docker CLI, read under the trust rule (never through another account's link), bounded, as a
    /// regular file (a FIFO or device does not block); null when it is missing. Its text is never shown: config.json holds logins.
    /// </summary>
    private static JsonElement? ReadJson(string path)
    {
        try
        {
            if (Inspect(path).Kind == FileKind.Missing)
            {
                return null;
            }

            TrustedPath.Require(path, ErrorIds.DockerConfigUnreadable);
            var content = PlatformFiles.ReadRegularFile(path, MaxContextFileBytes, out var kind);
            if (kind != FileKind.Regular)
            {
                throw Unreadable(path, Messages.DockerConfigNotRegular);
            }

            var bytes = content ?? throw Unreadable(path, Messages.DockerConfigTooLarge(ReplyLimits.Describe(MaxContextFileBytes)));
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Unreadable(path, Messages.DockerConfigNotJson);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e.Message);
        }
    }

    private static FileFacts Inspect(string path)
    {
        try
        {
            return PlatformFiles.Inspect(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e.Message);
        }
    }

    private static OneFlexException Unreadable(string path, string reason) =>
        new(ErrorIds.DockerConfigUnreadable, ErrorCategory.ReadError, Messages.DockerConfigUnreadable(path, reason), path);

    private static OneFlexException ContextInvalid(string shownName, string metaFile, string reason) =>
        new(ErrorIds.DockerContextInvalid, ErrorCategory.InvalidData, Messages.DockerContextInvalid(shownName, metaFile, reason), shownName);

    /// <summary>A context's TLS for a tcp endpoint: whether it is used (https:// uses it anyway), whether the server is verified, and the folder of ca.pem, cert.pem, key.pem.</summary>
    private sealed record TlsSettings(bool Use, bool Verify, string CertPath);

    // The docker CLI's rule for context names.
    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$")]
    private static partial Regex ContextName();

    public static DockerEndpoint Parse(HostPlatform platform, string value) => Parse(platform, value, FromEnvironment);

    /// <summary>Marks a parse whose TLS comes from DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH.</summary>
    private static readonly TlsSettings FromEnvironment = new(false, false, "");

    private static DockerEndpoint Parse(HostPlatform platform, string value, TlsSettings tls)
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
            "tcp" or "http" or "https" => ParseTcp(platform, value, scheme, rest, tls),
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

    private static DockerEndpoint ParseTcp(HostPlatform platform, string value, string scheme, string rest, TlsSettings contextTls)
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

        var fromEnvironment = ReferenceEquals(contextTls, FromEnvironment);
        bool verify, tls;
        if (fromEnvironment)
        {
            verify = scheme == "https" || platform.Env("DOCKER_TLS_VERIFY") is not null;
            tls = scheme == "https" || verify || platform.Env("DOCKER_TLS") is not null;
        }
        else
        {
            tls = contextTls.Use || scheme == "https";
            verify = tls && contextTls.Verify;
        }

        var hasPort = hostPort.StartsWith('[') ? hostPort.Contains("]:") : hostPort.Contains(':');
        var withPort = hasPort ? hostPort : hostPort + (tls ? ":2376" : ":2375");
        if (!Uri.TryCreate((tls ? "https://" : "http://") + withPort, UriKind.Absolute, out var uri)
            || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host) || uri.PathAndQuery != "/")
        {
            throw Invalid(value);
        }

        var certPath = !tls ? null
            : fromEnvironment ? platform.Env("DOCKER_CERT_PATH") ?? platform.JoinPath(platform.HomeDirectory, ".docker")
            : contextTls.CertPath;
        return new DockerEndpoint(scheme + "://" + withPort, DockerTransport.Tcp, withPort, uri, tls, verify, certPath);
    }

    private static OneFlexException Invalid(string value) =>
        new(ErrorIds.InvalidDockerHost, ErrorCategory.InvalidArgument, Messages.InvalidDockerHost(Shown(value)), Shown(value));

    /// <summary>An endpoint as it may be shown: never with user info.</summary>
    private static string Shown(string value) => UrlPolicy.RemoveUserInfo(value);
}
