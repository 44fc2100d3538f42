using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Hardening;

/// <summary>The one URL policy: what the module sends secrets to, and how every URL is shown.</summary>
public class UrlPolicyTests
{
    [Theory]
    [InlineData("https://oneflex.myworldline.com", nameof(UrlVerdict.Ok))]
    [InlineData("  https://oneflex.example/app?x=1 ", nameof(UrlVerdict.Ok))]
    [InlineData("http://127.0.0.1:5000", nameof(UrlVerdict.Ok))]
    [InlineData("http://127.8.9.10:5000", nameof(UrlVerdict.Ok))]
    [InlineData("http://localhost:5000", nameof(UrlVerdict.Ok))]
    [InlineData("http://[::1]:5000", nameof(UrlVerdict.Ok))]
    [InlineData("http://oneflex.example.com", nameof(UrlVerdict.Insecure))]
    [InlineData("http://10.0.0.1", nameof(UrlVerdict.Insecure))]
    [InlineData("http://user:SECRET@127.0.0.1:5000", nameof(UrlVerdict.HasUserInfo))]
    [InlineData("https://user:SECRET@oneflex.example", nameof(UrlVerdict.HasUserInfo))]
    [InlineData("https://token@oneflex.example/", nameof(UrlVerdict.HasUserInfo))]
    [InlineData("http://user:SECRET@127.0.0.1:99999", nameof(UrlVerdict.HasUserInfo))]
    [InlineData("oneflex.example.com", nameof(UrlVerdict.NotHttpUrl))]
    [InlineData("ftp://oneflex.example.com", nameof(UrlVerdict.NotHttpUrl))]
    [InlineData("file:///etc/passwd", nameof(UrlVerdict.NotHttpUrl))]
    [InlineData("", nameof(UrlVerdict.NotHttpUrl))]
    public void Check_allows_https_and_loopback_http_without_user_info(string text, string expected) =>
        Assert.Equal(Enum.Parse<UrlVerdict>(expected), UrlPolicy.Check(text, out _));

    [Theory]
    [InlineData("https://OneFlex.Example.com", "https://oneflex.example.com")]
    [InlineData("https://oneflex.example.com/", "https://oneflex.example.com")]
    [InlineData(" https://oneflex.example.com:8443/app/home?x=1 ", "https://oneflex.example.com:8443")]
    public void The_base_url_is_one_origin_without_trailing_slash_and_names_endpoints_on_it(string given, string origin)
    {
        var baseUrl = OneFlexBaseUrl.Validate(given);

        Assert.Equal(origin, baseUrl.Text);
        Assert.Equal(origin, baseUrl.ToString());
        Assert.Equal(origin + "/api/auth/token", baseUrl.Endpoint("api/auth/token").ToString());
        Assert.Equal(origin + "/api/gql", baseUrl.Endpoint("/api/gql").ToString());
        Assert.Equal(baseUrl, OneFlexBaseUrl.Validate(origin + "/"));
    }

    [Fact]
    public void Base_url_and_webhook_follow_the_same_loopback_rule()
    {
        foreach (var host in new[] { "127.0.0.1", "127.0.0.2", "localhost", "[::1]" })
        {
            Assert.Equal($"http://{host}:8080", OneFlexBaseUrl.Validate($"http://{host}:8080/some/path").Text);
            Assert.Equal(host.Trim('[', ']'), WebhookAddress.Parse($"http://{host}:8080/hook").Host.Trim('[', ']'));
        }
    }

    [Theory]
    [InlineData("http://user:SECRET@127.0.0.1:5000", ErrorIds.BaseUrlHasUserInfo)]
    [InlineData("https://user:SECRET@oneflex.example.com", ErrorIds.BaseUrlHasUserInfo)]
    [InlineData("http://user:SECRET@127.0.0.1:99999", ErrorIds.BaseUrlHasUserInfo)]
    [InlineData("http://user:SECRET@oneflex.example.com/path", ErrorIds.BaseUrlHasUserInfo)]
    [InlineData("htp://user:SECRET@oneflex", ErrorIds.BaseUrlHasUserInfo)]
    public void A_base_url_with_user_info_is_refused_without_repeating_it(string value, string errorId)
    {
        var failure = Assert.Throws<OneFlexException>(() => OneFlexBaseUrl.Validate(value));

        Assert.Equal(errorId, failure.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, failure.Category);
        Assert.Contains("-BaseUrl", failure.Message);
        SecretAssert.NotIn(failure.Message + failure.TargetObject + failure, "SECRET", "user:");
    }

