using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Renewal;

/// <summary>One run as its outcome line in the renewal log says.</summary>
public sealed record RenewalRun(DateTimeOffset Time, RenewalOutcome Outcome, int ExitCode, string? ErrorId, string Message);

/// <summary>
/// The renewal log, written and read here only. Each run appends detail lines (<c>time LEVEL text</c>) and ends with one
/// machine-readable outcome line: <c>time RESULT &lt;Outcome&gt; exit=&lt;code&gt; error=&lt;id or -&gt; &lt;short message&gt;</c>.
/// Every line that carries text is scrubbed (<see cref="SecretScrubber"/>: no token, no URL user info, no webhook path)
/// and kept on one line; only the nothing-due line, made of a time and a duration, is not (<see cref="NothingDue"/>). The log is bounded: a line that would take it past <see cref="MaxBytes"/> first moves it to
/// <c>&lt;log&gt;.1</c> (replacing the older one), so at most two files of that size exist. Files are created
/// owner-only (others lose read access to an existing one), opened without following a link, and appended one line per write, so a
/// reader (or a waiting run) sees each line at once. The log's folder, the log and its older file pass the trust rule
/// (<see cref="TrustedPath"/>) before they are written or read: StateNotTrusted, and nothing is written or read there.
/// </summary>
internal sealed partial class RenewalLog
{
    public const long DefaultMaxBytes = 256 * 1024;
    public const string OutcomeLevel = "RESULT";
    public const string OldSuffix = ".1";

    /// <summary>Longest message a line keeps; the outcome line's message is shorter still.</summary>
    public const int MaxLineText = 2000;
    public const int MaxOutcomeText = 300;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public RenewalLog(string path, long maxBytes = DefaultMaxBytes)
    {
        Path = path;
        MaxBytes = maxBytes;
    }

    public string Path { get; }

    public string OldPath => Path + OldSuffix;

    public long MaxBytes { get; }

    // The folder is checked once per log: only its owner (this user or root) could change it after that.
    private bool _folderTrusted;

    /// <summary>Only the run holding the renewal lock rotates, so two runs never rotate the same file.</summary>
    public bool MayRotate { get; set; }

    public void Info(string text) => Write("INFO", text);

    public void Warn(string text) => Write("WARN", text);

    public void Error(string text) => Write("ERROR", text);

    /// <summary>The run's outcome line; <paramref name="message"/> is shortened to <see cref="MaxOutcomeText"/>.</summary>
    public void Outcome(RenewalOutcome outcome, string? errorId, string message) =>
        Append(DateTimeOffset.Now, OutcomeLevel,
            $"{outcome} exit={RenewalResult.ExitCodeOf(outcome)} error={(string.IsNullOrEmpty(errorId) ? "-" : errorId)} {Shorten(OneLine(message), MaxOutcomeText)}");

    /// <summary>
    /// The outcome line of a run that found nothing due. Its text is made of a time and a duration only, so nothing in it
    /// can be a secret and it skips the scrubber: the scrubber's patterns would be most of what a nothing-due run costs.
    /// </summary>
    public void NothingDue(DateTimeOffset? expiresAt, TimeSpan minimumValidity) =>
        Append(DateTimeOffset.Now, OutcomeLevel, $"{RenewalOutcome.NothingDue} exit=0 error=- {Messages.RenewalNothingDue(expiresAt, minimumValidity)}", scrub: false);

    /// <exception cref="OneFlexException">RenewalStateNotWritable: the log cannot be created or written.</exception>
    public void Write(string level, string text) => Append(DateTimeOffset.Now, level, Shorten(OneLine(text), MaxLineText));

    /// <summary>The runs in the log and its older file, oldest first, at most the last <paramref name="last"/>.</summary>
    /// <exception cref="OneFlexException">StateNotTrusted: the log, its older file or their folder fails the trust rule; nothing was read.</exception>
    public static IReadOnlyList<RenewalRun> ReadRuns(string path, int last = int.MaxValue)
    {
        var runs = new List<RenewalRun>();
        foreach (var file in new[] { path + OldSuffix, path })
        {
            if (!MayRead(file))
            {
                continue;
            }

            foreach (var line in ReadTail(file, (int)Math.Min(DefaultMaxBytes * 4, int.MaxValue)).Split('\n'))
            {
                if (ParseOutcome(line.TrimEnd('\r')) is { } run)
                {
                    runs.Add(run);
                }
            }
        }

        return runs.Count <= last ? runs : runs.GetRange(runs.Count - last, last);
    }

