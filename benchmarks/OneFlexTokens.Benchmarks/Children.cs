using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json;

namespace OneFlexTokens.Benchmarks;

/// <summary>What a fresh process measures about itself: this program started again with --child.</summary>
public static class Children
{
    public const string ResultPrefix = "RESULT ";

    public static int Run(string mode, string[] args) => mode switch
    {
        "import" => FirstCommand(importModule: true),
        "empty" => FirstCommand(importModule: false),
        "cron" => Cron(args[0], args.Length > 1 ? args[1] : null),
        // pwsh itself (its console host), on this program's ReadyToRun copy of the engine: as pwsh ships in its packages.
        "pwsh" => Microsoft.PowerShell.ConsoleShell.Start(null, null, args),
        _ => 2,
    };

    /// <summary>
    /// Opens a runspace, then times its first command: Import-Module of the laid-out module, or (the baseline)
    /// Get-Module, which pays the same first-pipeline cost without importing anything.
    /// </summary>
    private static int FirstCommand(bool importModule)
    {
        var clock = Stopwatch.StartNew();
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var openMs = clock.Elapsed.TotalMilliseconds;
        var before = LoadedAssemblies();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        if (importModule)
        {
            ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.ModuleManifest).AddParameter("ErrorAction", "Stop");
        }
        else
        {
            ps.AddCommand("Get-Module");
        }

        clock.Restart();
        ps.Invoke();
        var commandMs = clock.Elapsed.TotalMilliseconds;
        if (ps.HadErrors)
        {
            Console.Error.WriteLine(string.Join("\n", ps.Streams.Error));
            return 1;
        }

        var after = LoadedAssemblies();
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(new ChildImport(
            openMs,
            commandMs,
            after.Contains("Microsoft.Playwright"),
            after.Contains("Docker.DotNet"),
            after.Except(before).Order().ToArray())));
        return 0;
    }

    /// <summary>
    /// The scheduled job when nothing is due, as <c>pwsh -NoProfile -File script.ps1 -BotFolder …</c> would run it: a
    /// fresh engine, then the script (which imports the module itself); without the script, the equivalent check.
    /// </summary>
    private static int Cron(string botFolder, string? script)
    {
        var clock = Stopwatch.StartNew();
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(botFolder);
        var openMs = clock.Elapsed.TotalMilliseconds;
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        double importMs = 0;
        if (script is null)
        {
            ps.AddCommand("Import-Module").AddParameter("Name", RepoPaths.ModuleManifest).AddParameter("ErrorAction", "Stop");
            ps.Invoke();
            importMs = clock.Elapsed.TotalMilliseconds - openMs;
            ps.Commands.Clear();
            ps.AddScript("Test-OneFlexToken -EnvPath config/.env -MinimumValidity 00:10:00");
        }
        else
        {
            ps.AddCommand(script).AddParameter("BotFolder", botFolder).AddParameter("ModulePath", RepoPaths.ModuleManifest);
        }

        var output = ps.Invoke();
        var runMs = clock.Elapsed.TotalMilliseconds - openMs - importMs;
        var exitCode = runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
        if (ps.HadErrors || exitCode is int code && code != 0)
        {
            Console.Error.WriteLine($"exit code {exitCode}: " + string.Join("\n", ps.Streams.Error));
            return 1;
        }

        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(new ChildCron(openMs, importMs, runMs, string.Join(",", output.Select(o => o?.ToString())))));
        return 0;
    }

    private static HashSet<string> LoadedAssemblies() =>
        AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "").ToHashSet(StringComparer.Ordinal);

    public static T Parse<T>(string stdout)
    {
        var line = stdout.Split('\n').Last(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        return JsonSerializer.Deserialize<T>(line[ResultPrefix.Length..])!;
    }
}

public sealed record ChildImport(double OpenMs, double CommandMs, bool Playwright, bool DockerDotNet, string[] NewAssemblies);

public sealed record ChildCron(double OpenMs, double ImportMs, double RunMs, string Output);
