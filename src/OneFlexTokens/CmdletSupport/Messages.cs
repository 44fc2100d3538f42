namespace OneFlexTokens.Errors;

// The messages of CmdletSupport/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
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
}
