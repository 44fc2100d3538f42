using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OneFlex.Simulator;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.TestSupport;
using static OneFlexTokens.Benchmarks.Stats;

namespace OneFlexTokens.Benchmarks;

public static class Benchmarks
{
    public static IReadOnlyList<Benchmark> All { get; } = new Benchmark[]
    {
        new("import", Import),
        new("refresh", Refresh),
        new("headless", Headless),
        new("latency", Latency),
        new("restart", Restart),
        new("throughput", Throughput),
        new("save", Save),
        new("cron", Cron),
        new("cron-pwsh", CronInPwsh),
        new("package", PackageBenchmarks.Size),
        new("install", PackageBenchmarks.Install),
        new("installed", PackageBenchmarks.FirstSignIn),
        new("installed-other", PackageBenchmarks.FirstSignInAnotherAccount),
        new("remote", RemoteBenchmarks.Run),
    };

    private static string Self => Environment.ProcessPath!;

    // ---- Import-Module in a fresh process, against the first command of an empty runspace ----

    private static Task<BenchResult> Import(BenchOptions options)
    {
        var runs = options.RunsOr(10);
        var host = ReadyToRunHost.Prepare();
        ChildImport Child(string executable, string mode) =>
            Children.Parse<ChildImport>(Exec.Run(executable, new[] { "--child", mode }, ReadyToRunHost.Environment).Stdout);

        var imports = new List<ChildImport>();
        var empties = new List<ChildImport>();
        for (var i = 0; i < runs; i++)
        {
            empties.Add(Child(host, "empty"));
            imports.Add(Child(host, "import"));
        }

        var jitImports = new List<double>();
        var jitEmpties = new List<double>();
        for (var i = 0; i < Math.Min(runs, 3); i++)
        {
            jitEmpties.Add(Child(Self, "empty").CommandMs);
            jitImports.Add(Child(Self, "import").CommandMs);
        }

        var ours = Median(imports.Select(c => c.CommandMs));
        var baseline = Median(empties.Select(c => c.CommandMs));
        var heavy = imports.Any(c => c.Playwright || c.DockerDotNet);
        var loaded = imports.SelectMany(c => c.NewAssemblies).Distinct().Order();
        return Task.FromResult(new BenchResult(
            "Import-Module (fresh process)",
            Ms(ours),
            Ms(baseline) + " (Get-Module)",
            "+" + Ms(ours - baseline),
            "≤ 200 ms; no Playwright/Docker.DotNet",
            ours - baseline <= 200 && !heavy,
            $"ReadyToRun host (as pwsh): import {Spread(imports.Select(c => c.CommandMs).ToArray())}, empty runspace open {Ms(Median(imports.Select(c => c.OpenMs)))}; " +
            $"IL-only host (NuGet SMA, JIT): import {Ms(Median(jitImports))} vs Get-Module {Ms(Median(jitEmpties))}; " +
            $"Playwright loaded: {imports.Any(c => c.Playwright)}, Docker.DotNet loaded: {imports.Any(c => c.DockerDotNet)}; assemblies the import loads: {string.Join(", ", loaded)}"));
    }

    // ---- Refresh-grant pipeline, warm, against the bare HTTP round trip ----

    private static async Task<BenchResult> Refresh(BenchOptions options)
    {
        var runs = options.RunsOr(40);
        await using var simulator = await OneFlexSimulator.StartAsync();
        var (_, refreshToken) = simulator.IssueTokens();
        var folder = Directory.CreateTempSubdirectory("oneflex-bench-refresh-").FullName;
        var envPath = Path.Combine(folder, ".env");
        File.WriteAllText(envPath, "# bot settings\nDESK_ID=42\nONEFLEX_TOKEN=\nONEFLEX_REFRESH_TOKEN=\n");
        using var session = new Session();
        const string Pipeline = "Get-OneFlexToken -RefreshToken $args[0] -BaseUrl $args[1] -NoBrowser | Test-OneFlexToken -PassThru | Save-OneFlexEnv -Path $args[2]";
        var appUrl = simulator.AppUrl.ToString();
        using var http = new HttpClient();
        var endpoint = new Uri(simulator.AppUrl, "/api/auth/token");

        async Task<double> Bare() => await ElapsedAsync(async () =>
        {
            using var response = await http.PostAsJsonAsync(endpoint, new { grant_type = "refresh_token", refresh_token = refreshToken });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            _ = body.RootElement.GetProperty("access_token").GetString();
        });

        double Ours() => Elapsed(() => session.Run(Pipeline, refreshToken, appUrl, envPath));

        for (var i = 0; i < 3; i++)
        {
            Ours();
            await Bare();
        }

        var ours = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            ours.Add(Ours());
            bare.Add(await Bare());
        }

