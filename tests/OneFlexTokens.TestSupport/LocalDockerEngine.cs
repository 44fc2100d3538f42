using System.Diagnostics;
using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OneFlexTokens.TestSupport;

/// <summary>
/// A private dockerd for the Docker tests (its own socket, data and exec folders under a short temp dir), a
/// busybox image imported from a tiny rootfs, and helpers that set containers up through the Engine API.
/// Used by the Docker tests (once per test run) and by the demo; stopped by its pid.
/// </summary>
public class LocalDockerEngine : IAsyncDisposable
{
    public const string Image = "oneflex-test/busybox:latest";
    private const string BusyboxPath = "/bin/busybox";
    private static readonly string[] Applets = { "sh", "cat", "sleep", "echo", "true", "false", "test", "ls" };

    private readonly StringBuilder _daemonLog = new();
    private Process? _daemon;
    private string? _directory;

    public string? MissingReason { get; private set; }

    public string Socket => Path.Combine(_directory!, "docker.sock");

    public string DockerHost => "unix://" + Socket;

    /// <summary>The same engine over tcp with mutual TLS (--tlsverify), as a NAS exposes it to a desktop.</summary>
    public string TlsDockerHost { get; private set; } = "";

    /// <summary>ca.pem, cert.pem and key.pem of a client the engine trusts: a DOCKER_CERT_PATH.</summary>
    public string ClientCertPath => Path.Combine(_directory!, "client-tls");

    public DockerClient Client { get; private set; } = null!;

    /// <summary>Starts dockerd and imports the image; when a part is missing, sets <see cref="MissingReason"/> and does nothing.</summary>
    public async Task StartAsync()
    {
        MissingReason = FindMissingPart();
        if (MissingReason is not null)
        {
            return;
        }

        _directory = Directory.CreateTempSubdirectory("ofd-").FullName;
        var serverTls = WriteTlsMaterial(_directory);
        TlsDockerHost = $"tcp://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dockerd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
                     "--storage-driver=vfs", "--host", DockerHost, "--data-root", Path.Combine(_directory, "data"),
                     "--exec-root", Path.Combine(_directory, "exec"), "--pidfile", Path.Combine(_directory, "dockerd.pid"),
                     "--host", TlsDockerHost, "--tlsverify", "--tlscacert", Path.Combine(serverTls, "ca.pem"),
                     "--tlscert", Path.Combine(serverTls, "cert.pem"), "--tlskey", Path.Combine(serverTls, "key.pem"),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        _daemon = Process.Start(start)!;
        _daemon.OutputDataReceived += (_, e) => { lock (_daemonLog) { _daemonLog.AppendLine(e.Data); } };
        _daemon.ErrorDataReceived += (_, e) => { lock (_daemonLog) { _daemonLog.AppendLine(e.Data); } };
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();

        Client = new DockerClientBuilder().WithEndpoint(new Uri(DockerHost)).WithTimeout(TimeSpan.FromSeconds(60)).Build();
        await WaitForPingAsync(TimeSpan.FromSeconds(60));
        await ImportImageAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A throwaway CA, a server certificate for 127.0.0.1 and a client certificate; returns the server's folder.</summary>
    private string WriteTlsMaterial(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=OneFlexTokens test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));

