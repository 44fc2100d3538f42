using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Platform;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

public class DockerFailuresTests
{
    private static readonly DockerEndpoint Socket = DockerEndpointResolver.Parse(
        new HostPlatform(OSKind.Linux, _ => null, "/home/ann"), "unix:///var/run/docker.sock");

    [Fact]
    public void EACCES_on_the_socket_is_DockerPermissionDenied_with_the_fix()
    {
        var failure = DockerFailures.Map(new HttpRequestException("Connection failed.", new SocketException(13)), Socket);

        Assert.Equal(ErrorIds.DockerPermissionDenied, failure.ErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, failure.Category);
        Assert.Contains("usermod -aG docker", failure.Message);
        Assert.Contains("Synology", failure.Message);
        Assert.Contains("/var/run/docker.sock", failure.Message);
    }

    [Theory]
    [InlineData(111)]
    [InlineData(99)]
    [InlineData(2)]
    public void Other_socket_errors_are_DockerUnreachable_naming_the_endpoint(int errno)
    {
        var failure = DockerFailures.Map(new AggregateException(new SocketException(errno)), Socket);

        Assert.Equal(ErrorIds.DockerUnreachable, failure.ErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, failure.Category);
        Assert.Contains("unix:///var/run/docker.sock", failure.Message);
        Assert.Contains("DOCKER_HOST", failure.Message);
    }

    [Fact]
    public void An_engine_error_is_DockerEngineError_with_the_engine_message()
    {
        var api = new DockerApiException(HttpStatusCode.InternalServerError, "{\"message\":\"cannot restart: device busy\"}");

        var failure = DockerFailures.Map(api, Socket, "oneflex-bot");

        Assert.Equal(ErrorIds.DockerEngineError, failure.ErrorId);
        Assert.Contains("cannot restart: device busy", failure.Message);
        Assert.Contains("docker logs oneflex-bot", failure.Message);
        Assert.Equal("oneflex-bot", failure.TargetObject);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "<!DOCTYPE html><html><body>Not Found</body></html>")]
    [InlineData(HttpStatusCode.InternalServerError, "")]
    [InlineData(HttpStatusCode.BadGateway, "{\"error\":\"not docker\"}")]
    public void An_error_that_is_not_an_engine_error_is_DockerNotAnEngine(HttpStatusCode status, string body)
    {
        var failure = DockerFailures.Map(new DockerApiException(status, body), Socket, "oneflex-bot");

        Assert.Equal(ErrorIds.DockerNotAnEngine, failure.ErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, failure.Category);
        Assert.Contains($"HTTP {(int)status}", failure.Message);
        Assert.Contains("-DockerHost", failure.Message);
    }

    [Fact]
    public void A_reply_that_is_not_JSON_or_too_long_is_DockerNotAnEngine()
    {
        var notJson = DockerFailures.Map(new HttpRequestException("x", new System.Text.Json.JsonException("'<' is an invalid start of a value.")), Socket);
        var tooLong = DockerFailures.Map(new HttpRequestException("x", new ReplyTooLargeException(ReplyLimits.DockerEngine)), Socket);

        Assert.Equal(ErrorIds.DockerNotAnEngine, notJson.ErrorId);
        Assert.DoesNotContain("invalid start", notJson.Message);
        Assert.Equal(ErrorIds.DockerNotAnEngine, tooLong.ErrorId);
        Assert.Contains("16 MB", tooLong.Message);
    }

    [Fact]
    public void A_container_removed_mid_restart_is_ContainerNotFound()
    {
        var failure = DockerFailures.Map(new DockerContainerNotFoundException(HttpStatusCode.NotFound, "{\"message\":\"No such container\"}"), Socket, "oneflex-bot");

        Assert.Equal(ErrorIds.ContainerNotFound, failure.ErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, failure.Category);
    }
}
