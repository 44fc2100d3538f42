using OneFlexTokens.Benchmarks;

// One command runs every benchmark side by side with its baseline and prints the table (docs/benchmarks.md).
// Child modes (--child import|empty|cron|pwsh) are this program started again, so that a first import is measured in a fresh process.
if (args.Length >= 2 && args[0] == "--child")
{
    return Children.Run(args[1], args.Skip(2).ToArray());
}

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var results = new List<BenchResult>();
foreach (var benchmark in Benchmarks.All)
{
    if (options.Only.Count > 0 && !options.Only.Contains(benchmark.Key))
    {
        continue;
    }

    Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {benchmark.Key} …");
    try
    {
        foreach (var result in await benchmark.Run(options))
        {
            results.Add(result);
            Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {benchmark.Key}: {result.Ours} vs {result.Baseline} ({result.Comparison})");
        }
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"{benchmark.Key} failed: {e}");
        results.Add(new BenchResult(benchmark.Key, "failed: " + e.GetBaseException().Message.Split('\n')[0], "", "", "", false, ""));
    }
}

Report.Print(results, options);
return results.All(r => r.Met != false) ? 0 : 1;
