using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Playwright;
using OneFlex.Simulator;
using OneFlexTokens.TestSupport;
using static OneFlexTokens.Benchmarks.Stats;

namespace OneFlexTokens.Benchmarks;

/// <summary>
/// The figures of the sign-in from a phone (issue 19), on loopback: the module's listener and headless Chromium, the
/// simulator's three-step human sign-in, the scripted phone (a second Chromium as a Pixel 7), the private Docker engine.
/// Times on the phone are its own Date.now(); the remote paint time is the screencast's frame timestamp; both are this
/// machine's clock.
/// </summary>
public static class RemoteBenchmarks
{
    private const string Password = "Pässwörd-ü€ ĳ";
    private const string BotName = "oneflex-bench-remote";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly Regex LinkPattern = new(@"https?://\S+/#[A-Za-z0-9_-]{40,}", RegexOptions.CultureInvariant);

    /// <summary>Records on the phone, beside viewerStats: when each frame was shown (and its age), each focus report, each tap on the picture.</summary>
    private const string Instrument = """
        () => {
          const s = window.viewerStats;
          const shown = window.benchShown = [], focus = window.benchFocus = [], taps = window.benchTaps = [];
          let age = s.lastFrameAgeMs, reports = s.focusReports;
          Object.defineProperty(s, 'lastFrameAgeMs', { get: () => age, set: v => { age = v; shown.push({ at: Date.now(), age: v }); }, enumerable: true, configurable: true });
          Object.defineProperty(s, 'focusReports', { get: () => reports, set: v => { reports = v; focus.push(Date.now()); }, enumerable: true, configurable: true });
          document.getElementById('picture').addEventListener('touchend', () => taps.push(Date.now()), { capture: true, passive: true });
        }
        """;

    public static async Task<IReadOnlyList<BenchResult>> Run(BenchOptions options)
    {
        var runs = options.RunsOr(5);
        await using var engine = new LocalDockerEngine();
        await engine.StartAsync();
        if (engine.MissingReason is not null)
        {
            throw new InvalidOperationException(engine.MissingReason);
        }

        if (ScriptedPhone.MissingReason is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        await using var simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions { HumanSignIn = true, Password = Password });
        await using var webhook = BenchWebhook.Start();
        var root = Directory.CreateTempSubdirectory("oneflex-bench-remote-").FullName;
        var bot = new BotFolder(Path.Combine(root, "oneflex"), simulator, webhook.Url);
        bot.Expire();
        await engine.CreateBotAsync(BotName, bot.ConfigFolder);
        await using var phone = await ScriptedPhone.StartAsync(RepoPaths.ModuleDirectory);
        using var session = new Session();
        var context = new Context(simulator, engine, phone, session, bot, webhook, root, RelayBaseline.Prepare());
        Console.Error.WriteLine($"  load average before: {LoadAverage()}");

        var rows = new List<BenchResult>();
        rows.AddRange(await Guard(new[] { "link → first frame, browser running", "frame age when shown", "whole flow, link → saved and restarted" }, () => InteractiveSignIns(context, runs)));
        rows.AddRange(await Guard(new[] { "tap → visible change", "stream while typing" }, () => TapsAndTyping(context, options)));
        rows.AddRange(await Guard(new[] { "link → first frame, browser started by the open", "waiting for the link (no browser)" }, () => ScheduledSignIns(context, runs, options)));
        Console.Error.WriteLine($"  load average after: {LoadAverage()}");
        TryDelete(root);
        return rows;
    }

    private sealed record Context(OneFlexSimulator Simulator, LocalDockerEngine Engine, ScriptedPhone Phone, Session Session, BotFolder Bot, BenchWebhook Webhook, string Root, string Relay)
    {
        public string SsoOrigin => Simulator.SsoUrl.GetLeftPart(UriPartial.Authority);

        public PhoneSignIn SignIn => new(Simulator.SsoUrl, Simulator.Options.UserEmail, Password);

        public string NewProfile() => Path.Combine(Root, "profile-" + Guid.NewGuid().ToString("N")[..8]);
    }