    [Fact]
    public void Display_never_shows_user_info_and_masks_a_webhook_path()
    {
        Assert.Equal("http://127.0.0.1:5000/api?x=1", UrlPolicy.Display("http://user:SECRET@127.0.0.1:5000/api?x=1"));
        Assert.Equal("http://127.0.0.1:99999/", UrlPolicy.Display("http://user:SECRET@127.0.0.1:99999/"));
        Assert.Equal("https://oneflex.example/", UrlPolicy.Display(new Uri("https://a:b@oneflex.example/")));
        Assert.Equal("http://127.0.0.1:5000", UrlPolicy.Origin(new Uri("http://user:SECRET@127.0.0.1:5000/x")));
        Assert.Equal("see tcp://nas:2376 and https://host/p", UrlPolicy.RemoveUserInfo("see tcp://me:pw@nas:2376 and https://a@b@host/p"));
        Assert.Equal("unix:///home/u@x/docker.sock", UrlPolicy.RemoveUserInfo("unix:///home/u@x/docker.sock"));

        var masked = UrlPolicy.DisplayMaskedPath("https://user:SECRET@chat.example.com/hooks/abc123-very-secret?token=xyz");
        Assert.StartsWith("https://chat.example.com/", masked);
        SecretAssert.NotIn(masked, "SECRET", "abc123-very-secret", "xyz");
    }

    [Theory]
    [InlineData("https://user:SECRET@discord.com/api/webhooks/1/hook-path-secret")]
    [InlineData("http://user:SECRET@127.0.0.1:9/hook-path-secret")]
    public void A_webhook_with_user_info_is_refused_without_showing_it_or_its_path(string url)
    {
        var failure = Assert.Throws<OneFlexException>(() => WebhookAddress.Parse(url));

        Assert.Equal(ErrorIds.NotificationWebhookInvalid, failure.ErrorId);
        Assert.Contains("user name or password", failure.Message);
        SecretAssert.NotIn(failure.ToString(), "SECRET", "hook-path-secret");
    }

    [Theory]
    [InlineData("tcp://user:SECRET@127.0.0.1:2375")]
    [InlineData("tcp://SECRET@nas:2376")]
    [InlineData("https://user:SECRET@nas:2376")]
    [InlineData("ssh://user:SECRET@nas")]
    public void A_docker_host_with_user_info_is_InvalidDockerHost_without_it(string value)
    {
        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Parse(new HostPlatform(OSKind.Linux, _ => null, "/root"), value));

        Assert.Equal(ErrorIds.InvalidDockerHost, failure.ErrorId);
        Assert.Contains("-DockerHost", failure.Message);
        SecretAssert.NotIn(failure.Message + failure.TargetObject, "SECRET");
    }

    [Theory]
    [InlineData(nameof(OSKind.Linux))]
    [InlineData(nameof(OSKind.MacOS))]
    public void A_named_pipe_off_Windows_is_InvalidDockerHost(string osName)
    {
        var os = Enum.Parse<OSKind>(osName);
        var platform = new HostPlatform(os, _ => null, "/home/ann");

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Parse(platform, "npipe://./pipe/docker_engine"));

        Assert.Equal(ErrorIds.InvalidDockerHost, failure.ErrorId);
        Assert.Contains("only on Windows", failure.Message);
        Assert.Equal(DockerTransport.NamedPipe, DockerEndpointResolver.Parse(platform with { OS = OSKind.Windows }, "npipe://./pipe/docker_engine").Transport);
    }
}
