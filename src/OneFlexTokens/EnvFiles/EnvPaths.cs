using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// How cmdlet parameters name .env files: by PowerShell's rules for paths, as the core cmdlets read them. Relative
/// paths follow the current PowerShell location; PSDrives and provider-qualified paths (the PSPath of Get-Item's output)
/// work; paths of other providers than the file system are PathNotFileSystem. Save-OneFlexEnv -Path expands wildcards
/// like Set-Content -Path -Force (hidden files match; a pattern that matches nothing is EnvFileNotFound; a path without
/// wildcards need not exist, so that the file can be created); -LiteralPath, and -EnvPath of the cmdlets that read one
/// file, take the path as it is.
/// </summary>
internal static class EnvPaths
{
    /// <summary>
    /// The full paths of the files that <paramref name="path"/> names; one that names no existing file still names one to
    /// create. Wildcards match hidden files too, as Set-Content -Force's do: a .env file is hidden on Linux and macOS.
    /// </summary>
    public static IReadOnlyList<string> ForSaving(SessionState session, string path, bool literal)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
        {
            // Escaped wildcard characters (`[) stand for themselves, as in the core cmdlets' -Path.
            return new[] { Unresolved(session, literal ? path : WildcardPattern.Unescape(path)) };
        }

        var files = new List<string>();
        try
        {
            session.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            CheckFileSystem(path, provider);
            foreach (var item in session.InvokeProvider.Item.Get(new[] { path }, force: true, literalPath: false))
            {
                files.Add(((FileSystemInfo)item.BaseObject).FullName);
            }
        }
        catch (Exception e) when (FileSystemPath.IsPathError(e))
        {
            throw NotResolved(path, e);
        }

        return files.Count > 0
            ? files
            : throw new OneFlexException(ErrorIds.EnvFileNotFound, ErrorCategory.ObjectNotFound, Messages.EnvPathNoMatch(path), path);
    }

    /// <summary>The full path of the one file that a reader's -EnvPath names, taken as it is: wildcard characters are part of the name.</summary>
    public static string ForReading(SessionState session, string path)
    {
        var full = Unresolved(session, path);
        if (WildcardPattern.ContainsWildcardCharacters(path) && PlatformFiles.Inspect(full).Kind == FileKind.Missing)
        {
            throw new OneFlexException(ErrorIds.EnvFileNotFound, ErrorCategory.ObjectNotFound, Messages.EnvFileNotFoundNoWildcards(full), full);
        }

        return full;
    }

    private static string Unresolved(SessionState session, string path)
    {
        string full;
        ProviderInfo? provider;
        try
        {
            full = FileSystemPath.Resolve(session, path, out provider);
        }
        catch (Exception e) when (FileSystemPath.IsPathError(e))
        {
            throw NotResolved(path, e);
        }

        CheckFileSystem(path, provider);
        return full;
    }

    private static void CheckFileSystem(string path, ProviderInfo? provider)
    {
        if (!FileSystemPath.IsFileSystem(provider))
        {
            throw new OneFlexException(ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument,
                Messages.EnvPathNotFileSystem(path, provider!.Name), path);
        }
    }

    private static OneFlexException NotResolved(string path, Exception e) => e switch
    {
        ProviderNotFoundException => new(ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, Messages.EnvPathNotResolved(path, e.Message), path, e),
        SessionStateException => new(ErrorIds.EnvFileNotFound, ErrorCategory.ObjectNotFound, Messages.EnvPathNotResolved(path, e.Message), path, e),
        _ => new(ErrorIds.EnvFileNotFound, ErrorCategory.InvalidArgument, Messages.EnvPathNotResolved(path, e.Message), path, e),
    };
}
