using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>
/// The endpoint as the docker CLI resolves it, with contexts made by the real <c>docker context create</c> in a
/// DOCKER_CONFIG folder of the test's own, and with hostile or broken context files.
/// </summary>
public sealed class DockerContextTests : IDisposable
{
    private readonly string _config = Directory.CreateTempSubdirectory("oneflex-docker-config-").FullName;
    private readonly string _home = Directory.CreateTempSubdirectory("oneflex-docker-home-").FullName;

    public void Dispose()
    {
        Directory.Delete(_config, recursive: true);
        Directory.Delete(_home, recursive: true);
    }

    private static void RequireDockerCli()
    {
        Requirements.RequireUnix();
        Requirements.Require(Which("docker") is not null, "the docker CLI is not installed (tests/install-deps.sh installs docker.io)");
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);

    /// <summary>Runs the real docker CLI with this test's DOCKER_CONFIG and nothing else of the docker environment.</summary>
    private string Docker(params string[] args) =>
        Programs.Run("env", new[] { "-u", "DOCKER_HOST", "-u", "DOCKER_CONTEXT", "DOCKER_CONFIG=" + _config, "docker" }.Concat(args).ToArray());

    private HostPlatform Platform(params (string Name, string Value)[] environment)
    {
        var variables = environment.Append(("DOCKER_CONFIG", _config)).ToDictionary(e => e.Item1, e => e.Item2);
        return new HostPlatform(OSKind.Linux, name => variables.GetValueOrDefault(name), _home);
    }

