namespace OneFlexTokens.Scheduling;

/// <summary>
/// Synology DSM rewrites /etc/crontab from its own Task Scheduler, so a line written there or in a user crontab does
/// not last: on DSM nothing is written, and the steps to create the task in Control Panel are given instead.
/// </summary>
internal static class SynologyDsm
{
    public const string VersionFile = "/etc.defaults/VERSION";
    public const string SynoInfoFile = "/etc/synoinfo.conf";

    /// <summary>DSM's version (e.g. "7.2.1") when this is a Synology DSM system, else null.</summary>
    public static string? Detect(Func<string, string?> readFile)
    {
        var version = readFile(VersionFile);
        if (version is null || !(version.Contains("os_name=\"DSM\"", StringComparison.Ordinal) || readFile(SynoInfoFile) is not null))
        {
            return null;
        }

        return Value(version, "productversion") ?? Value(version, "majorversion") ?? "unknown";
    }

    /// <summary>The Control Panel steps for a user-defined script that runs <paramref name="command"/>.</summary>
    public static string Steps(string taskName, string user, RenewalInterval interval, string command)
    {
        var minutes = (int)interval.Every.TotalMinutes;
        var frequency = minutes < 60 ? $"Every {minutes} minute(s)" : $"Every {minutes / 60} hour(s)";
        return string.Join(Environment.NewLine, new[]
        {
            "Synology DSM keeps its own schedule (it rewrites /etc/crontab), so nothing was written. Create the task once in DSM:",
            "  1. Control Panel > Task Scheduler > Create > Scheduled Task > User-defined script.",
            $"  2. General: Task: {taskName}; User: {user}; Enabled: ticked.",
            $"  3. Schedule: Run on the following days: Daily; First run time: 00:00; Frequency: {frequency}; Last run time: the last slot of the day.",
            "  4. Task Settings: Send run details by email: only when the script terminates abnormally (exit 2: sign in again; exit 1: failed).",
            "     User-defined script (paste as one line):",
            "     " + command,
            "  5. OK, then select the task and click Run once to check it: the run adds a line to renewal.log in the bot folder's .oneflextokens folder.",
        });
    }

    /// <summary>The Control Panel steps to delete the task that <see cref="Steps"/> had the user create.</summary>
    public static string RemovalSteps(string taskName) =>
        "Synology DSM keeps its own schedule, so nothing was removed here. Delete the task in DSM: Control Panel > Task Scheduler, select '"
        + taskName + "', then Delete.";

    private static string? Value(string file, string key)
    {
        foreach (var line in file.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(key + "=", StringComparison.Ordinal))
            {
                var value = trimmed[(key.Length + 1)..].Trim().Trim('"');
                return value.Length > 0 ? value : null;
            }
        }

        return null;
    }
}
