using System.Diagnostics;
using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>
/// A private dockerd for the Docker tests (its own socket, data and exec folders under a short temp dir), a
/// busybox image imported from a tiny rootfs, and helpers that set containers up through the Engine API.
/// Started once per test run, stopped by its pid.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
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

    public DockerClient Client { get; private set; } = null!;

    public void Require() => Requirements.Require(MissingReason is null, MissingReason ?? "");

    public async Task InitializeAsync()
    {
        MissingReason = FindMissingPart();
        if (MissingReason is not null)
        {
            return;
        }

        _directory = Directory.CreateTempSubdirectory("ofd-").FullName;
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

    /// <summary>A bot-like container: prints its bind-mounted config/.env on start, then sleeps. Started unless <paramref name="start"/> is false.</summary>
    public async Task<string> CreateBotAsync(
        string name,
        string? configDirectory = null,
        string? project = null,
        string? service = null,
        bool start = true,
        IList<string>? healthcheck = null,
        string command = "cat /app/config/.env 2>/dev/null; exec sleep 3600")
    {
        await RemoveAsync(name);
        var labels = new Dictionary<string, string>();
        if (project is not null)
        {
            labels["com.docker.compose.project"] = project;
            labels["com.docker.compose.service"] = service ?? name;
            labels["com.docker.compose.container-number"] = "1";
        }

        var created = await Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = Image,
            Cmd = new List<string> { "sh", "-c", command },
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
                Binds = configDirectory is null ? null : new List<string> { $"{configDirectory}:/app/config" },
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

    public async Task<DateTimeOffset> StartedAtAsync(string nameOrId) =>
        DateTimeOffset.Parse((await InspectAsync(nameOrId)).State.StartedAt, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stops a container and returns once the engine reports it exited.</summary>
    public async Task StopAsync(string nameOrId)
    {
        await Client.Containers.StopContainerAsync(nameOrId, new ContainerStopParameters { WaitBeforeKillSeconds = 5 });
        Assert.Equal("exited", (await InspectAsync(nameOrId)).State.Status);
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

    public async Task DisposeAsync()
    {
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

[CollectionDefinition(Name)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "Docker engine";
}