        string Issue(string folder, string subject, string usageOid, Action<CertificateRequest> extend)
        {
            Directory.CreateDirectory(folder);
            using var key = RSA.Create(2048);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(usageOid) }, false));
            extend(request);
            using var certificate = request.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
            File.WriteAllText(Path.Combine(folder, "ca.pem"), ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            return folder;
        }

        Issue(ClientCertPath, "CN=oneflex-desktop", "1.3.6.1.5.5.7.3.2", _ => { });
        return Issue(Path.Combine(directory, "server-tls"), "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", request =>
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        });
    }

    private static string? FindMissingPart()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The Docker tests start their own dockerd, which needs Linux.";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "The Docker tests start their own dockerd, which needs root (run the tests as root, as CI does).";
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(new[] { "/usr/sbin", "/usr/bin", "/sbin" })
            .Any(dir => File.Exists(Path.Combine(dir, "dockerd")));
        if (!onPath)
        {
            return "dockerd is not installed (apt-get install -y --no-install-recommends docker.io).";
        }

        return File.Exists(BusyboxPath) ? null : "busybox-static is not installed at /bin/busybox (apt-get install -y busybox-static).";
    }

    private async Task WaitForPingAsync(TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_daemon!.HasExited)
            {
                throw new InvalidOperationException($"dockerd exited with code {_daemon.ExitCode}:\n{DaemonLog}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Client.System.PingAsync(attempt.Token);
                return;
            }
            catch (Exception e)
            {
                last = e;
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"dockerd did not answer /_ping within {bound.TotalSeconds} s ({last?.Message}):\n{DaemonLog}");
    }

    public string DaemonLog { get { lock (_daemonLog) { return _daemonLog.ToString(); } } }

    private async Task ImportImageAsync()
    {
        using var tarball = new MemoryStream();
        using (var tar = new TarWriter(tarball, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var dir in new[] { "bin/", "tmp/", "app/", "app/config/", "etc/", "proc/", "sys/", "dev/" })
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = (UnixFileMode)Convert.ToInt32("755", 8) });
            }

            tar.WriteEntry(BusyboxPath, "bin/busybox");
            foreach (var applet in Applets)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
            }
        }

        tarball.Position = 0;
        await Client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = Image }, tarball, null, new Progress<JSONMessage>(), CancellationToken.None);
        await Client.Images.InspectImageAsync(Image);
    }

    /// <summary>
    /// A bot-like container: prints its bind-mounted config/.env on start, then sleeps. Started unless <paramref name="start"/>
    /// is false. <paramref name="environment"/> (KEY=value) is its own environment, as compose env_file: or environment: set it.
    /// A compose project's folder (its working_dir label) is <paramref name="workingDirectory"/>, else /volume1/docker/project.
    /// </summary>
    public async Task<string> CreateBotAsync(
        string name,
        string? configDirectory = null,
        string? project = null,
        string? service = null,
        bool start = true,
        IList<string>? healthcheck = null,
        string command = "cat /app/config/.env 2>/dev/null; exec sleep 3600",
        IList<string>? environment = null,
        string? workingDirectory = null)
    {
        await RemoveAsync(name);
        var labels = new Dictionary<string, string>();
        if (project is not null)
        {
            labels["com.docker.compose.project"] = project;
            labels["com.docker.compose.service"] = service ?? name;
            labels["com.docker.compose.container-number"] = "1";
            labels["com.docker.compose.project.working_dir"] = workingDirectory ?? "/volume1/docker/" + project;
        }

        var created = await Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = Image,
            Cmd = new List<string> { "sh", "-c", command },
            Env = environment ?? new List<string>(),
            Labels = labels,
            Healthcheck = healthcheck is null ? null : new HealthcheckConfig
            {
                Test = healthcheck,
                Interval = TimeSpan.FromMilliseconds(200),
                Timeout = TimeSpan.FromSeconds(2),
                Retries = 1,
            },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                Init = true,
                Binds = configDirectory is null ? new List<string>() : new List<string> { $"{configDirectory}:/app/config" },
            },
        });
        if (start)
        {
            await Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        }

        return created.ID;
    }

    /// <summary>A container the engine cannot start: its program does not exist, so the start request itself fails.</summary>
    public async Task CreateUnstartableAsync(string name)
    {
        await RemoveAsync(name);
        await Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = Image,
            Cmd = new List<string> { "/no/such/program" },
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
    }

    public Task<ContainerInspectResponse> InspectAsync(string nameOrId) => Client.Containers.InspectContainerAsync(nameOrId);

    /// <summary>The container's state as the engine reports it; an engine that reports none is a broken fixture, not a test result.</summary>
    public async Task<State> StateAsync(string nameOrId) =>
        (await InspectAsync(nameOrId)).State ?? throw new InvalidOperationException($"The engine reported no state for container {nameOrId}.");

    public async Task<DateTimeOffset> StartedAtAsync(string nameOrId) =>
        DateTimeOffset.Parse((await StateAsync(nameOrId)).StartedAt, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stops a container and returns once the engine reports it exited.</summary>
    public async Task StopAsync(string nameOrId)
    {
        await Client.Containers.StopContainerAsync(nameOrId, new ContainerStopParameters { WaitBeforeKillSeconds = 5 });
        var state = (await StateAsync(nameOrId)).Status;
        if (state != "exited")
        {
            throw new InvalidOperationException($"Container {nameOrId} is '{state}' after a stop, not 'exited'.");
        }
    }

    /// <summary>Follows the container's log until <paramref name="text"/> appears (bounded); returns the log so far. The text may be a secret: it is never shown.</summary>
    public async Task<string> WaitForLogAsync(string nameOrId, string text, TimeSpan bound)
    {
        using var cancel = new CancellationTokenSource(bound);
        var seen = new StringBuilder();
        try
        {
            using var stream = await Client.Containers.GetContainerLogsAsync(nameOrId, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = true }, cancel.Token);
            var buffer = new byte[4096];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancel.Token);
                if (read.EOF)
                {
                    break;
                }

                seen.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
                if (seen.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return seen.ToString();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"The expected text ({text.Length} characters) did not appear in the log of {nameOrId} within {bound.TotalSeconds} s.");
    }

    /// <summary>How many times the engine reported <paramref name="action"/> for the container since <paramref name="since"/>.</summary>
    public async Task<int> CountEventsAsync(string id, string action, DateTimeOffset since)
    {
        var events = new List<Message>();
        await Client.System.MonitorEventsAsync(
            new ContainerEventsParameters
            {
                Since = since.AddSeconds(-1).ToUnixTimeSeconds().ToString(),
                Until = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeSeconds().ToString(),
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["container"] = new Dictionary<string, bool> { [id] = true },
                    ["event"] = new Dictionary<string, bool> { [action] = true },
                },
            },
            new SynchronousProgress<Message>(events.Add),
            CancellationToken.None);
        return events.Count(e => e.TimeNano is null || DateTimeOffset.FromUnixTimeMilliseconds(e.TimeNano.Value / 1_000_000) >= since);
    }

    public async Task RemoveAsync(string nameOrId)
    {
        try
        {
            await Client.Containers.RemoveContainerAsync(nameOrId, new ContainerRemoveParameters { Force = true });
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_daemon is null)
        {
            return;
        }

        try
        {
            foreach (var container in await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }))
            {
                await RemoveAsync(container.ID);
            }
        }
        catch (Exception)
        {
            // The daemon is stopped below whatever happened here.
        }

        Client.Dispose();
        _ = Kill(_daemon.Id, 15);
        if (!_daemon.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _daemon.Kill();
            _daemon.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _daemon.Dispose();
        try
        {
            Directory.Delete(_directory!, recursive: true);
        }
        catch (Exception)
        {
            // vfs layers can hold read-only files; the temp folder is cleaned by the OS.
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
