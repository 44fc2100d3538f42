using System.Runtime.InteropServices;

namespace OneFlexTokens.SignIn;

/// <summary>
/// The last guarantee that no browser outlives a run: after the driver is gone, waits for the processes started on
/// this profile to exit, and kills those that do not. Linux only (it reads /proc); elsewhere the driver's own cleanup
/// is all there is.
/// </summary>
internal static class BrowserProcesses
{
    public static async Task WaitForExitAsync(string profilePath, TimeSpan bound)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            return;
        }

        var marker = "--user-data-dir=" + profilePath;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = Find(marker);
            if (left.Count == 0)
            {
                return;
            }

            if (clock.Elapsed > bound)
            {
                foreach (var pid in left)
                {
                    _ = kill(pid, 9);
                }

                return;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static List<int> Find(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    continue;
                }

                var arguments = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (arguments.Contains(marker, StringComparer.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
            }
        }

        return found;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
