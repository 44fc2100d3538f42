using System.Management.Automation;
using Microsoft.Win32.SafeHandles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.EnvFiles;

/// <summary>A .env file's bytes and what the OS said about the file they were read from.</summary>
internal sealed record EnvFileContent(ReadOnlyMemory<byte> Bytes, FileFacts Facts);

/// <summary>
/// The .env file policy, the same for reading (-EnvPath) and saving, since users run the module as root on a NAS
/// where any path may be hostile. A .env target is a regular file. A symbolic link is followed only to a regular
/// file that exists and whose owner is the owner of every link on the way, or the caller when every link on the way is
/// the caller's or root's (never another user's link to the caller's file); a dangling link is refused,
/// not created through. Files over <see cref="MaxBytes"/> are refused before they are read, and reads never follow a
/// link that appeared meanwhile nor block on a FIFO or device. Each refusal is a OneFlexException with its own id,
/// thrown before anything on disk is touched. (Links in the folder part of a path are followed as usual.)
/// </summary>
internal static class EnvFileAccess
{
    /// <summary>1 MiB: a bot's .env is a few kilobytes; anything this large is not one.</summary>
    public const int MaxBytes = 1024 * 1024;

    private const int MaxLinks = 40;

    /// <summary>
    /// The .env file that <paramref name="path"/> names, under the policy: itself, or the final target of a link that the
    /// policy lets us follow; it may not exist yet. Errors and results name <paramref name="path"/>.
    /// </summary>
    public static EnvTarget Resolve(string path)
    {
        try
        {
            var file = FollowLinks(path, out var viaLink);
            return new EnvTarget(path, file, viaLink);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }
    }

    private static string FollowLinks(string path, out bool viaLink)
    {
        var full = Path.GetFullPath(path);
        var facts = PlatformFiles.Inspect(full);
        viaLink = facts.Kind == FileKind.SymbolicLink;
        if (!viaLink)
        {
            CheckKind(facts.Kind, path, full, viaLink: false);
            return full;
        }

        var linkOwners = new List<uint?>();
        var current = full;
        for (var hop = 0; hop < MaxLinks && facts.Kind == FileKind.SymbolicLink; hop++)
        {
            linkOwners.Add(facts.OwnerId);
            var target = new FileInfo(current).LinkTarget;
            if (target is null)
            {
                break;
            }

            current = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
            facts = PlatformFiles.Inspect(current);
        }

        if (facts.Kind is FileKind.SymbolicLink or FileKind.Missing)
        {
            throw new OneFlexException(ErrorIds.EnvFileLinkDangling, ErrorCategory.ObjectNotFound,
                Messages.EnvFileLinkDangling(path, current), path);
        }

        CheckKind(facts.Kind, path, current, viaLink: true);
        var caller = PlatformFiles.EffectiveUserId;
        if (facts.OwnerId is { } owner && linkOwners.Any(linkOwner => linkOwner != owner))
        {
            // Another user's link to a file of the caller's would make the caller (root, on a NAS) overwrite a file of
            // its own that it never named: such a chain is followed only when every link is the caller's or root's.
            var stranger = linkOwners.FirstOrDefault(linkOwner => linkOwner != owner && linkOwner != caller && linkOwner != 0);
            if (owner != caller)
            {
                throw new OneFlexException(ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError,
                    Messages.EnvFileLinkRefused(path, current, owner, linkOwners.First(linkOwner => linkOwner != owner), caller), path);
            }

            if (stranger is not null)
            {
                throw new OneFlexException(ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError,
                    Messages.EnvFileLinkToCallersFileRefused(path, stranger, current), path);
            }
        }

        return current;
    }

