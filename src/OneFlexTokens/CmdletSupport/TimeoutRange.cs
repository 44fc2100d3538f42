using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.CmdletSupport;

/// <summary>
/// The one range rule for the durations cmdlets take (-Timeout, -StopGracePeriod), with one error id (InvalidTimeout)
/// and one message: a value outside the range is refused before anything starts.
/// </summary>
internal sealed record TimeoutRange(TimeSpan Maximum, bool ZeroAllowed)
{
    /// <summary>-Timeout in every cmdlet: the whole wait, more than zero and at most a day.</summary>
    public static TimeoutRange Wait { get; } = new(TimeSpan.FromDays(1), ZeroAllowed: false);

    /// <summary>How long a container may take to stop before the engine kills it: zero (kill at once) to an hour.</summary>
    public static TimeoutRange StopGrace { get; } = new(TimeSpan.FromHours(1), ZeroAllowed: true);

    public bool Contains(TimeSpan value) => (ZeroAllowed ? value >= TimeSpan.Zero : value > TimeSpan.Zero) && value <= Maximum;

    /// <summary>Returns <paramref name="value"/>, or throws InvalidTimeout naming <paramref name="parameter"/>.</summary>
    public TimeSpan Check(string parameter, TimeSpan value) => Contains(value) ? value : throw Refusal(parameter, value);

    public OneFlexException Refusal(string parameter, TimeSpan value) =>
        new(ErrorIds.InvalidTimeout, ErrorCategory.InvalidArgument, Messages.TimeoutOutOfRange(parameter, value, Maximum, ZeroAllowed), value);
}
