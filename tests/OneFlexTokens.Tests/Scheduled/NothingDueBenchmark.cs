using System.Collections;
using System.Diagnostics;
using OneFlexTokens.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace OneFlexTokens.Tests.Scheduled;

/// <summary>
/// Benchmark, not a test (opt in with ONEFLEX_BENCHMARKS=1): how long the scheduled script takes when nothing is due
/// (goal: well under a second), in a new runspace each time. The first run also pays for loading the module's
/// assemblies into this process, as a new pwsh process would; pwsh's own start-up is not included.
/// </summary>
public sealed class NothingDueBenchmark(ITestOutputHelper output)
{
    [SkippableFact]
    public void Nothing_due_run_is_quick()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("ONEFLEX_BENCHMARKS") == "1", "Benchmark: set ONEFLEX_BENCHMARKS=1 to run it.");
        var root = Directory.CreateTempSubdirectory("oneflex-nothing-due-").FullName;
        var bot = Path.Combine(root, "oneflex");
        Directory.CreateDirectory(Path.Combine(bot, "config"));
        File.WriteAllText(Path.Combine(bot, "config", ".env"), $"ONEFLEX_TOKEN={TestJwt.Valid(TimeSpan.FromHours(1))}\n");
        var engine = Stopwatch.StartNew();
        using (var warm = new PowerShellSession(importModule: false))
        {
            warm.Invoke("Get-Date | Out-Null; Add-Content -LiteralPath $args[0] -Value x", Path.Combine(root, "warm.txt"));
        }

        output.WriteLine($"PowerShell engine start in this process (pwsh's own start-up, not counted below): {engine.ElapsedMilliseconds} ms");
        for (var run = 1; run <= 5; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = RenewalScriptRun.Run(new Hashtable { ["BotFolder"] = bot, ["LogPath"] = Path.Combine(root, "renewal.log") });
            watch.Stop();
            Assert.Equal(0, result.ExitCode);
            output.WriteLine($"run {run}: nothing due, exit 0 after {watch.ElapsedMilliseconds} ms (runspace, module import, lock, check, log)");
        }

        Directory.Delete(root, true);
    }
}