    // ---- 1, 3, 6: Get-OneFlexToken -RemoteSignIn | Save-OneFlexEnv | Restart-OneFlexBot, the link opened once the remote page shows the sign-in ----

    private static async Task<IReadOnlyList<BenchResult>> InteractiveSignIns(Context context, int runs)
    {
        var firstFrames = new List<double>();
        var firstFrameParts = new List<double[]>();
        var flows = new List<double>();
        var signIns = new List<double>();
        var ages = new List<double>();
        var agesBeforeOpen = new List<double>();
        var agesP95PerRun = new List<double>();
        var relay = new RelaySamples();
        for (var run = 0; run <= runs; run++)
        {
            context.Bot.Expire();
            var startedBefore = await context.Engine.StartedAtAsync(BotName);
            using var ps = PowerShell.Create();
            ps.Runspace = context.Session.Runspace;
            ps.AddScript("Get-OneFlexToken -RemoteSignIn -BaseUrl $args[0] -ProfilePath $args[1] -ListenAddress 127.0.0.1:0 -Verbose | Save-OneFlexEnv -Path $args[2], $args[3] -PassThru | Restart-OneFlexBot -Name $args[4] -DockerHost $args[5]")
                .AddArgument(context.Simulator.AppUrl.ToString()).AddArgument(context.NewProfile()).AddArgument(context.Bot.RootEnv).AddArgument(context.Bot.ConfigEnv)
                .AddArgument(BotName).AddArgument(context.Engine.DockerHost);
            var output = new PSDataCollection<PSObject>();
            long restartedAt = 0;
            output.DataAdded += (_, _) => restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var link = WaitFor(ps.Streams.Information, r => LinkPattern.Match(r.ToString()) is { Success: true } m ? m.Value : null);
            var signInShown = WaitFor(ps.Streams.Verbose, v => v.Message.Contains($"Page loaded: {context.SsoOrigin}/login", StringComparison.Ordinal) ? v.Message : null);
            var invocation = ps.BeginInvoke<PSObject, PSObject>(null, output);
            var ended = Task.Run(() => ps.EndInvoke(invocation));

            await signInShown.WaitAsync(Bound);
            var phone = await PhoneSignInAsync(context, await link.WaitAsync(Bound));
            await ended.WaitAsync(Bound);
            if (ps.HadErrors || !phone.Notice.StartsWith("Signed in.", StringComparison.Ordinal) || output.Count != 1 || await context.Engine.StartedAtAsync(BotName) <= startedBefore)
            {
                throw new InvalidOperationException($"The interactive sign-in did not save and restart: {phone.Notice}; {string.Join("; ", ps.Streams.Error)}");
            }

            var (runAges, runAgesBeforeOpen) = await AgesAsync(phone.Viewer);
            await phone.Viewer.CloseAsync();
            // Side by side: the minimal relay signs in on the same phone right after (its first is a warm-up too).
            var baseline = await RelaySignInAsync(context, coldStart: false);
            if (run == 0)
            {
                continue; // warm-up: the first sign-in of the process compiles the listener and the engine
            }

            relay.Add(baseline);
            firstFrames.Add(phone.FirstFrame);
            firstFrameParts.Add(phone.FirstFrameParts);
            flows.Add(restartedAt - phone.Opened);
            signIns.Add(phone.SignedIn - phone.Opened);
            ages.AddRange(runAges);
            agesBeforeOpen.AddRange(runAgesBeforeOpen);
            agesP95PerRun.Add(Percentile(runAges, 95));
        }

        var first = Median(firstFrames);
        var agesP95 = Percentile(ages, 95);
        var flow = Median(flows);
        var relayFirst = Median(relay.FirstFrames);
        var relayAgesP95 = Percentile(relay.Ages, 95);
        var relaySignIn = Median(relay.SignIns);
        return new[]
        {
            new BenchResult("link → first frame, browser running", Ms(first), Ms(relayFirst) + " (minimal relay)", $"×{first / relayFirst:0.00}", "≤ 400 ms median", first <= 400,
                $"Get-OneFlexToken -RemoteSignIn, link opened once the remote SSO page had loaded; phone navigation start (performance.timeOrigin) → first frame drawn; {Spread(firstFrames)}; {FirstFrameParts(firstFrameParts)}; minimal relay: {Spread(relay.FirstFrames)}; {FirstFrameParts(relay.FirstFrameParts)}"),
            new BenchResult("frame age when shown", Ms(agesP95) + " p95", Ms(relayAgesP95) + " p95 (minimal relay)", $"×{agesP95 / relayAgesP95:0.00}", "≤ 150 ms p95", agesP95 <= 150,
                $"{ages.Count} frames painted after the link was opened, of {firstFrames.Count} sign-ins: median {Ms(Median(ages))}, p95 {Ms(agesP95)}, max {Ms(ages.DefaultIfEmpty(double.NaN).Max())}; p95 per sign-in {string.Join(", ", agesP95PerRun.Select(Ms))}; " +
                $"besides, {agesBeforeOpen.Count} frame(s) painted before the link was opened (the page unchanged since; viewerStats.agesBeforeOpen), shown at ages {string.Join(", ", agesBeforeOpen.Select(Ms))}; " +
                $"minimal relay, same phone and sign-ins: {relay.Ages.Count} frames, median {Ms(Median(relay.Ages))}, p95 {Ms(relayAgesP95)}, max {Ms(relay.Ages.DefaultIfEmpty(double.NaN).Max())}; p95 per sign-in {string.Join(", ", relay.AgesP95PerRun.Select(Ms))}"),
            new BenchResult("whole flow, link → saved and restarted", Ms(flow), Ms(relaySignIn) + " sign-in (minimal relay)", $"×{Median(signIns) / relaySignIn:0.00} sign-in", "≤ 8 s", flow <= 8000,
                $"three steps typed (username, non-ASCII password, MFA code), Save-OneFlexEnv to both files, Restart-OneFlexBot on the private engine; {Spread(flows)}; link → 'Signed in.' on the phone median {Ms(Median(signIns))}; minimal relay, link → its 'Signed in.' (the app's page loaded; nothing saved): {Spread(relay.SignIns)}"),
        };
    }

