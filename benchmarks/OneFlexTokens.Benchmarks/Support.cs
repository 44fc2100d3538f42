using System.Diagnostics;
using System.Globalization;

namespace OneFlexTokens.Benchmarks;

public sealed class BenchOptions
{
    public const string Usage = """
        dotnet run -c Release --project benchmarks/OneFlexTokens.Benchmarks [-- options]
          --only a,b   run only these (import, refresh, headless, latency, restart, throughput, save, cron, cron-pwsh,
                       package, install, installed, installed-other, remote)
          --runs N     samples per side (default: each benchmark's own)
          --quick      one sample per side, a smoke run
          --cron-script PATH   the scheduled script to time (default: out/OneFlexTokens/Scripts/Update-OneFlexBot.ps1 when present)
        """;

    public string? CronScript { get; private set; }

    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int? Runs { get; private set; }

    public bool Quick { get; private set; }

    public int RunsOr(int fallback) => Quick ? 1 : Runs ?? fallback;

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--only" when i + 1 < args.Length:
                    options.Only.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var runs) && runs > 0:
                    options.Runs = runs;
                    i++;
                    break;
                case "--cron-script" when i + 1 < args.Length:
                    options.CronScript = Path.GetFullPath(args[++i]);
                    break;
                case "--quick":
                    options.Quick = true;
                    break;
                default:
                    return null;
            }
        }

        return options;
    }
}

/// <param name="Met">null when there is no goal to meet.</param>
public sealed record BenchResult(string Key, string Ours, string Baseline, string Comparison, string Goal, bool? Met, string Note);

/// <summary>A benchmark prints one row, or several when it measures several figures of one set-up (remote).</summary>
public sealed record Benchmark(string Key, Func<BenchOptions, Task<IReadOnlyList<BenchResult>>> Run)
{
    public Benchmark(string key, Func<BenchOptions, Task<BenchResult>> run)
        : this(key, async options => new[] { await run(options) })
    {
    }
}

public static class Stats
{
    public static double Median(IEnumerable<double> samples)
    {
        var sorted = samples.OrderBy(x => x).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Side by side: one warm-up of each, then <paramref name="runs"/> samples alternating ours and theirs, so both see the same noise.</summary>
    public static (List<double> Ours, List<double> Theirs) Alternate(int runs, Func<double> ours, Func<double> theirs)
    {
        ours();
        theirs();
        var oursSamples = new List<double>(runs);
        var theirsSamples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            oursSamples.Add(ours());
            theirsSamples.Add(theirs());
        }

        return (oursSamples, theirsSamples);
    }

