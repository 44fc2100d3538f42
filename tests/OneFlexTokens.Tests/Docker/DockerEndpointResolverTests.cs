using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

public class DockerEndpointResolverTests
{
    private static HostPlatform Platform(OSKind os, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        var home = os == OSKind.Windows ? @"C:\Users\ann" : os == OSKind.MacOS ? "/Users/ann" : "/home/ann";
        return new HostPlatform(os, name => variables.GetValueOrDefault(name), home);
    }

    [Theory]
    [InlineData(nameof(OSKind.Linux), nameof(DockerTransport.Unix), "/var/run/docker.sock", "unix:///var/run/docker.sock")]
    [InlineData(nameof(OSKind.MacOS), nameof(DockerTransport.Unix), "/var/run/docker.sock", "unix:///var/run/docker.sock")]
    [InlineData(nameof(OSKind.Windows), nameof(DockerTransport.NamedPipe), "docker_engine", "npipe://./pipe/docker_engine")]
    public void Without_DockerHost_or_DOCKER_HOST_the_platform_default_is_used(string osName, string transportName, string address, string display)
    {
        var os = Enum.Parse<OSKind>(osName);
        var transport = Enum.Parse<DockerTransport>(transportName);
        var endpoint = DockerEndpointResolver.Resolve(Platform(os), null);

        Assert.Equal(transport, endpoint.Transport);
        Assert.Equal(address, endpoint.Address);
        Assert.Equal(display, endpoint.Display);
        Assert.False(endpoint.UseTls);
    }

    [Fact]
    public void DockerHost_wins_over_DOCKER_HOST_which_wins_over_the_default()
    {
        var platform = Platform(OSKind.Linux, ("DOCKER_HOST", "unix:///run/user/1000/docker.sock"));

        Assert.Equal("/run/user/1000/docker.sock", DockerEndpointResolver.Resolve(platform, null).Address);
        Assert.Equal("/tmp/other.sock", DockerEndpointResolver.Resolve(platform, "unix:///tmp/other.sock").Address);
        Assert.Equal("/run/user/1000/docker.sock", DockerEndpointResolver.Resolve(platform, "  ").Address);
    }

    [Theory]
    [InlineData("npipe://./pipe/docker_engine")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData(@"npipe://\\.\pipe\docker_engine")]
    public void Named_pipe_forms_the_docker_CLI_accepts_are_one_endpoint(string value)
    {
        var endpoint = DockerEndpointResolver.Resolve(Platform(OSKind.Windows), value);

        Assert.Equal(DockerTransport.NamedPipe, endpoint.Transport);
        Assert.Equal("docker_engine", endpoint.Address);
        Assert.Equal("npipe://./pipe/docker_engine", endpoint.Uri.OriginalString);
    }

    [Fact]
    public void Tcp_with_DOCKER_TLS_VERIFY_uses_https_and_the_certificates_of_DOCKER_CERT_PATH()
    {
        var platform = Platform(OSKind.Windows,
            ("DOCKER_HOST", "tcp://nas.local:2376"), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", @"C:\certs\nas"));

        var endpoint = DockerEndpointResolver.Resolve(platform, null);

        Assert.Equal(DockerTransport.Tcp, endpoint.Transport);
        Assert.Equal("https://nas.local:2376/", endpoint.Uri.ToString());
        Assert.True(endpoint.UseTls);
        Assert.True(endpoint.VerifyServer);
        Assert.Equal(@"C:\certs\nas", endpoint.CertPath);
        Assert.Equal("tcp://nas.local:2376", endpoint.Display);
    }

    [Fact]
    public void Tls_certificates_default_to_the_docker_folder_in_the_home_directory()
    {
        var endpoint = DockerEndpointResolver.Resolve(Platform(OSKind.MacOS, ("DOCKER_TLS_VERIFY", "1")), "tcp://192.168.1.20:2376");

        Assert.Equal("/Users/ann/.docker", endpoint.CertPath);
    }

    [Fact]
    public void Tcp_without_TLS_is_plain_http_and_gets_the_default_port()
    {
        var endpoint = DockerEndpointResolver.Resolve(Platform(OSKind.Linux), "tcp://192.168.1.20");

        Assert.Equal("http://192.168.1.20:2375/", endpoint.Uri.ToString());
        Assert.False(endpoint.UseTls);
        Assert.Null(endpoint.CertPath);
        Assert.Equal("192.168.1.20:2375", endpoint.Address);
    }

    [Fact]
    public void DOCKER_TLS_alone_encrypts_without_verifying_the_server()
    {
        var endpoint = DockerEndpointResolver.Resolve(Platform(OSKind.Linux, ("DOCKER_TLS", "1")), "tcp://nas:2376");

        Assert.True(endpoint.UseTls);
        Assert.False(endpoint.VerifyServer);
        Assert.Equal("https://nas:2376/", endpoint.Uri.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("docker.sock")]
    [InlineData("unix://")]
    [InlineData("unix://relative/docker.sock")]
    [InlineData("npipe://docker_engine")]
    [InlineData("npipe://./pipe/")]
    [InlineData("tcp://")]
    [InlineData("tcp://host:notaport")]
    [InlineData("tcp://host:2375/path")]
    [InlineData("fd://")]
    [InlineData("ftp://host")]
    [InlineData("ssh://admin@nas")]
    public void Values_that_are_not_an_endpoint_are_InvalidDockerHost(string value)
    {
        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Parse(Platform(OSKind.Linux), value));

        Assert.Equal(ErrorIds.InvalidDockerHost, failure.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, failure.Category);
        Assert.Contains("-DockerHost", failure.Message);
    }

    [Theory]
    [InlineData("tcp://admin:SECRET@nas:2376")]
    [InlineData("https://SECRET@nas")]
    [InlineData("tcp://a:SECRET@b@nas:2375/")]
    public void A_tcp_host_with_user_info_is_refused_and_shown_without_it(string value)
    {
        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Parse(Platform(OSKind.Linux), value));

        Assert.Equal(ErrorIds.InvalidDockerHost, failure.ErrorId);
        Assert.Contains("user name or password", failure.Message);
        Assert.DoesNotContain("SECRET", failure.Message);
        Assert.DoesNotContain("SECRET", failure.TargetObject?.ToString());
    }
}
