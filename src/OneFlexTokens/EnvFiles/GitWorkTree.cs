using System.ComponentModel;
using System.Diagnostics;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// Whether a file sits in a git work tree without being ignored, so its tokens could be committed. The work
/// tree is found by walking up for <c>.git</c> (a folder, or a file in worktrees and submodules); whether the
/// file is ignored is git's own answer (<c>git check-ignore</c>), which knows every .gitignore, info/exclude
/// and core.excludesFile rule. A tracked file counts as not ignored. The repository's own command settings
/// (core.fsmonitor) are switched off for that call.
/// </summary>
internal static class GitWorkTree
{
    public static string? FindRoot(string filePath)
    {
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(filePath)); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            var marker = Path.Combine(dir, ".git");
            if (Directory.Exists(marker) || File.Exists(marker))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>True when git ignores the file, false when it does not, null when git could not tell (<paramref name="problem"/> says why).</summary>
    public static bool? IsIgnored(string root, string filePath, out string? problem, TimeSpan? timeout = null)
    {
        problem = null;
        var start = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        // -c outranks every config file: the repository's core.fsmonitor command must not run as this user (often root).
        foreach (var argument in new[] { "-c", "core.fsmonitor=false", "-C", root, "check-ignore", "-q", "--", Path.GetFullPath(filePath) })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var git = Process.Start(start)!;
            git.StandardInput.Close();
            var errors = git.StandardError.ReadToEndAsync();
            _ = git.StandardOutput.ReadToEndAsync();
            if (!git.WaitForExit(timeout ?? TimeSpan.FromSeconds(10)))
            {
                git.Kill();
                problem = "git did not answer in time";
                return null;
            }

            switch (git.ExitCode)
            {
                case 0:
                    return true;
                case 1:
                    return false;
                default:
                    var firstLine = errors.Result.Split('\n', 2)[0].Trim();
                    problem = firstLine.Length > 0 ? firstLine : $"git exited with code {git.ExitCode}";
                    return null;
            }
        }
        catch (Win32Exception)
        {
            problem = "git was not found on PATH";
            return null;
        }
    }
}