    // ---- 4, 5: taps on a field of a still page, then typing at 5 characters a second ----

    private static async Task<IReadOnlyList<BenchResult>> TapsAndTyping(Context context, BenchOptions options)
    {
        var taps = options.Quick ? 3 : options.Runs ?? 20;
        var typing = TimeSpan.FromSeconds(options.Quick ? 10 : 60);
        using var ps = PowerShell.Create();
        ps.Runspace = context.Session.Runspace;
        ps.AddScript("Get-OneFlexToken -RemoteSignIn -BaseUrl $args[0] -ProfilePath $args[1] -ListenAddress 127.0.0.1:0 -Verbose")
            .AddArgument(context.Simulator.AppUrl.ToString()).AddArgument(context.NewProfile());
        var link = WaitFor(ps.Streams.Information, r => LinkPattern.Match(r.ToString()) is { Success: true } m ? m.Value : null);
        var invocation = ps.BeginInvoke();
        var ended = Task.Run(() =>
        {
            try
            {
                ps.EndInvoke(invocation);
            }
            catch (PipelineStoppedException)
            {
            }
        });
        try
        {
            var viewer = await context.Phone.OpenAsync(await link.WaitAsync(Bound));
            await viewer.WaitForFunctionAsync($"() => window.viewerStats.statuses.includes({JsonSerializer.Serialize("Showing " + context.SsoOrigin)}) && window.viewerStats.frames > 0", null, new() { PollingInterval = 10, Timeout = (float)Bound.TotalMilliseconds });
            await viewer.EvaluateAsync(Instrument);
            var field = await context.Phone.CentreOfAsync(viewer, context.Simulator.SsoUrl, "username", "#username", CancellationToken.None);
            var stats = await ScriptedPhone.StatsAsync(viewer);
            var blank = (stats.GetProperty("cw").GetDouble() - 8, stats.GetProperty("ch").GetDouble() - 8);

            var toFrame = new List<double>();
            var toFocus = new List<double>();
            for (var i = 0; i < taps; i++)
            {
                // From a still page: the field blurred (a tap on the page's empty corner) and no frame for 400 ms.
                var focusReports = await viewer.EvaluateAsync<int>("() => window.benchFocus.length");
                await ScriptedPhone.TapAsync(viewer, blank);
                await viewer.WaitForFunctionAsync($"() => window.benchFocus.length > {focusReports}", null, new() { PollingInterval = 10, Timeout = 10_000 });
                await viewer.WaitForFunctionAsync("() => { const s = window.benchShown; return Date.now() - (s.length ? s[s.length - 1].at : 0) > 400; }", null, new() { PollingInterval = 20, Timeout = 10_000 });

                var tapped = await viewer.EvaluateAsync<int>("() => window.benchTaps.length");
                await ScriptedPhone.TapAsync(viewer, field);
                await viewer.WaitForFunctionAsync(
                    $"() => window.benchTaps.length > {tapped} && window.benchFocus.some(f => f >= window.benchTaps[{tapped}]) && window.benchShown.some(f => f.at - f.age >= window.benchTaps[{tapped}])",
                    null, new() { PollingInterval = 5, Timeout = 10_000 });
                var answer = await viewer.EvaluateAsync<double[]>(
                    $"() => {{ const tap = window.benchTaps[{tapped}]; return [window.benchShown.find(f => f.at - f.age >= tap).at - tap, window.benchFocus.find(f => f >= tap) - tap]; }}");
                toFrame.Add(answer[0]);
                toFocus.Add(answer[1]);
            }

            if (!(await ScriptedPhone.StatsAsync(viewer)).GetProperty("focus").GetProperty("editable").GetBoolean())
            {
                throw new InvalidOperationException("The taps did not focus the username field.");
            }

            // 5 characters a second into the focused field, as a person types on a phone; frames and bytes as the phone counts them.
            var characters = (int)(typing.TotalSeconds * 5);
            var text = string.Concat(Enumerable.Repeat("jane.doe@example.com ", characters / 21 + 1))[..characters];
            var before = await viewer.EvaluateAsync<double[]>("() => [Date.now(), window.viewerStats.bytes, window.viewerStats.frames]");
            await viewer.Keyboard.TypeAsync(text, new() { Delay = 200 });
            var after = await viewer.EvaluateAsync<double[]>("() => [Date.now(), window.viewerStats.bytes, window.viewerStats.frames]");
            var seconds = (after[0] - before[0]) / 1000;
            var kbPerSecond = (after[1] - before[1]) / 1000 / seconds;
            var framesPerSecond = (after[2] - before[2]) / seconds;
            var bytesPerFrame = (after[1] - before[1]) / Math.Max(1, after[2] - before[2]);
            await viewer.CloseAsync();

            var p95 = Percentile(toFrame, 95);
            return new[]
            {
                new BenchResult("tap → visible change", Ms(p95) + " p95", "-", "-", "≤ 250 ms p95", p95 <= 250,
                    $"tap (touchend on the phone) on the username field of a still page → first frame drawn on the phone that the remote page painted after the tap; {Spread(toFrame)}, median {Ms(Median(toFrame))}; tap → focus report on the phone median {Ms(Median(toFocus))}, p95 {Ms(Percentile(toFocus, 95))}"),
                new BenchResult("stream while typing", $"{kbPerSecond:0.0} KB/s", "-", "-", "≤ 150 KB/s average", kbPerSecond <= 150,
                    $"{characters} characters at 5/s into the username field over {seconds:0.0} s (the phone's clock): {(after[1] - before[1]) / 1000:0} KB in {after[2] - before[2]:0} frames ({framesPerSecond:0.0} frames/s, {bytesPerFrame / 1000:0.0} KB a frame); KB = 1000 bytes of frame messages as received"),
            };
        }
        finally
        {
            ps.Stop();
            await ended.WaitAsync(Bound);
        }
    }

