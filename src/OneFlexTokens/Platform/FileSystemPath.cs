using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace OneFlexTokens.Platform;

/// <summary>
/// The one way a path a user gives a cmdlet becomes a full file-system path, as the core cmdlets' -LiteralPath reads it:
/// relative to PowerShell's location (not the process's), through PSDrives and provider-qualified paths. Callers refuse
/// paths of other providers (<see cref="IsFileSystem"/>) as PathNotFileSystem, whichever parameter named them.
/// </summary>
internal static class FileSystemPath
{
    /// <summary>The full path; <paramref name="provider"/> is null for a fully qualified path, which needs no provider.</summary>
    /// <exception cref="Exception">One that <see cref="IsPathError"/> accepts: no such drive or provider, or a malformed path.</exception>
    public static string Resolve(SessionState session, string path, out ProviderInfo? provider)
    {
        // Asking a provider costs a drive check per call (the save benchmark shows it): a fully qualified path needs none.
        if (Path.IsPathFullyQualified(path))
        {
            provider = null;
            return Path.GetFullPath(path);
        }

        var full = session.Path.GetUnresolvedProviderPathFromPSPath(path, out var named, out _);
        provider = named;
        return full;
    }

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link (or junction) along it replaced by what it points to, as
    /// realpath does; the parts that do not exist, and a loop of links, are kept as they are.
    /// </summary>
    public static string WithLinksResolved(string fullPath)
    {
        const int maxLinks = 40;
        var path = Path.GetFullPath(fullPath);
        for (var links = 0; links < maxLinks; links++)
        {
            var root = Path.GetPathRoot(path) ?? string.Empty;
            var parts = path[root.Length..].Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
            var resolved = root;
            var followed = false;
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Combine(resolved, parts[i]);
                if (LinkTarget(next) is { } target)
                {
                    // Start again from the target, so links inside it are resolved too.
                    path = Path.Combine(new[] { Path.GetFullPath(target, resolved) }.Concat(parts[(i + 1)..]).ToArray());
                    followed = true;
                    break;
                }

                resolved = next;
            }

            if (!followed)
            {
                return resolved;
            }
        }

        return fullPath;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A part that cannot be looked at is kept as it is, like one that does not exist.
            return null;
        }
    }

    public static bool IsFileSystem(ProviderInfo? provider) => provider is null || provider.ImplementingType == typeof(FileSystemProvider);

    public static bool IsPathError(Exception e) =>
        e is SessionStateException or ProviderInvocationException or ArgumentException or NotSupportedException or InvalidOperationException;
}