        if (!File.ReadAllText(envPath).Contains("ONEFLEX_TOKEN=ey", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The pipeline did not save the token.");
        }

        Directory.Delete(folder, true);
        var overhead = Median(ours) - Median(bare);
        return new BenchResult("refresh renewal (warm)", Ms(Median(ours)), Ms(Median(bare)) + " (HTTP POST)", "+" + Ms(overhead), "≤ +20 ms", overhead <= 20,
            $"pipeline {Spread(ours)}; bare {Spread(bare)}");
    }

    // ---- Headless renewal on a live SSO session, cold browser, against the same in Node's playwright-core ----

    private static async Task<BenchResult> Headless(BenchOptions options)
    {
        var runs = options.RunsOr(7);
        using var xvfb = new BenchDisplay();

        var node = NodeBaseline.Prepare();
        var browser = new BrowserLocator(HostPlatform.Current).Locate();
        await using var simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(100), AutoSignInStaySignedIn = false });
        var folder = Directory.CreateTempSubdirectory("oneflex-bench-headless-").FullName;
        var profile = Path.Combine(folder, "profile");
        var appUrl = simulator.AppUrl.ToString();
        using (xvfb.Use())
        using (var interactive = new Session())
        {
            interactive.Run("Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -BrowserPath $args[2] -Timeout 60", appUrl, profile, browser.ExecutablePath);
        }

        using var noDisplay = new EnvironmentScope(new() { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null });
        using var session = new Session();
        var oursPhases = new List<string>();
        double Ours()
        {
            using var ps = PowerShell.Create();
            ps.Runspace = session.Runspace;
            ps.AddScript("Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -BrowserPath $args[2] -Headless -Timeout 60 -Verbose")
                .AddArgument(appUrl).AddArgument(profile).AddArgument(browser.ExecutablePath);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var output = ps.Invoke();
            var ms = clock.Elapsed.TotalMilliseconds;
            if (output.Count != 1 || ps.HadErrors)
            {
                throw new InvalidOperationException("Get-OneFlexToken -Headless returned no token: " + string.Join("; ", ps.Streams.Error));
            }

            oursPhases.Clear();
            oursPhases.AddRange(ps.Streams.Verbose.Select(v => v.Message).Where(m => m.Contains(" after ", StringComparison.Ordinal)).Select(m => m.TrimEnd('.')));
            oursPhases.Add($"command ended after {ms:0} ms");
            return ms;
        }

        double Theirs() => node.Run(profile, appUrl, browser.ExecutablePath, BrowserSignIn.LaunchArguments(HostPlatform.Current));

        var (ours, theirs) = Alternate(runs, Ours, Theirs);

        if (simulator.SignInFormsShown != 1)
        {
            throw new InvalidOperationException($"The sign-in form was shown {simulator.SignInFormsShown} times: a run was not a silent renewal.");
        }

        TryDelete(folder);
        var ratio = Median(ours) / Median(theirs);
        return new BenchResult("headless renewal (cold browser)", Ms(Median(ours)), Ms(Median(theirs)) + " (node playwright-core)", $"×{ratio:0.00}", "ratio ≤ 1.15", ratio <= 1.15,
            $"ours {Spread(ours)}; node {Spread(theirs)} (node: whole process incl. require; ours: the command in a warm runspace incl. starting the Playwright driver); " +
            $"last run, ours: {string.Join(", ", oursPhases)}; node: {node.LastPhases}");
    }

    // ---- Cookies set by the simulator → token object in the pipeline, against the old 5 s poll ----

    private static async Task<BenchResult> Latency(BenchOptions options)
    {
        var runs = options.RunsOr(7);
        using var xvfb = new BenchDisplay();

        var browser = new BrowserLocator(HostPlatform.Current).Locate();
        using var display = xvfb.Use();
        using var session = new Session();
        var toPipeline = new List<double>();
        var toEnd = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            await using var simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(300) });
            var folder = Directory.CreateTempSubdirectory("oneflex-bench-latency-").FullName;
            var written = DateTimeOffset.MinValue;
            using var ps = PowerShell.Create();
            ps.Runspace = session.Runspace;
            ps.AddScript("Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -BrowserPath $args[2] -Timeout 60")
                .AddArgument(simulator.AppUrl.ToString()).AddArgument(Path.Combine(folder, "profile")).AddArgument(browser.ExecutablePath);
            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, _) => written = DateTimeOffset.UtcNow;
            ps.Invoke<PSObject, PSObject>(null, output, new PSInvocationSettings());
            var ended = DateTimeOffset.UtcNow;
            var issued = simulator.TokenCookiesIssuedAt;
            if (output.Count != 1 || issued.Count == 0 || ps.HadErrors)
            {
                throw new InvalidOperationException("The sign-in did not return one token: " + string.Join("; ", ps.Streams.Error));
            }

            TryDelete(folder);
            if (run == 0)
            {
                continue; // warm-up
            }

            toPipeline.Add((written - issued[^1]).TotalMilliseconds);
            toEnd.Add((ended - issued[^1]).TotalMilliseconds);
        }

        var median = Median(toPipeline);
        return new BenchResult("cookies set → token in pipeline", Ms(median), "2500 ms (old 5 s poll, average)", $"×{median / 2500:0.00}", "median ≤ 250 ms", median <= 250,
            $"to pipeline {Spread(toPipeline)}; to command end (browser closed) median {Ms(Median(toEnd))}");
    }

    // ---- Restart-OneFlexBot against docker restart, same container and engine ----

    private static async Task<BenchResult> Restart(BenchOptions options)
    {
        var runs = options.RunsOr(10);
        await using var engine = new LocalDockerEngine();
        await engine.StartAsync();
        if (engine.MissingReason is not null)
        {
            throw new InvalidOperationException(engine.MissingReason);
        }

        const string Name = "oneflex-bot";
        await engine.CreateBotAsync(Name);
        using var session = new Session();
        var cliEnvironment = new Dictionary<string, string?>
        {
            ["DOCKER_HOST"] = engine.DockerHost,
            ["DOCKER_CONFIG"] = Directory.CreateTempSubdirectory("oneflex-bench-docker-config-").FullName,
            ["DOCKER_TLS_VERIFY"] = null,
            ["DOCKER_CERT_PATH"] = null,
            ["DOCKER_CONTEXT"] = null,
        };

        double Ours() => Elapsed(() =>
        {
            if (session.Run("Restart-OneFlexBot -Name $args[0] -DockerHost $args[1]", Name, engine.DockerHost).Count != 1)
            {
                throw new InvalidOperationException("Restart-OneFlexBot returned no status.");
            }
        });
        double Theirs() => Exec.Run("docker", new[] { "restart", Name }, cliEnvironment).Milliseconds;

        var (ours, theirs) = Alternate(runs, Ours, Theirs);

        if ((await engine.InspectAsync(Name)).State?.Status != "running")
        {
            throw new InvalidOperationException("The container is not running after the restarts.");
        }

        var ratio = Median(ours) / Median(theirs);
        return new BenchResult("Restart-OneFlexBot (1 container)", Ms(Median(ours)), Ms(Median(theirs)) + " (docker restart)", $"×{ratio:0.00}", "ratio ≤ 1.10", ratio <= 1.10,
            $"ours {Spread(ours)}; docker CLI {Spread(theirs)}");
    }

    // ---- Test-OneFlexToken offline on a stream of tokens ----

    private static Task<BenchResult> Throughput(BenchOptions options)
    {
        var runs = options.RunsOr(5);
        var count = options.Quick ? 20_000 : 200_000;
        var tokens = Jwt.Many(count);
        var objects = tokens.Select(t => new OneFlexTokens.Tokens.OneFlexToken(t, "a1b2c3d4e5f6a7b8c9d0", "https://oneflex.myworldline.com", OneFlexTokens.Tokens.TokenSource.Refresh)).ToArray();
        using var session = new Session();
        session.Run("$args[0] | Test-OneFlexToken", (object)objects.Take(5_000).ToArray());
        var rates = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            IReadOnlyList<PSObject> output = Array.Empty<PSObject>();
            var ms = Elapsed(() => output = session.Run("$args[0] | Test-OneFlexToken", (object)objects));
            if (output.Count != count || !output.All(o => o.BaseObject is true))
            {
                throw new InvalidOperationException("Test-OneFlexToken did not say $true for every token.");
            }

            rates.Add(count / (ms / 1000));
        }

        var direct = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var now = DateTimeOffset.UtcNow;
            var ms = Elapsed(() =>
            {
                foreach (var token in tokens)
                {
                    _ = OneFlexTokens.Tokens.TokenValidator.Evaluate(token, TimeSpan.Zero, now);
                }
            });
            direct.Add(count / (ms / 1000));
        }

        var rate = Median(rates);
        return Task.FromResult(new BenchResult("Test-OneFlexToken offline (1 pipeline)", $"{rate:N0} tokens/s", "-", "-", "≥ 50,000 tokens/s", rate >= 50_000,
            $"{count:N0} tokens per pipeline, {runs} pipelines, min {rates.Min():N0}/s, max {rates.Max():N0}/s; the validator alone (no pipeline): {Median(direct):N0} tokens/s"));
    }

    // ---- Save-OneFlexEnv on a 2,000-line .env ----

    private static Task<BenchResult> Save(BenchOptions options)
    {
        var runs = options.RunsOr(200);
        var folder = Directory.CreateTempSubdirectory("oneflex-bench-save-").FullName;
        var path = Path.Combine(folder, ".env");
        File.WriteAllText(path, EnvSample.Lines(2_000), new UTF8Encoding(false));
        var pairs = new[] { (Jwt.Many(1)[0], "a1b2c3d4e5f6a7b8c9d0"), (Jwt.Many(2)[1], "0f9e8d7c6b5a4f3e2d1c") };
        using var session = new Session();
        var saves = 0;
        var cmdlet = new List<double>();
        for (var i = -5; i < runs; i++)
        {
            var (access, refresh) = pairs[saves++ & 1];
            var ms = Elapsed(() => session.Run("Save-OneFlexEnv -Path $args[0] -AccessToken $args[1] -RefreshToken $args[2]", path, access, refresh));
            if (i >= 0)
            {
                cmdlet.Add(ms);
            }
        }

        var writer = new EnvFileWriter();
        var direct = new List<double>();
        for (var i = -5; i < runs; i++)
        {
            var (access, refresh) = pairs[saves++ & 1];
            var settings = new[] { new KeyValuePair<string, string>(EnvKeys.AccessToken, access), new KeyValuePair<string, string>(EnvKeys.RefreshToken, refresh) };
            EnvSaveResult? result = null;
            var ms = Elapsed(() => result = writer.Save(EnvFileAccess.Resolve(path), EnvSettings.Create(settings)));
            if (!result!.Changed)
            {
                throw new InvalidOperationException("The writer did not change the file.");
            }

            if (i >= 0)
            {
                direct.Add(ms);
            }
        }

        // Where the time goes: the edit in memory, a save that -WhatIf declines (no write), and the disk's floor for an
        // atomic durable replace of the same bytes (write, fsync, rename), which no correct save can go under.
        var bytes = File.ReadAllBytes(path);
        var sample = EnvSettings.Create(new[] { new KeyValuePair<string, string>(EnvKeys.AccessToken, pairs[0].Item1), new KeyValuePair<string, string>(EnvKeys.RefreshToken, pairs[0].Item2) });
        var apply = new List<double>();
        var preview = new List<double>();
        var invoke = new List<double>();
        var unchanged = new List<double>();
        var floor = new List<double>();
        var floorNoSync = new List<double>();
        for (var i = 0; i < Math.Max(runs, 20); i++)
        {
            apply.Add(Elapsed(() => EnvFileEditor.Apply(bytes, sample)));
            invoke.Add(Elapsed(() => session.Run("$null = $args", path, sample[0].Value, sample[1].Value)));
            unchanged.Add(Elapsed(() => session.Run("Save-OneFlexEnv -Path $args[0] -AccessToken $args[1] -RefreshToken $args[2]", path, sample[0].Value, sample[1].Value)));
            preview.Add(Elapsed(() => writer.Save(EnvFileAccess.Resolve(path), sample, _ => false)));
            floor.Add(Elapsed(() => ReplaceFile(path, bytes, durable: true)));
            floorNoSync.Add(Elapsed(() => ReplaceFile(path, bytes, durable: false)));
        }

        var lines = File.ReadAllLines(path).Length;
        TryDelete(folder);
        var median = Median(cmdlet);
        return Task.FromResult(new BenchResult("Save-OneFlexEnv (2,000-line .env)", Ms(median) + " per save", Ms(Median(floor)) + " (write+fsync+rename)", "+" + Ms(median - Median(floor)), "≤ 5 ms per save", median <= 5,
            $"cmdlet in a warm runspace {Spread(cmdlet)}; the same invocation of an empty script {Ms(Median(invoke))}; the cmdlet on an already up-to-date file (read+compare, no write) {Ms(Median(unchanged))}; EnvFileWriter.Save alone {Ms(Median(direct))}; its parts: edit in memory {Ms(Median(apply))}, a declined save (-WhatIf: lock, read, edit) {Ms(Median(preview))}; " +
            $"disk floor: write+fsync+rename {Ms(Median(floor))}, without fsync {Ms(Median(floorNoSync))}; file {lines} lines, {bytes.Length:N0} bytes"));
    }

    /// <summary>A temporary bot folder whose .env and config/.env (60 lines) hold a token with an hour left: nothing is due.</summary>
    private static string NothingDueBotFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "config"));
        var envText = EnvSample.Lines(60).Replace("ONEFLEX_TOKEN=", "ONEFLEX_TOKEN=" + Jwt.Create(DateTimeOffset.UtcNow.AddHours(1)), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, ".env"), envText);
        File.WriteAllText(Path.Combine(folder, "config", ".env"), envText);
        return folder;
    }

    // ---- The scheduled job when nothing is due, in the real pwsh: whole process against pwsh running an empty script ----

    private static Task<BenchResult> CronInPwsh(BenchOptions options)
    {
        var runs = options.RunsOr(15);
        var script = options.CronScript ?? CronScript.Locate() ?? throw new InvalidOperationException("Build first: out/OneFlexTokens/Scripts/Update-OneFlexBot.ps1 is missing.");
        var folder = NothingDueBotFolder("oneflex-bench-cron-pwsh-");
        var empty = Path.Combine(folder, "empty.ps1");
        File.WriteAllText(empty, "");

        // pwsh replays at start the JIT profile its last -NonInteractive run left in $XDG_CACHE_HOME/powershell: each side
        // gets its own, as a cron job that runs the same script every few minutes has, instead of replaying the other's.
        IDictionary<string, string?> Cache(string name) => new Dictionary<string, string?>
        {
            ["XDG_CACHE_HOME"] = Directory.CreateDirectory(Path.Combine(folder, name)).FullName,
            [RepoPaths.RootVariable] = RepoPaths.Root,
        };

        string? printed = null;
        (List<double> Ours, List<double> Bare, List<double> Ratios) Measure(string name, string executable, string[] prefix)
        {
            var ourCache = Cache(name + "-scheduled");
            var emptyCache = Cache(name + "-empty");
            double Scheduled()
            {
                var (stdout, ms) = Exec.Run(executable, prefix.Concat(new[] { "-NoProfile", "-NonInteractive", "-File", script, "-BotFolder", folder }).ToArray(), ourCache);
                printed = stdout.Trim();
                return ms;
            }

            double Empty() => Exec.Run(executable, prefix.Concat(new[] { "-NoProfile", "-NonInteractive", "-File", empty }).ToArray(), emptyCache).Milliseconds;

            var (ours, bare) = Alternate(runs, Scheduled, Empty);
            if (printed is null || !printed.StartsWith("NothingDue (exit 0)", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The scheduled run did not find nothing due: " + printed);
            }

            return (ours, bare, ours.Zip(bare, (a, b) => a / b).ToList());
        }

        // pwsh as its packages ship it (deb, rpm, msi, tar.gz: the engine compiled ReadyToRun), and the pinned .NET tool (IL only).
        var shipped = Measure("r2r", ReadyToRunHost.Prepare(), new[] { "--child", "pwsh" });
        var pinned = Measure("tool", PinnedPwsh.Path, Array.Empty<string>());
        var log = File.ReadAllLines(Path.Combine(folder, ".oneflextokens", "renewal.log"));
        TryDelete(folder);
        var ratio = Median(shipped.Ratios);
        return Task.FromResult(new BenchResult(
            "scheduled run in pwsh, nothing due",
            Ms(Median(shipped.Ours)) + " whole process",
            Ms(Median(shipped.Bare)) + " (pwsh -File of an empty script)",
            $"×{ratio:0.00}",
            "ratio ≤ 1.05",
            ratio <= 1.05,
            $"pwsh's console host on a ReadyToRun engine (as pwsh's packages ship it), each a fresh process with -NoProfile -NonInteractive -File, alternating: {Path.GetFileName(script)} -BotFolder … " +
            $"{Spread(shipped.Ours)} against an empty script {Spread(shipped.Bare)}, each side with its own XDG_CACHE_HOME (pwsh's startup JIT profile); the ratio is the median of the {shipped.Ratios.Count} pairs (min ×{shipped.Ratios.Min():0.00}, max ×{shipped.Ratios.Max():0.00}); " +
            $"the same in the pinned pwsh (.NET tool, IL only: {PinnedPwsh.Path}): {Spread(pinned.Ours)} against {Spread(pinned.Bare)}, ×{Median(pinned.Ratios):0.00}; " +
            $"{log.Length} log lines written, each a RESULT NothingDue line; printed: {printed}"));
    }

    // ---- The scheduled job when nothing is due: whole process ----

    private static Task<BenchResult> Cron(BenchOptions options)
    {
        var runs = options.RunsOr(7);
        var folder = NothingDueBotFolder("oneflex-bench-cron-");
        var script = options.CronScript ?? CronScript.Locate();
        var childArgs = new List<string> { "--child", "cron", folder };
        if (script is not null)
        {
            childArgs.Add(script);
        }

        var host = ReadyToRunHost.Prepare();
        var walls = new List<double>();
        var empties = new List<double>();
        var phases = new List<ChildCron>();
        for (var i = -1; i < runs; i++)
        {
            var empty = Exec.Run(host, new[] { "--child", "empty" }, ReadyToRunHost.Environment).Milliseconds;
            var (stdout, wall) = Exec.Run(host, childArgs, ReadyToRunHost.Environment);
            var child = Children.Parse<ChildCron>(stdout);
            if (script is null && child.Output != "True" || !File.Exists(Path.Combine(folder, ".env")))
            {
                throw new InvalidOperationException("The nothing-due check did not say True: " + child.Output);
            }

            if (i >= 0)
            {
                walls.Add(wall);
                empties.Add(empty);
                phases.Add(child);
            }
        }

        var jit = Exec.Run(Self, childArgs).Milliseconds;
        TryDelete(folder);
        var median = Median(walls);
        return Task.FromResult(new BenchResult(
            script is null ? "cron, nothing due (equivalent check)" : "cron script, nothing due",
            Ms(median) + " whole process",
            Ms(Median(empties)) + " (process + empty runspace)",
            "+" + Ms(median - Median(empties)),
            "≤ 1 s whole process",
            median <= 1000,
            $"{(script is null ? "fresh process: Import-Module + Test-OneFlexToken -EnvPath config/.env -MinimumValidity 00:10:00" : "fresh process: " + Path.GetFileName(script) + " -BotFolder … (it imports the module)")}; " +
            $"{Spread(walls)}; in the child: runspace open {Ms(Median(phases.Select(p => p.OpenMs)))}, " +
            (script is null ? $"import {Ms(Median(phases.Select(p => p.ImportMs)))}, check {Ms(Median(phases.Select(p => p.RunMs)))}" : $"script {Ms(Median(phases.Select(p => p.RunMs)))}") +
            $" (ReadyToRun host, as pwsh); one run on the IL-only host (JIT): {Ms(jit)}"));
    }

    private static void ReplaceFile(string path, byte[] content, bool durable)
    {
        var temp = path + ".floor.tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: durable);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A warm runspace with the laid-out module imported; Run throws on any error.</summary>
public sealed class Session : IDisposable
{
    public Session()
    {
        Runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        Runspace.Open();
        Run("Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest);
    }

    public Runspace Runspace { get; }

    public IReadOnlyList<PSObject> Run(string script, params object[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        ps.AddScript(script);
        foreach (var arg in args)
        {
            ps.AddArgument(arg);
        }

        var output = ps.Invoke();
        if (ps.HadErrors)
        {
            throw new InvalidOperationException($"Script failed ({ps.Streams.Error.Count} errors): {ps.Streams.Error[0]}");
        }

        return output;
    }

    public void Dispose() => Runspace.Dispose();
}

public static class Jwt
{
    public static string Create(DateTimeOffset expiresAt, string subject = "user-42")
    {
        var now = DateTimeOffset.UtcNow;
        var payload = JsonSerializer.Serialize(new { sub = subject, email = "jane.doe@example.com", iat = now.ToUnixTimeSeconds(), nbf = now.ToUnixTimeSeconds(), exp = expiresAt.ToUnixTimeSeconds() });
        return $"{Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{Encode(payload)}.{Encode("signature-" + subject)}";
    }

    /// <summary>Distinct valid tokens (one subject each), as a stream of renewals would bring.</summary>
    public static string[] Many(int count)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        return Enumerable.Range(0, count).Select(i => Create(expires, "user-" + i.ToString("D8"))).ToArray();
    }

    private static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A bot's .env as people keep it: French comments, quotes, export, blank lines, the token keys in the middle.</summary>
public static class EnvSample
{
    public static string Lines(int count)
    {
        var text = new StringBuilder();
        var lines = 0;
        for (var i = 0; lines < count; i++)
        {
            if (lines == count / 2)
            {
                text.Append("# Jetons OneFlex (renouvelés automatiquement)\nONEFLEX_TOKEN=\nONEFLEX_REFRESH_TOKEN=\n");
                lines += 3;
                continue;
            }

            text.Append((i % 8) switch
            {
                0 => $"# Réglage n°{i} : bureau préféré, étage, créneau — à modifier avec précaution\n",
                1 => $"DESK_ID_{i}={1000 + i}\n",
                2 => $"SCHEDULE_{i}=\"lundi,mardi,jeudi 08:30\"\n",
                3 => $"export NOTIFICATION_WEBHOOK_URL_{i}=https://discord.com/api/webhooks/{i}/abcdefghijklmnopqrstuvwxyz\n",
                4 => "\n",
                5 => $"SMTP_USER_{i}='réservation+{i}@example.fr'\n",
                6 => $"FLOOR_{i}=3 # troisième étage\n",
                _ => $"TIMEZONE_{i}=Europe/Paris\n",
            });
            lines++;
        }

        return text.ToString();
    }
}

/// <summary>The scheduled renewal script, once it is in the repository.</summary>
/// <summary>The pinned pwsh (.config/dotnet-tools.json) as a user's crontab names it: $PSHOME/pwsh, not 'dotnet tool run'.</summary>
public static class PinnedPwsh
{
    private static readonly Lazy<string> Located = new(() =>
    {
        var psHome = Exec.Run("dotnet", new[] { "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSHOME" }, workingDirectory: RepoPaths.Root).Stdout.Trim();
        return System.IO.Path.Combine(psHome, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
    });

    public static string Path => Located.Value;
}

public static class CronScript
{
    public static string? Locate()
    {
        foreach (var candidate in new[] { "out/OneFlexTokens/Scripts/Update-OneFlexBot.ps1" })
        {
            var path = Path.Combine(RepoPaths.Root, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