    // ---- 2, 7: the scheduled script in the real pinned pwsh, as cron runs it; the link from the webhook alert ----

    private static async Task<IReadOnlyList<BenchResult>> ScheduledSignIns(Context context, int runs, BenchOptions options)
    {
        var window = TimeSpan.FromSeconds(options.Quick ? 5 : 30);
        var script = options.CronScript ?? CronScript.Locate() ?? throw new InvalidOperationException("out/OneFlexTokens/Scripts/Update-OneFlexBot.ps1 is missing: build the module.");
        var pwsh = PinnedPwsh.Path;
        var firstFrames = new List<double>();
        var firstFrameParts = new List<double[]>();
        var flows = new List<double>();
        var rssAtAlert = new List<double>();
        var relay = new RelaySamples();
        Usage? settling = null;
        Usage? waiting = null;
        for (var run = 0; run < runs; run++)
        {
            context.Bot.Expire();
            var state = Path.Combine(context.Root, "state-" + run.ToString(CultureInfo.InvariantCulture));
            var log = Path.Combine(state, "renewal.log");
            using var process = Exec.Start(pwsh, new[]
            {
                "-NoProfile", "-NonInteractive", "-File", script, "-BotFolder", context.Bot.Folder, "-BaseUrl", context.Simulator.AppUrl.ToString(),
                "-ProfilePath", context.NewProfile(), "-DockerHost", context.Engine.DockerHost, "-BotName", BotName, "-StatePath", state, "-LogPath", log,
                "-RemoteSignIn", "-ListenAddress", "127.0.0.1:0",
            }, RepoPaths.Root);
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var alert = await context.Webhook.NextAsync(Bound);
                var link = LinkPattern.Match(alert).Value;
                if (link.Length == 0)
                {
                    throw new InvalidOperationException("The alert carries no link: " + alert[..Math.Min(200, alert.Length)]);
                }

                rssAtAlert.Add(ProcTree.Of(process.Id).RssKb / 1024.0);
                if (run == 0)
                {
                    settling = await Usage.MeasureAsync(process.Id, window);
                    waiting = await Usage.MeasureAsync(process.Id, window);
                }

                var phone = await PhoneSignInAsync(context, link);
                firstFrames.Add(phone.FirstFrame);
                firstFrameParts.Add(phone.FirstFrameParts);
                await process.WaitForExitAsync().WaitAsync(Bound);
                flows.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - phone.Opened);
                await phone.Viewer.CloseAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"The scheduled run ended with {process.ExitCode}: {phone.Notice}\n{(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
                }

