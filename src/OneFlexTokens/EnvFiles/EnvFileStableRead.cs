using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.EnvFiles;

/// <summary>
/// Reads of one .env file, repeated until one can be acted on, for a save or a read. The bot rewrites config/.env in
/// place after its own refresh, with no lock (Python's open(path, 'w') truncates, then its write puts the whole text
/// back), so a read may land between that truncate and that write and see an empty or cut file; a save built on it would
/// write the other settings away. A read is acted on only when:
/// <list type="bullet">
/// <item>no write landed during it (<see cref="EnvFileAccess.TryRead(EnvTarget, out bool)"/>: size, change time and
/// bytes the same across it), and</item>
/// <item>when it could be a write caught halfway — empty (the truncate was seen, not yet the write), a multiple of 4 KiB
/// long (a long write is seen page by page, and Python's buffer writes 8 KiB at a time), or with fewer lines than an
/// earlier read of this save or read —
/// the file has also been seen unchanged for <see cref="Settle"/>: far longer than the bot takes from its truncate to
/// its write, which follow each other at once, even on a busy machine. (Watched, not judged by the file's change time: a
/// network share's clock may differ from ours.) A bot stopped for longer than that between the two is the one case
/// left: the save then writes its tokens into what looks like an empty file, and the bot's write goes to the replaced one.</item>
/// </list>
/// Anything else is read again (<see cref="LockFile.Poll"/>), and a save or a read that finds no such read in time fails
/// with EnvFileUnstable, changing nothing. Reads use it too: a cut read would tell a renewal that the bot has no token.
/// </summary>
internal sealed class EnvFileStableRead
{
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private const int PageSize = 4096;

    private readonly EnvTarget _target;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private int _mostLines;
    private EnvFileContent? _watched;
    private TimeSpan _watchedSince;

    public EnvFileStableRead(EnvTarget target) => _target = target;

    /// <summary>The content of <paramref name="target"/>'s file as a stable read gives it (null when it does not exist), within <paramref name="timeout"/>.</summary>
    /// <exception cref="OneFlexException">EnvFileUnstable: the file kept changing; or a refusal of <see cref="EnvFileAccess"/>'s policy.</exception>
    public static EnvFileContent? Read(EnvTarget target, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reads = new EnvFileStableRead(target);
        var read = LockFile.Poll(() => reads.TryRead(out var content) ? new StrongBox<EnvFileContent?>(content) : null, timeout, cancellationToken)
            ?? throw Unstable(target, timeout);
        return read.Value;
    }

    public static OneFlexException Unstable(EnvTarget target, TimeSpan timeout) =>
        new(ErrorIds.EnvFileUnstable, ErrorCategory.ResourceBusy, Messages.EnvFileUnstable(target.Path, timeout), target.Path);

    /// <summary>One read: true with its content (null for a missing file) when it can be acted on, false to read again.</summary>
    public bool TryRead(out EnvFileContent? content)
    {
        if (_watched is { } watched && EnvFileAccess.SameContent(watched.Facts, PlatformFiles.Inspect(_target.File)))
        {
            // Still as it was when read whole: looking is enough, and a file near the size cap is not read again and again.
            content = watched;
            return _watch.Elapsed - _watchedSince >= Settle;
        }

        _watched = null;
        content = EnvFileAccess.TryRead(_target, out var unchanged);
        if (content is null)
        {
            // The bot never deletes the file: a missing file is not a write caught halfway.
            return true;
        }

        var lines = content.Bytes.Span.Count((byte)'\n');
        var fewerLines = lines < _mostLines;
        _mostLines = Math.Max(_mostLines, lines);
        if (!unchanged)
        {
            return false;
        }

        if (!CouldBeCut(content.Bytes.Span) && !fewerLines)
        {
            return true;
        }

        _watched = content;
        _watchedSince = _watch.Elapsed;
        return false;
    }

    /// <summary>Empty, or cut where a write in progress can be seen to end (0 counts: the truncate before the write).</summary>
    private static bool CouldBeCut(ReadOnlySpan<byte> bytes) => bytes.Length % PageSize == 0;
}
