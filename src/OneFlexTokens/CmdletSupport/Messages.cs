using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of CmdletSupport/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public static string TimeoutOutOfRange(string parameter, TimeSpan value, TimeSpan maximum, bool zeroAllowed) =>
        $"-{parameter} is {DurationText.Of(value)}; it must be {(zeroAllowed ? "from 0" : "more than 0")} and at most {DurationText.Of(maximum)}. {DurationForms}";

    public static string NotADuration(object? value) => $"'{value}' is not a duration. {DurationForms}";

    private const string DurationForms = "Give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00').";

    public static string PathNotFileSystem(string path, string provider) =>
        $"'{path}' is a path of the PowerShell {provider} provider, not of the file system. Give a file or folder path, such as ./oneflex or /volume1/docker/oneflex.";

    public static string PathNotResolved(string path, string reason) =>
        $"'{path}' does not name a file or folder: {reason} Give a file-system path, such as ./oneflex or /volume1/docker/oneflex.";
}