    /// <summary>
    /// The run an outcome line records; null for a detail line or anything else. Its error id and message are made
    /// display-safe (<see cref="DisplayText"/>): anyone who could write the file could have put escape sequences there.
    /// </summary>
    public static RenewalRun? ParseOutcome(string line)
    {
        var match = OutcomeLine().Match(line);
        if (!match.Success
            || !DateTimeOffset.TryParseExact(match.Groups["time"].Value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            || !Enum.TryParse<RenewalOutcome>(match.Groups["outcome"].Value, ignoreCase: false, out var outcome)
            || !int.TryParse(match.Groups["exit"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var exitCode))
        {
            return null;
        }

        var errorId = match.Groups["error"].Value;
        return new RenewalRun(time, outcome, exitCode, errorId == "-" ? null : DisplayText.Escape(errorId), DisplayText.Escape(match.Groups["message"].Value));
    }

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:sszzz";

    /// <summary>
    /// True when <paramref name="file"/> may be read: its folder and itself pass the trust rule (StateNotTrusted otherwise);
    /// false when it cannot even be looked at, which reads as no runs, as a missing log does.
    /// </summary>
    private static bool MayRead(string file)
    {
        try
        {
            TrustedPath.Require(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!, ErrorIds.StateNotTrusted);
            TrustedPath.Require(file, ErrorIds.StateNotTrusted);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Append(DateTimeOffset time, string level, string text, bool scrub = true)
    {
        var line = Encoding.UTF8.GetBytes($"{time.ToString(TimeFormat, CultureInfo.InvariantCulture)} {level,-5} {(scrub ? SecretScrubber.Scrub(text) : text)}\n");
        try
        {
            if (!_folderTrusted)
            {
                TrustedPath.Require(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, ErrorIds.StateNotTrusted);
                _folderTrusted = true;
            }

            TrustedPath.Require(Path, ErrorIds.StateNotTrusted);
            using var file = Open();
            var length = RandomAccess.GetLength(file);
            if (MayRotate && length > 0 && length + line.Length > MaxBytes)
            {
                file.Dispose();
                TrustedPath.Require(OldPath, ErrorIds.StateNotTrusted);
                File.Move(Path, OldPath, overwrite: true);
                using var fresh = Open();
                RandomAccess.Write(fresh, line, 0);
                return;
            }

            RandomAccess.Write(file, line, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw NotWritable(Path, e);
        }
    }

    /// <summary>The log file, created owner-only when missing; never through a link, never a FIFO or device.</summary>
    private SafeFileHandle Open()
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 3)
            {
                throw new IOException("it vanished each time it was created.");
            }

            var facts = PlatformFiles.Inspect(Path);
            if (facts.Kind == FileKind.Missing)
            {
                // O_CREAT|O_EXCL never follows a link; the empty file is then opened like an existing one.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnly;
                }

                try
                {
                    new FileStream(Path, options).Dispose();
                }
                catch (IOException) when (PlatformFiles.Inspect(Path).Kind != FileKind.Missing)
                {
                    // Another run created it meanwhile.
                }

                continue;
            }

            if (facts.Kind != FileKind.Regular)
            {
                throw new IOException($"it is not a regular file ({facts.Kind})");
            }

            var handle = PlatformFiles.OpenExisting(Path, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, out var opened);
            if (opened.Kind != FileKind.Regular)
            {
                handle.Dispose();
                throw new IOException($"it is not a regular file ({opened.Kind})");
            }

            if (opened.Mode is { } mode && (mode & OthersAny) != 0 && !OperatingSystem.IsWindows())
            {
                try
                {
                    File.SetUnixFileMode(handle, mode & ~OthersAny);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: a log of another owner keeps its mode, and the line is still written.
                }
            }

            return handle;
        }
    }

    /// <summary>The end of a log file, at most <paramref name="maxBytes"/>; empty when it is missing or not a regular file.</summary>
    private static string ReadTail(string path, int maxBytes)
    {
        try
        {
            if (PlatformFiles.Inspect(path).Kind != FileKind.Regular)
            {
                return "";
            }

            using var handle = PlatformFiles.OpenExisting(path, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, out var facts);
            if (facts.Kind != FileKind.Regular)
            {
                return "";
            }

            var length = RandomAccess.GetLength(handle);
            var start = Math.Max(0, length - maxBytes);
            var buffer = new byte[length - start];
            var read = 0;
            while (read < buffer.Length && RandomAccess.Read(handle, buffer.AsSpan(read), start + read) is var got and > 0)
            {
                read += got;
            }

            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    internal static OneFlexException NotWritable(string path, Exception e) =>
        new(ErrorIds.RenewalStateNotWritable, e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError,
            Messages.RenewalStateNotWritable(path, e is SymbolicLinkException ? "it is a symbolic link." : e.Message), path, e);

    private static string OneLine(string text)
    {
        var line = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.ToString();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [GeneratedRegex(@"^(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d) RESULT (?<outcome>[A-Za-z]+) exit=(?<exit>\d+) error=(?<error>\S+) ?(?<message>.*)$")]
    private static partial Regex OutcomeLine();
}