    private string MetaFile(string context) =>
        Path.Combine(_config, "contexts", "meta", Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(context))).ToLowerInvariant(), "meta.json");

    [Fact]
    public void The_config_folder_is_DOCKER_CONFIG_else_dot_docker_in_the_home_folder_on_every_OS()
    {
        Assert.Equal(@"C:\Users\ann\.docker", DockerEndpointResolver.ConfigFolder(new HostPlatform(OSKind.Windows, _ => null, @"C:\Users\ann")));
        Assert.Equal("/Users/ann/.docker", DockerEndpointResolver.ConfigFolder(new HostPlatform(OSKind.MacOS, _ => null, "/Users/ann")));
        Assert.Equal("/srv/docker-cfg", DockerEndpointResolver.ConfigFolder(new HostPlatform(OSKind.Linux, n => n == "DOCKER_CONFIG" ? "/srv/docker-cfg" : null, "/home/ann")));
    }

    [SkippableFact]
    public void The_current_context_of_config_json_is_used_when_nothing_else_names_an_engine()
    {
        RequireDockerCli();
        Docker("context", "create", "nas", "--docker", "host=unix:///run/nas/docker.sock");
        Docker("context", "use", "nas");

        var endpoint = DockerEndpointResolver.Resolve(Platform(), null);

        Assert.Equal("unix:///run/nas/docker.sock", endpoint.Display);
        Assert.Equal(DockerTransport.Unix, endpoint.Transport);
        Assert.Contains("Docker context 'nas'", endpoint.Source);
        Assert.Contains(Path.Combine(_config, "config.json"), endpoint.Source);
    }

    [SkippableFact]
    public void The_precedence_is_the_CLIs_DockerHost_then_DOCKER_HOST_then_DOCKER_CONTEXT_then_the_current_context()
    {
        RequireDockerCli();
        Docker("context", "create", "nas", "--docker", "host=unix:///run/nas/docker.sock");
        Docker("context", "create", "lab", "--docker", "host=tcp://lab.local:2375");
        Docker("context", "use", "nas");

        var withContext = DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "lab")), null);
        var withHost = DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "lab"), ("DOCKER_HOST", "unix:///tmp/env.sock")), null);
        var explicitHost = DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "lab"), ("DOCKER_HOST", "unix:///tmp/env.sock")), "unix:///tmp/arg.sock");
        var defaultContext = DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "default")), null);

        Assert.Equal("tcp://lab.local:2375", withContext.Display);
        Assert.Equal("http://lab.local:2375/", withContext.Uri.ToString());
        Assert.Contains("DOCKER_CONTEXT", withContext.Source);
        Assert.Equal(("unix:///tmp/env.sock", "DOCKER_HOST"), (withHost.Display, withHost.Source));
        Assert.Equal(("unix:///tmp/arg.sock", "-DockerHost"), (explicitHost.Display, explicitHost.Source));
        Assert.Equal(DockerEndpointResolver.LinuxDefault, defaultContext.Display);
        // The CLI itself picks the same context.
        Assert.Equal("lab", Programs.Run("env", "-u", "DOCKER_HOST", "DOCKER_CONFIG=" + _config, "DOCKER_CONTEXT=lab", "docker", "context", "show").Trim());
    }

    [SkippableFact]
    public void A_context_with_TLS_material_uses_its_own_certificates_and_SkipTLSVerify()
    {
        RequireDockerCli();
        var certificates = Directory.CreateDirectory(Path.Combine(_home, "certs")).FullName;
        Programs.Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=nas.local",
            "-keyout", Path.Combine(certificates, "key.pem"), "-out", Path.Combine(certificates, "cert.pem"));
        File.Copy(Path.Combine(certificates, "cert.pem"), Path.Combine(certificates, "ca.pem"));
        Docker("context", "create", "nas", "--docker",
            $"host=tcp://nas.local:2376,ca={certificates}/ca.pem,cert={certificates}/cert.pem,key={certificates}/key.pem");
        Docker("context", "create", "insecure", "--docker", "host=tcp://lab.local:2376,skip-tls-verify=true");

        var verified = DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "nas"), ("DOCKER_CERT_PATH", "/elsewhere")), null);
        var unverified = DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "insecure")), null);

        Assert.Equal("https://nas.local:2376/", verified.Uri.ToString());
        Assert.True(verified.UseTls);
        Assert.True(verified.VerifyServer);
        Assert.StartsWith(Path.Combine(_config, "contexts", "tls"), verified.CertPath);
        Assert.All(new[] { "ca.pem", "cert.pem", "key.pem" }, file =>
            Assert.Equal(File.ReadAllText(Path.Combine(certificates, file)), File.ReadAllText(Path.Combine(verified.CertPath!, file))));
        Assert.True(unverified.UseTls);
        Assert.False(unverified.VerifyServer);
    }

    [SkippableFact]
    public void A_context_that_does_not_exist_is_DockerContextNotFound()
    {
        RequireDockerCli();
        Docker("context", "create", "nas", "--docker", "host=unix:///run/nas/docker.sock");
        Docker("context", "use", "nas");
        Docker("context", "use", "default");
        File.WriteAllText(Path.Combine(_config, "config.json"), "{\"currentContext\":\"gone\"}");

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(), null));

        Assert.Equal(ErrorIds.DockerContextNotFound, failure.ErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, failure.Category);
        Assert.Contains("'gone'", failure.Message);
        Assert.Contains("docker context ls", failure.Message);
    }

    [SkippableFact]
    public void An_endpoint_with_user_info_is_DockerContextInvalid_and_never_shows_it()
    {
        RequireDockerCli();
        Docker("context", "create", "nas", "--docker", "host=tcp://nas.local:2375");
        var meta = MetaFile("nas");
        File.WriteAllText(meta, File.ReadAllText(meta).Replace("tcp://nas.local", "tcp://alice:s3cr3t-pw@nas.local", StringComparison.Ordinal));

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "nas")), null));

        Assert.Equal(ErrorIds.DockerContextInvalid, failure.ErrorId);
        Assert.Contains(meta, failure.Message);
        Assert.DoesNotContain("s3cr3t", failure.Message);
        Assert.DoesNotContain("alice", failure.Message);
    }

    [SkippableFact]
    public void An_ssh_context_is_DockerContextInvalid()
    {
        RequireDockerCli();
        Docker("context", "create", "remote", "--docker", "host=ssh://admin@nas.local");

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "remote")), null));

        Assert.Equal(ErrorIds.DockerContextInvalid, failure.ErrorId);
        Assert.DoesNotContain("admin", failure.Message);
    }

    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "meta", "not json" },
        { "config", "{\"currentContext\": " },
        { "meta", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" },
    };

    [SkippableTheory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_context_file_is_DockerConfigUnreadable_naming_the_file(string which, string text)
    {
        RequireDockerCli();
        Docker("context", "create", "nas", "--docker", "host=unix:///run/nas/docker.sock");
        Docker("context", "use", "nas");
        var file = which == "meta" ? MetaFile("nas") : Path.Combine(_config, "config.json");
        File.WriteAllText(file, text);

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(), null));

        Assert.Equal(ErrorIds.DockerConfigUnreadable, failure.ErrorId);
        Assert.Contains(file, failure.Message);
        Assert.Contains("not valid JSON", failure.Message);
    }

    [SkippableFact]
    public void A_huge_context_file_is_refused_quickly_without_reading_it_all()
    {
        RequireDockerCli();
        Docker("context", "create", "nas", "--docker", "host=unix:///run/nas/docker.sock");
        var meta = MetaFile("nas");
        using (var huge = File.OpenWrite(meta))
        {
            huge.SetLength(2L * 1024 * 1024 * 1024);
        }

        var clock = Stopwatch.StartNew();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(("DOCKER_CONTEXT", "nas")), null));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(ErrorIds.DockerConfigUnreadable, failure.ErrorId);
        Assert.Contains("larger than", failure.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [SkippableFact]
    public void A_fifo_in_place_of_config_json_does_not_block()
    {
        RequireDockerCli();
        Programs.Run("mkfifo", Path.Combine(_config, "config.json"));

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(), null));

        Assert.Equal(ErrorIds.DockerConfigUnreadable, failure.ErrorId);
        Assert.Contains("not a regular file", failure.Message);
    }

    [SkippableFact]
    public void A_link_of_another_account_is_not_followed()
    {
        RequireDockerCli();
        Skip.IfNot(PlatformFiles.IsRoot, "only root can give a link to another account here");
        var elsewhere = Path.Combine(_home, "their-config.json");
        File.WriteAllText(elsewhere, "{\"currentContext\":\"theirs\"}");
        var link = Path.Combine(_config, "config.json");
        File.CreateSymbolicLink(link, elsewhere);
        Programs.Run("chown", "-h", "65534:65534", link);

        var failure = Assert.Throws<OneFlexException>(() => DockerEndpointResolver.Resolve(Platform(), null));

        Assert.Equal(ErrorIds.DockerConfigUnreadable, failure.ErrorId);
        Assert.Equal(ErrorCategory.SecurityError, failure.Category);
        Assert.Contains("link owned by", failure.Message);
        Assert.DoesNotContain("theirs", failure.Message);
    }
}
