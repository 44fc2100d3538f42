using System.Management.Automation;
using Microsoft.PowerShell.Commands;

namespace OneFlexTokens.Common;

/// <summary>
/// The one way a path a user gives a cmdlet becomes a full file-system path, as the core cmdlets' -LiteralPath reads it:
/// relative to PowerShell's location (not the process's), through PSDrives and provider-qualified paths. Callers refuse
/// paths of other providers (<see cref="IsFileSystem"/>) with their own error id.
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

    public static bool IsFileSystem(ProviderInfo? provider) => provider is null || provider.ImplementingType == typeof(FileSystemProvider);

    public static bool IsPathError(Exception e) =>
        e is SessionStateException or ProviderInvocationException or ArgumentException or NotSupportedException or InvalidOperationException;
}