    /// <summary>
    /// The bytes of <paramref name="target"/>'s file, or null when it does not exist. Memory stays within
    /// <see cref="MaxBytes"/> whatever the file holds. Callers read through <see cref="EnvFileStableRead"/>, which acts on
    /// <paramref name="unchanged"/>.
    /// </summary>
    /// <param name="unchanged">
    /// No write landed during the read: the open file had the same size and change time before and after it, and a
    /// second read gave the same bytes.
    /// </param>
    internal static EnvFileContent? TryRead(EnvTarget target, out bool unchanged)
    {
        unchanged = false;
        SafeFileHandle handle;
        FileFacts facts;
        try
        {
            // Others may write and rename meanwhile (the bot rewrites the file in place): that is what unchanged tells.
            handle = PlatformFiles.OpenExisting(target.File, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, out facts);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(target.Path, e);
        }

        using (handle)
        {
            CheckKind(facts.Kind, target.Path, target.File, target.ViaLink);
            try
            {
                var bytes = PlatformFiles.ReadAtMost(handle, facts.Size, MaxBytes) ?? throw TooLarge(target.Path);
                unchanged = ReadsAgainAs(handle, bytes.Span) && SameContent(facts, PlatformFiles.Inspect(handle, target.File));
                return new EnvFileContent(bytes, facts);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unreadable(target.Path, e);
            }
        }
    }

    /// <summary>The open file holds <paramref name="expected"/> and nothing more; compared page by page, so memory stays as it was.</summary>
    private static bool ReadsAgainAs(SafeFileHandle handle, ReadOnlySpan<byte> expected)
    {
        Span<byte> page = stackalloc byte[4096];
        long offset = 0;
        while (true)
        {
            var read = RandomAccess.Read(handle, page, offset);
            if (read == 0)
            {
                return offset == expected.Length;
            }

            if (offset + read > expected.Length || !page[..read].SequenceEqual(expected.Slice((int)offset, read)))
            {
                return false;
            }

            offset += read;
        }
    }

    /// <summary>The same size and change time: as far as the OS tells, nobody wrote the file between the two looks.</summary>
    internal static bool SameContent(FileFacts before, FileFacts after) =>
        before.Kind == after.Kind && before.Size == after.Size && before.ChangedAt == after.ChangedAt;

    /// <summary>Opens an existing file for writing under the same rules, to learn whether this user may write it; the file is not changed.</summary>
    public static void ProbeWritable(string file)
    {
        using var probe = PlatformFiles.OpenExisting(file, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, out _);
    }

    internal static OneFlexException Unreadable(string shownPath, Exception e) => e switch
    {
        SymbolicLinkException => new OneFlexException(ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError,
            Messages.EnvFileNotRegular(shownPath, "a symbolic link that appeared while it was being read"), shownPath, e),
        UnauthorizedAccessException => new OneFlexException(ErrorIds.EnvFileUnreadable, ErrorCategory.PermissionDenied,
            Messages.EnvFileUnreadable(shownPath, e.Message), shownPath, e),
        _ => new OneFlexException(ErrorIds.EnvFileUnreadable, ErrorCategory.ReadError,
            Messages.EnvFileUnreadable(shownPath, e.Message), shownPath, e),
    };

    internal static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Directory => "a folder",
        _ => "a special file",
    };

    private static void CheckKind(FileKind kind, string path, string target, bool viaLink)
    {
        switch (kind)
        {
            case FileKind.Missing or FileKind.Regular:
                return;
            case FileKind.Directory:
                throw new OneFlexException(ErrorIds.EnvPathIsDirectory, ErrorCategory.InvalidArgument,
                    Messages.EnvPathIsDirectory(path), path);
            default:
                throw new OneFlexException(ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument,
                    viaLink
                        ? Messages.EnvFileLinkNotRegular(path, target, Describe(kind))
                        : Messages.EnvFileNotRegular(path, Describe(kind)),
                    path);
        }
    }

    internal static OneFlexException TooLarge(string shownPath) =>
        new(ErrorIds.EnvFileTooLarge, ErrorCategory.LimitsExceeded, Messages.EnvFileTooLarge(shownPath, MaxBytes), shownPath);
}
