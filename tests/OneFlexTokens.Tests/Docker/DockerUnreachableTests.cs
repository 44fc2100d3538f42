using System.Management.Automation;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>Restart-OneFlexBot when no engine answers: needs no dockerd, but runs in the engine's collection because the TLS test there sets DOCKER_TLS_VERIFY for the process.</summary>
[Collection(DockerEngineCollection.Name)]
public sealed class DockerUnreachableTests
{
    [Fact]
    public void A_socket_nobody_listens_on_is_DockerUnreachable_naming_the_endpoint_and_what_to_check()
    {
        var socket = Path.Combine(Path.GetTempPath(), "oneflex-no-engine-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var session = new PowerShellSession();

        var result = session.Invoke("Restart-OneFlexBot -DockerHost $args[0]", "unix://" + socket);

        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("DockerUnreachable", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("unix://" + socket, error.Exception.Message);
        Assert.Contains("daemon is running", error.Exception.Message);
    }

    [Fact]
    public void A_missing_socket_says_the_file_does_not_exist_not_the_OS_text()
    {
        var socket = Path.Combine(Path.GetTempPath(), "oneflex-missing-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var session = new PowerShellSession();

        var result = session.Invoke("Restart-OneFlexBot -DockerHost $args[0]", "unix://" + socket);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("DockerUnreachable", error.FullyQualifiedErrorId);
        Assert.Contains($"there is no socket at {socket}", error.Exception.Message);
        Assert.DoesNotContain("Cannot assign requested address", error.Exception.Message);
    }

    [SkippableFact]
    public void A_socket_file_no_engine_listens_on_says_so()
    {
        Skip.If(OperatingSystem.IsWindows(), "unix sockets of this kind are a Unix file");
        var socket = Path.Combine(Path.GetTempPath(), "oneflex-stale-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        // Bound but not listening: the file is there and a connect is refused, as after a daemon that died without cleaning up.
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        bound.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        using var session = new PowerShellSession();

        var result = session.Invoke("Restart-OneFlexBot -DockerHost $args[0]", "unix://" + socket);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("DockerUnreachable", error.FullyQualifiedErrorId);
        Assert.Contains($"the socket {socket} exists but no engine listens on it", error.Exception.Message);
    }

    [Fact]
    public void A_tcp_port_nobody_listens_on_is_DockerUnreachable()
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("Restart-OneFlexBot -DockerHost tcp://127.0.0.1:1 -ComposeProject oneflex");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("DockerUnreachable", error.FullyQualifiedErrorId);
        Assert.Contains("tcp://127.0.0.1:1", error.Exception.Message);
        Assert.Contains("nothing listens at 127.0.0.1:1", error.Exception.Message);
    }

    [Fact]
    public void A_bad_DockerHost_is_InvalidDockerHost()
    {
        using var session = new PowerShellSession();

        var result = session.Invoke("Restart-OneFlexBot -DockerHost 'docker.sock'");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("InvalidDockerHost", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }
}
