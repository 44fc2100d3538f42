using System.Globalization;
using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.Platform;

/// <summary>
/// The one trust rule for what the module reads, writes or runs besides the .env files (the renewal's state folder and
/// files, its log, the webhook file, the per-user driver copy and the folders above it): an entry is used only when it
/// is owned by this user or root and neither group nor others may write it, and it is never reached through a link of
/// another account (a link of this user's or root's is followed, and its target must pass the rule too). Otherwise
/// <see cref="OneFlexException"/> with the caller's id, ErrorCategory.SecurityError, and nothing is used there. A missing
/// entry passes: whoever creates it makes it this user's. On Windows owners and modes are not compared (the OS gives
/// none here); a reparse point counts as a link and is refused, as <see cref="PlatformFiles"/> reports it.
/// </summary>
internal static class TrustedPath
{
    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const int MaxLinks = 8;

    /// <summary>Throws <paramref name="errorId"/> unless <paramref name="path"/> passes the rule; a missing entry passes.</summary>
    /// <exception cref="IOException">Or <see cref="UnauthorizedAccessException"/>: the entry cannot be looked at; the caller reports the cause.</exception>
    public static void Require(string path, string errorId) =>
        Require(path, errorId, HostPlatform.Current.OS, PlatformFiles.EffectiveUserId);

    internal static void Require(string path, string errorId, OSKind os, uint? caller)
    {
        var current = path;
        for (var links = 0; ; links++)
        {
            var facts = PlatformFiles.Inspect(current);
            if (Distrust(facts, os, caller) is { } reason)
            {
                throw new OneFlexException(errorId, ErrorCategory.SecurityError,
                    Messages.PathNotTrusted(errorId, path, current == path ? reason : $"it leads through a link to '{current}', and {reason}"), path);
            }

            if (facts.Kind != FileKind.SymbolicLink)
            {
                return;
            }

            if (links == MaxLinks || new FileInfo(current).LinkTarget is not { } target)
            {
                throw new OneFlexException(errorId, ErrorCategory.SecurityError, Messages.PathNotTrusted(errorId, path, "it is a chain of links too long to follow"), path);
            }

            current = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
        }
    }

    /// <summary>Why an entry with <paramref name="facts"/> fails the rule for the user <paramref name="caller"/> on <paramref name="os"/>; null when it passes.</summary>
    internal static string? Distrust(FileFacts facts, OSKind os, uint? caller)
    {
        if (facts.Kind == FileKind.Missing)
        {
            return null;
        }

        if (os == OSKind.Windows)
        {
            return facts.Kind == FileKind.SymbolicLink ? "it is a link (a reparse point)" : null;
        }

        var owner = facts.OwnerId;
        if (owner is null || (owner != caller && owner != 0))
        {
            var what = facts.Kind == FileKind.SymbolicLink ? "it is a link owned by" : "it is owned by";
            return $"{what} {Describe(owner)}, not by {(caller == 0 ? "you (root)" : $"you ({Describe(caller)}) or root")}";
        }

        // A link's own mode means nothing (always 0777 on Linux): its target is checked next.
        if (facts.Kind != FileKind.SymbolicLink && facts.Mode is { } mode && (mode & OthersWrite) != 0)
        {
            return $"its group or other users may write it (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}, owner {Describe(owner)})";
        }

        return null;
    }

    /// <summary>"uid 1001 (mallory)": the user's name when the passwd file knows it.</summary>
    internal static string Describe(uint? uid)
    {
        if (uid is not { } id)
        {
            return "an unknown user";
        }

        var text = "uid " + id.ToString(CultureInfo.InvariantCulture);
        return NameOf(id) is { } name ? $"{text} ({name})" : text;
    }

    private static string? NameOf(uint uid)
    {
        try
        {
            var wanted = uid.ToString(CultureInfo.InvariantCulture);
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == wanted)
                {
                    return fields[0];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No passwd file (macOS keeps users elsewhere): the uid alone names the owner.
        }

        return null;
    }
}
