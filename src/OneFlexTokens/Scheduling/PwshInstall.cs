using OneFlexTokens.Platform;


namespace OneFlexTokens.Scheduling;

/// <summary>How the scheduler starts pwsh: <see cref="Program"/>, then <see cref="Arguments"/>, then pwsh's own switches; DOTNET_ROOT when it needs one.</summary>
internal sealed record PwshLauncher(string Program, IReadOnlyList<string> Arguments, string? DotnetRoot);

/// <summary>Which pwsh a scheduled renewal runs, and what it needs from an empty environment such as cron's.</summary>
internal static class PwshInstall
{
    /// <summary>
    /// The launcher the scheduled account can start. <c>$PSHOME/pwsh</c> when that account can run it; else, for a
    /// framework-dependent pwsh (a .NET tool, whose files are installed 0744, so a tool installed by one account is
    /// not executable by another), the dotnet host of the runtime this session runs on with <c>$PSHOME/pwsh.dll</c>,
    /// which only needs to be readable. Windows' pwsh.exe needs no other way.
    /// </summary>
    /// <param name="canExecute">Whether the scheduled account may execute a file (asked as that account).</param>
    public static PwshLauncher LauncherFor(string psHome, string runtimeDirectory, HostPlatform host, Func<string, bool> canExecute)
    {
        var apphost = PwshPath(psHome, host);
        var dotnetRoot = DotnetRootFor(psHome, runtimeDirectory, host);
        if (dotnetRoot is null || canExecute(apphost))
        {
            return new PwshLauncher(apphost, Array.Empty<string>(), dotnetRoot);
        }

        var pwshDll = Path.Combine(psHome, "pwsh.dll");
        var dotnet = Path.Combine(dotnetRoot, host.ExecutableName("dotnet"));
        return File.Exists(pwshDll) && File.Exists(dotnet)
            ? new PwshLauncher(dotnet, new[] { pwshDll }, dotnetRoot)
            : new PwshLauncher(apphost, Array.Empty<string>(), dotnetRoot);
    }

    /// <summary>The pwsh of the session that registers: <c>$PSHOME/pwsh</c> (<c>pwsh.exe</c> on Windows).</summary>
    public static string PwshPath(string psHome, HostPlatform host) => Path.Combine(psHome, host.ExecutableName("pwsh"));

    /// <summary>
    /// DOTNET_ROOT for a pwsh that needs it: a framework-dependent pwsh (the .NET tool; its pwsh.runtimeconfig.json
    /// names a "framework") is an apphost that finds the .NET runtime through DOTNET_ROOT, else only in the platform's
    /// default place, which cron's environment cannot change. It gets the runtime this session runs on
    /// (<paramref name="runtimeDirectory"/>, …/shared/Microsoft.NETCore.App/&lt;version&gt;/). Null for a self-contained
    /// pwsh (the release packages), and on Windows, whose apphost finds the runtime through the registry.
    /// </summary>
    public static string? DotnetRootFor(string psHome, string runtimeDirectory, HostPlatform host)
    {
        if (host.IsWindows)
        {
            return null;
        }

        string config;
        try
        {
            var file = new FileInfo(Path.Combine(psHome, "pwsh.runtimeconfig.json"));
            if (!file.Exists || file.Length > 64 * 1024)
            {
                return null;
            }

            config = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (!config.Contains("\"framework\"", StringComparison.Ordinal) && !config.Contains("\"frameworks\"", StringComparison.Ordinal))
        {
            return null;
        }

        var version = new DirectoryInfo(Path.TrimEndingDirectorySeparator(runtimeDirectory));
        var shared = version.Parent?.Parent;
        return shared is { Name: "shared", Parent: { } root } && version.Parent!.Name == "Microsoft.NETCore.App" ? root.FullName : null;
    }
}
