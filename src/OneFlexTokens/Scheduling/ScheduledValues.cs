using System.Globalization;
using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// The one decision on which values a scheduled renewal can carry. A scheduler line (a crontab line, a task's
/// arguments, DSM's script box) is one line of text that ps and the task list show: a line break, CR or NUL cuts or
/// corrupts it, and other control characters (escape sequences) reach terminals and logs as control. '%' and '\' are
/// carried exactly (<see cref="CrontabEntries.EscapeForCron"/>). A query or fragment in the base URL may hold a
/// secret and the OneFlex address never needs one.
/// </summary>
internal static class ScheduledValues
{
    /// <summary>Refuses the first value (parameter name without '-', value; null when not given) that holds a character no scheduler line can carry.</summary>
    /// <exception cref="OneFlexException"><see cref="ErrorIds.ScheduledValueNotAllowed"/>, naming the parameter and the character, never the value.</exception>
    public static void Check(IEnumerable<(string Parameter, string? Value)> values)
    {
        foreach (var (parameter, value) in values)
        {
            if (value is null)
            {
                continue;
            }

            var at = Array.FindIndex(value.ToCharArray(), IsUnsafe);
            if (at >= 0)
            {
                var code = "U+" + ((int)value[at]).ToString("X4", CultureInfo.InvariantCulture);
                throw new OneFlexException(ErrorIds.ScheduledValueNotAllowed, ErrorCategory.InvalidArgument,
                    Messages.ScheduledValueNotAllowed(parameter, code, at + 1), parameter);
            }
        }
    }

    /// <summary>Refuses a base URL with a query or fragment: it would sit in the crontab line or task and in ps for every account to read.</summary>
    /// <exception cref="OneFlexException"><see cref="ErrorIds.ScheduledBaseUrlHasQuery"/>; the URL is shown without its query, fragment or user info.</exception>
    public static void CheckBaseUrl(string baseUrl)
    {
        var cut = baseUrl.IndexOfAny(new[] { '?', '#' });
        if (cut >= 0)
        {
            throw new OneFlexException(ErrorIds.ScheduledBaseUrlHasQuery, ErrorCategory.InvalidArgument,
                Messages.ScheduledBaseUrlHasQuery(UrlPolicy.RemoveUserInfo(baseUrl[..cut])), "BaseUrl");
        }
    }

    /// <summary>C0 controls, DEL, C1 controls (escape sequences, NEL) and the Unicode line and paragraph separators.</summary>
    private static bool IsUnsafe(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
