namespace OneFlexTokens.Common;

/// <summary>
/// User-facing messages, kept so their wording is consistent and reviewable. A message with values is a method with named,
/// typed parameters (not a format string), so a missing or misplaced value fails the build. One class in parts: each folder
/// keeps the messages of its feature in its own Messages.cs, and a message sits in the lowest folder whose code words it, so
/// no folder uses a message of a folder above it (DependencyDirectionTests checks both).
/// </summary>
internal static partial class Messages
{
    public static string TimeoutOutOfRange(string parameter, TimeSpan value, TimeSpan maximum, bool zeroAllowed) =>
        $"-{parameter} is {Duration(value)}; it must be {(zeroAllowed ? "from 0" : "more than 0")} and at most {Duration(maximum)}. {DurationForms}";

    public static string NotADuration(object? value) => $"'{value}' is not a duration. {DurationForms}";

    private const string DurationForms = "Give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00').";

    /// <summary>A duration as people say it: "90 s", "5 min", "24 h".</summary>
    public static string Duration(TimeSpan value)
    {
        var sign = value < TimeSpan.Zero ? "-" : "";
        var size = value.Duration();
        return size.TotalHours >= 1 && size.Ticks % TimeSpan.TicksPerHour == 0 ? $"{sign}{size.TotalHours:0} h"
            : size.TotalMinutes >= 1 && size.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{sign}{size.TotalMinutes:0} min"
            : $"{sign}{size.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";
    }

    public static string PathNotFileSystem(string path, string provider) =>
        $"'{path}' is a path of the PowerShell {provider} provider, not of the file system. Give a file or folder path, such as ./oneflex or /volume1/docker/oneflex.";

    public static string PathNotResolved(string path, string reason) =>
        $"'{path}' does not name a file or folder: {reason} Give a file-system path, such as ./oneflex or /volume1/docker/oneflex.";

    // The trust rule (TrustedPath)
    public static string PathNotTrusted(string errorId, string path, string reason) => errorId == ErrorIds.DriverCopyNotTrusted
        ? $"The per-user copy of the browser driver is not used from '{path}': {reason}. Nothing was run, written or deleted there. Another account may have put it there: remove it, or make it yours and owner-only (chown and chmod go-w), or set XDG_DATA_HOME to a folder only you can write."
        : $"The renewal does not use '{path}' for its state, log or webhook: {reason}. Nothing was read, written, created or deleted there. Another account may have put it there: look at it, then remove it or make it yours and owner-only (chown and chmod go-w), or give a folder of your own (-StatePath, -LogPath).";
}
