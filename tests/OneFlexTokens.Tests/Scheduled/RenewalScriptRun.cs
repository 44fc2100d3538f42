using System.Collections;
using OneFlexTokens.Tests.Harness;

namespace OneFlexTokens.Tests.Scheduled;

/// <summary>The shipped Scripts/Update-OneFlexBot.ps1 (of the laid-out module) run in a real engine the way a scheduler runs it: its exit code and log.</summary>
public sealed record RenewalScriptRun(int ExitCode, ScriptResult Result, string Log)
{
    public static string ScriptPath => Path.Combine(RepoPaths.ModuleDirectory, "Scripts", "Update-OneFlexBot.ps1");

    public static RunningRenewal Start(IDictionary parameters)
    {
        var session = new PowerShellSession(importModule: false);
        var running = session.Start("& $script @parameters; $LASTEXITCODE", new Hashtable { ["script"] = ScriptPath, ["parameters"] = parameters });
        return new RunningRenewal(session, running, (string)parameters["LogPath"]!);
    }

    public static RenewalScriptRun Run(IDictionary parameters) => Start(parameters).Wait();
}

public sealed class RunningRenewal(PowerShellSession session, RunningScript running, string logPath)
{
    public RenewalScriptRun Wait()
    {
        try
        {
            var result = running.Wait(TimeSpan.FromMinutes(3));
            var exitCode = result.Objects.LastOrDefault() is int code ? code : -1;
            return new RenewalScriptRun(exitCode, result, File.Exists(logPath) ? File.ReadAllText(logPath) : "");
        }
        finally
        {
            session.Dispose();
        }
    }
}