    /// <summary>Nearest-rank percentile (p in 0..100): a value that was measured, never an interpolation.</summary>
    public static double Percentile(IEnumerable<double> samples, double p)
    {
        var sorted = samples.OrderBy(x => x).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static string Ms(double ms) => ms >= 100 ? $"{ms:0} ms" : ms >= 10 ? $"{ms:0.0} ms" : $"{ms:0.00} ms";

    public static string Spread(IReadOnlyCollection<double> samples) =>
        samples.Count == 0 ? "" : $"n={samples.Count}, min {Ms(samples.Min())}, max {Ms(samples.Max())}";

    public static double Elapsed(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    public static async Task<double> ElapsedAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalMilliseconds;
    }
}

public static class Report
{
    public static void Print(IReadOnlyList<BenchResult> results, BenchOptions options)
    {
        var rows = new List<string[]> { new[] { "what", "ours (median)", "baseline (median)", "ratio / overhead", "goal", "met?" } };
        rows.AddRange(results.Select(r => new[] { r.Key, r.Ours, r.Baseline, r.Comparison, r.Goal, r.Met switch { true => "yes", false => "NO", null => "-" } }));
        var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        Console.WriteLine();
        Console.WriteLine($"OneFlexTokens benchmarks, {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, {Environment.ProcessorCount} cores{(options.Quick ? ", --quick (one sample: not figures to quote)" : "")}");
        for (var i = 0; i < rows.Count; i++)
        {
            Console.WriteLine("| " + string.Join(" | ", rows[i].Select((cell, c) => cell.PadRight(widths[c]))) + " |");
            if (i == 0)
            {
                Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
            }
        }

        Console.WriteLine();
        foreach (var result in results.Where(r => r.Note.Length > 0))
        {
            Console.WriteLine($"{result.Key}: {result.Note}");
        }
    }
}

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDirectory => Path.Combine(Root, "out", "OneFlexTokens");

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "OneFlexTokens.psd1");

    public const string RootVariable = "ONEFLEX_BENCH_ROOT";

    /// <summary>A package's version from Directory.Packages.props, where every package version lives.</summary>
    public static string PackageVersion(string id) =>
        System.Xml.Linq.XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .FirstOrDefault(p => string.Equals((string?)p.Attribute("Include"), id, StringComparison.OrdinalIgnoreCase))?.Attribute("Version")?.Value
        ?? throw new InvalidOperationException($"{id} has no PackageVersion in Directory.Packages.props.");

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root)
        {
            return root;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneFlexTokens.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OneFlexTokens.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs a program to its end; output is kept, and a failure (exit code not 0) throws with it.</summary>
public static class Exec
{
    /// <summary>Starts <paramref name="file"/> with its output and errors redirected, for the caller to read and to end.</summary>
    public static Process Start(string file, IEnumerable<string> arguments, string workingDirectory) =>
        Process.Start(StartInfo(file, arguments, workingDirectory)) ?? throw new InvalidOperationException(file + " did not start.");

    public static (string Stdout, double Milliseconds) Run(string file, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null, TimeSpan? bound = null)
    {
        var start = StartInfo(file, arguments, workingDirectory ?? Environment.CurrentDirectory);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(bound ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not end in time.");
        }

        process.WaitForExit();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }

        return (stdout.Result, elapsed);
    }

    private static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

/// <summary>
/// The fresh-process rows run this program precompiled (ReadyToRun), as pwsh ships its engine: the
/// System.Management.Automation of the NuGet SDK package is IL only, and JIT-compiling it costs more than a second
/// per process, which is the host's cost, not the module's. Published once under the temp folder, again when this
/// build is newer.
/// </summary>
public static class ReadyToRunHost
{
    public static string Folder => Path.Combine(Path.GetTempPath(), "oneflex-bench-r2r");

    public static string Executable => Path.Combine(Folder, "OneFlexTokens.Benchmarks");

    public static Dictionary<string, string?> Environment => new() { [RepoPaths.RootVariable] = RepoPaths.Root };

    public static string Prepare()
    {
        var built = File.GetLastWriteTimeUtc(typeof(ReadyToRunHost).Assembly.Location);
        if (!File.Exists(Executable) || File.GetLastWriteTimeUtc(Path.Combine(Folder, "OneFlexTokens.Benchmarks.dll")) < built)
        {
            Console.Error.WriteLine("  publishing a ReadyToRun copy of the host (once) …");
            Exec.Run("dotnet", new[]
            {
                "publish", Path.Combine(RepoPaths.Root, "benchmarks", "OneFlexTokens.Benchmarks"), "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier,
                "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", Folder,
            }, bound: TimeSpan.FromMinutes(8));
            File.SetLastWriteTimeUtc(Path.Combine(Folder, "OneFlexTokens.Benchmarks.dll"), DateTime.UtcNow);
        }

        // The engine's own modules (Management, Utility …) go where pwsh keeps them: beside the engine ($PSHOME).
        var modules = Path.Combine(Folder, "Modules");
        if (!Directory.Exists(modules))
        {
            CopyFolder(Path.Combine(Folder, "runtimes", OperatingSystem.IsWindows() ? "win" : "unix", "lib", "net10.0", "Modules"), modules);
        }

        return Executable;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}

/// <summary>
/// An X display for the interactive sign-ins: the shared <see cref="OneFlexTokens.TestSupport.XvfbServer"/> when it
/// finds a free display among its numbers, else an Xvfb of our own on a higher number (stale sockets of killed
/// servers can fill the shared range).
/// </summary>
public sealed class BenchDisplay : IDisposable
{
    private readonly OneFlexTokens.TestSupport.XvfbServer _shared = new();
    private readonly Process? _own;

    public BenchDisplay()
    {
        Display = _shared.Display;
        for (var number = 150; Display is null && number < 200; number++)
        {
            if (File.Exists($"/tmp/.X11-unix/X{number}") || File.Exists($"/tmp/.X{number}-lock"))
            {
                continue;
            }

            var process = Process.Start(new ProcessStartInfo(OneFlexTokens.TestSupport.XvfbServer.Executable, $":{number} -screen 0 1280x800x24 -nolisten tcp")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            process.ErrorDataReceived += (_, _) => { };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!File.Exists($"/tmp/.X11-unix/X{number}") && !process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }

            if (!process.HasExited && File.Exists($"/tmp/.X11-unix/X{number}"))
            {
                _own = process;
                Display = $":{number}";
            }
            else
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
            }
        }

        if (Display is null)
        {
            throw new InvalidOperationException("No X display: install Xvfb (apt-get install -y xvfb xauth).");
        }
    }

    public string? Display { get; }

    public IDisposable Use() => new OneFlexTokens.TestSupport.EnvironmentScope(new() { ["DISPLAY"] = Display, ["WAYLAND_DISPLAY"] = null });

    public void Dispose()
    {
        if (_own is not null)
        {
            if (!_own.HasExited)
            {
                _own.Kill();
                _own.WaitForExit(5000);
            }

            _own.Dispose();
        }

        _shared.Dispose();
    }
}