                relay.Add(await RelaySignInAsync(context, coldStart: true));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }

        // For scale: the same pwsh doing nothing, with and without the module imported.
        var manifest = RepoPaths.ModuleManifest.Replace("'", "''", StringComparison.Ordinal);
        var imported = await IdleAsync(pwsh, $"Import-Module '{manifest}'; 'ready'; Start-Sleep -Seconds 3600", window);
        var bare = await IdleAsync(pwsh, "'ready'; Start-Sleep -Seconds 3600", window);

        var first = Median(firstFrames);
        var relayFirst = Median(relay.FirstFrames);
        var usage = waiting!;
        var rss = usage.Rss.RssKb / 1024.0;
        var met = rss <= 120 && usage.CpuPercent <= 1;
        return new[]
        {
            new BenchResult("link → first frame, browser started by the open", Ms(first), Ms(relayFirst) + " (minimal relay)", $"×{first / relayFirst:0.00}", "≤ 2000 ms median", first <= 2000,
                $"Update-OneFlexBot.ps1 -RemoteSignIn in the pinned pwsh, the link from the webhook alert; phone navigation start → first frame drawn (browser start included); {Spread(firstFrames)}; {FirstFrameParts(firstFrameParts)}; link → run ended (saved, restarted, alerted) median {Ms(Median(flows))}; " +
                $"minimal relay, its browser started by the page's fetch (Node and playwright-core already loaded, as they stay in its waiting process): {Spread(relay.FirstFrames)}; {FirstFrameParts(relay.FirstFrameParts)}"),
            new BenchResult("waiting for the link (no browser)", $"{rss:0} MB, {usage.CpuPercent:0.00} % CPU", $"{imported.Rss.RssKb / 1024.0:0} MB (pwsh + Import-Module, idle)", $"{rss - imported.Rss.RssKb / 1024.0:+0;-0;0} MB", "≤ 120 MB resident, ~0 % CPU", met,
                $"the waiting pwsh over {usage.Seconds:0} s, from {settling!.Seconds:0} s after its alert: {usage.Rss}, peak RSS in the window {usage.PeakRssKb / 1024.0:0} MB, VmHWM {usage.Rss.HwmKb / 1024.0:0} MB, {usage.Threads} threads, CPU {usage.CpuSeconds:0.00} s; " +
                $"in the {settling.Seconds:0} s right after the alert: {settling.Rss}, {settling.CpuPercent:0.00} % CPU; " +
                $"RSS at the alert of each run {string.Join(", ", rssAtAlert.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} MB; processes under it: {(usage.Rss.Children.Length == 0 ? "none" : string.Join(", ", usage.Rss.Children))}; " +
                $"for scale, idle over {window.TotalSeconds:0} s: pwsh + Import-Module {imported.Rss}, {imported.CpuPercent:0.00} % CPU; bare pwsh {bare.Rss}, {bare.CpuPercent:0.00} % CPU"),
        };
    }

    /// <summary>A pinned pwsh that prints 'ready' and then sleeps: its resident memory and CPU over <paramref name="window"/>.</summary>
    private static async Task<Usage> IdleAsync(string pwsh, string command, TimeSpan window)
    {
        using var process = Exec.Start(pwsh, new[] { "-NoProfile", "-NonInteractive", "-Command", command }, RepoPaths.Root);
        try
        {
            var ready = process.StandardOutput.ReadLineAsync();
            if (await ready.WaitAsync(Bound) != "ready")
            {
                throw new InvalidOperationException("The idle pwsh did not start: " + await process.StandardError.ReadToEndAsync());
            }

            return await Usage.MeasureAsync(process.Id, window);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<IReadOnlyList<BenchResult>> Guard(string[] keys, Func<Task<IReadOnlyList<BenchResult>>> measure)
    {
        try
        {
            return await measure();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{string.Join(", ", keys)} failed: {e}");
            var reason = "failed: " + e.GetBaseException().Message.Split('\n')[0];
            return keys.Select(k => new BenchResult(k, reason, "", "", "", false, "")).ToArray();
        }
    }

    /// <summary>One sign-in through the minimal relay on the same phone: its first frame (and parts), frame ages and sign-in time.</summary>
    private static async Task<RelaySample> RelaySignInAsync(Context context, bool coldStart)
    {
        await using var relay = await RelayBaseline.StartAsync(context.Relay, context.NewProfile(), context.Simulator.AppUrl.ToString(), context.SsoOrigin, coldStart, Bound);
        var phone = await PhoneSignInAsync(context, relay.Link);
        if (!phone.Notice.StartsWith("Signed in.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The minimal relay's sign-in did not reach the app: " + phone.Notice);
        }

        var (ages, _) = await AgesAsync(phone.Viewer);
        await phone.Viewer.CloseAsync();
        return new RelaySample(phone.FirstFrame, phone.FirstFrameParts, ages, phone.SignedIn - phone.Opened);
    }

    /// <summary>
    /// The phone opens <paramref name="link"/>, waits for the first frame and signs in on the picture; the viewer stays
    /// open, on its final notice. Times are the phone's clock.
    /// </summary>
    private static async Task<PhoneRun> PhoneSignInAsync(Context context, string link)
    {
        var viewer = await context.Phone.OpenAsync(link);
        var opened = await OpenedAtAsync(viewer);
        await ScriptedPhone.WaitForFirstFrameAsync(viewer, Bound);
        var stats = await ScriptedPhone.StatsAsync(viewer);
        var parts = await FirstFramePartsAsync(viewer, stats, opened);
        await context.Phone.SignInAsync(viewer, context.SignIn, Bound);
        var notice = await ScriptedPhone.WaitForNoticeAsync(viewer, Bound);
        return new PhoneRun(viewer, opened, parts, notice, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <param name="FirstFrameParts">See <see cref="FirstFramePartsAsync"/>; the last is the first frame drawn.</param>
    private sealed record PhoneRun(IPage Viewer, double Opened, double[] FirstFrameParts, string Notice, double SignedIn)
    {
        public double FirstFrame => FirstFrameParts[^1];
    }

    /// <summary>The ages of the frames shown, those painted after the link was opened and those before.</summary>
    private static async Task<(double[] Ages, double[] BeforeOpen)> AgesAsync(IPage viewer)
    {
        var stats = await ScriptedPhone.StatsAsync(viewer);
        double[] Of(string name) => stats.GetProperty(name).EnumerateArray().Select(a => a.GetDouble()).ToArray();
        return (Of("ages"), Of("agesBeforeOpen"));
    }

    private sealed record RelaySample(double FirstFrame, double[] FirstFrameParts, double[] Ages, double SignIn);

    private sealed class RelaySamples
    {
        public List<double> FirstFrames { get; } = new();

        public List<double[]> FirstFrameParts { get; } = new();

        public List<double> Ages { get; } = new();

        public List<double> AgesP95PerRun { get; } = new();

        public List<double> SignIns { get; } = new();

        public void Add(RelaySample sample)
        {
            FirstFrames.Add(sample.FirstFrame);
            FirstFrameParts.Add(sample.FirstFrameParts);
            Ages.AddRange(sample.Ages);
            AgesP95PerRun.Add(Percentile(sample.Ages, 95));
            SignIns.Add(sample.SignIn);
        }
    }

    /// <summary>On the phone's clock, from the link's open: the viewer page requested, received and parsed, its session open, the first frame's bytes in, the frame drawn.</summary>
    private static async Task<double[]> FirstFramePartsAsync(IPage viewer, JsonElement stats, double opened)
    {
        var page = await viewer.EvaluateAsync<double[]>("() => { const n = performance.getEntriesByType('navigation')[0]; return [n.requestStart, n.responseEnd, n.domContentLoadedEventStart]; }");
        return new[] { page[0], page[1], page[2], stats.GetProperty("connectedAt").GetDouble() - opened, stats.GetProperty("firstDataAt").GetDouble() - opened, stats.GetProperty("firstFrameAt").GetDouble() - opened };
    }

    private static string FirstFrameParts(IReadOnlyList<double[]> parts) =>
        parts.Count == 0 ? "" : "medians from the open: " + string.Join(", ",
            new[] { "page requested", "page received", "page parsed", "session open", "first frame's bytes in", "drawn" }
                .Select((part, i) => $"{part} {Ms(Median(parts.Select(p => p[i]).ToArray()))}"));

    /// <summary>When the phone started loading the link, on its clock.</summary>
    private static Task<double> OpenedAtAsync(IPage viewer) => viewer.EvaluateAsync<double>("() => performance.timeOrigin");

    /// <summary>The first item of <paramref name="stream"/> (so far or to come) that <paramref name="match"/> maps to a value.</summary>
    private static Task<string> WaitFor<T>(PSDataCollection<T> stream, Func<T, string?> match)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        stream.DataAdded += (_, e) =>
        {
            if (match(stream[e.Index]) is { } value)
            {
                found.TrySetResult(value);
            }
        };
        return found.Task;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A bot folder (root .env and config/.env) whose token has expired and whose refresh token is refused: a sign-in is needed.</summary>
    private sealed class BotFolder(string folder, OneFlexSimulator simulator, Uri webhook)
    {
        public string Folder => folder;

        public string ConfigFolder => Path.Combine(folder, "config");

        public string RootEnv => Path.Combine(folder, ".env");

        public string ConfigEnv => Path.Combine(ConfigFolder, ".env");

        public void Expire()
        {
            var issued = DateTimeOffset.UtcNow.AddHours(-2);
            Directory.CreateDirectory(ConfigFolder);
            var env = $"""
                # OneFlex bot
                ONEFLEX_TOKEN={simulator.CreateAccessToken(issued, issued.AddMinutes(15))}
                ONEFLEX_REFRESH_TOKEN=00000000000000000000
                DESK_IDS=3-014,3-015
                NOTIFICATION_WEBHOOK_URL={webhook}

                """;
            File.WriteAllText(RootEnv, env);
            File.WriteAllText(ConfigEnv, env);
        }
    }
}

/// <summary>A process's resident memory (and of the processes under it), from /proc.</summary>
public sealed record ProcTree(long RssKb, long AnonKb, long FileKb, long HwmKb, string[] Children)
{
    public static ProcTree Of(int pid)
    {
        var status = Status(pid);
        var children = Descendants(pid).Select(c => $"{Comm(c)} {Status(c).GetValueOrDefault("VmRSS") / 1024} MB").ToArray();
        return new ProcTree(status.GetValueOrDefault("VmRSS"), status.GetValueOrDefault("RssAnon"), status.GetValueOrDefault("RssFile") + status.GetValueOrDefault("RssShmem"), status.GetValueOrDefault("VmHWM"), children);
    }

    public static Dictionary<string, long> Status(int pid)
    {
        var values = new Dictionary<string, long>();
        foreach (var line in File.ReadAllLines($"/proc/{pid}/status"))
        {
            var parts = line.Split(':', 2);
            if (parts.Length == 2 && parts[1].Trim().EndsWith(" kB", StringComparison.Ordinal))
            {
                values[parts[0]] = long.Parse(parts[1].Trim()[..^3], CultureInfo.InvariantCulture);
            }
            else if (parts.Length == 2 && parts[0] == "Threads")
            {
                values[parts[0]] = long.Parse(parts[1].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return values;
    }

    public static IEnumerable<int> Descendants(int pid)
    {
        var children = Directory.EnumerateDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            .ToArray();
        return children.Concat(children.SelectMany(Descendants));
    }

    private static string Comm(int pid) => File.ReadAllText($"/proc/{pid}/comm").Trim();

    public override string ToString() => $"VmRSS {RssKb / 1024.0:0} MB (anonymous {AnonKb / 1024.0:0} MB, files {FileKb / 1024.0:0} MB)";
}

/// <summary>A process's memory and CPU over a window: RSS each second, CPU from /proc/&lt;pid&gt;/stat.</summary>
public sealed record Usage(ProcTree Rss, long PeakRssKb, double CpuSeconds, double Seconds, long Threads)
{
    public double CpuPercent => CpuSeconds / Seconds * 100;

    public static async Task<Usage> MeasureAsync(int pid, TimeSpan window)
    {
        var clock = Stopwatch.StartNew();
        var cpuBefore = CpuTime(pid);
        var peak = 0L;
        while (clock.Elapsed < window)
        {
            peak = Math.Max(peak, ProcTree.Status(pid).GetValueOrDefault("VmRSS"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var cpu = CpuTime(pid) - cpuBefore;
        var seconds = clock.Elapsed.TotalSeconds;
        var rss = ProcTree.Of(pid);
        return new Usage(rss, Math.Max(peak, rss.RssKb), cpu, seconds, ProcTree.Status(pid).GetValueOrDefault("Threads"));
    }

    /// <summary>utime + stime of the process (and its reaped children: none while it waits), in clock ticks of 1/100 s (USER_HZ on Linux).</summary>
    private static double CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}

/// <summary>A webhook on 127.0.0.1 (a Discord-like path) that hands over each alert's body.</summary>
public sealed class BenchWebhook : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Channel<string> _bodies = Channel.CreateUnbounded<string>();
    private readonly Task _serving;

    private BenchWebhook(HttpListener listener, Uri url)
    {
        _listener = listener;
        Url = url;
        _serving = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public static BenchWebhook Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return new BenchWebhook(listener, new Uri($"http://127.0.0.1:{port}/api/webhooks/123456/bench-webhook-token"));
    }

    /// <summary>The next alert with a link (others, such as "renewed again", are skipped).</summary>
    public async Task<string> NextAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        while (true)
        {
            var body = await _bodies.Reader.ReadAsync(timeout.Token);
            if (body.Contains("/#", StringComparison.Ordinal))
            {
                return body;
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                _bodies.Writer.TryWrite(await reader.ReadToEndAsync());
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
