using System.Globalization;
using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.CmdletSupport;

/// <summary>
/// Lets a duration parameter (-Timeout, -StopGracePeriod) take seconds (90), a TimeSpan string ('00:05:00') or a
/// TimeSpan object, in every cmdlet alike. Plain [TimeSpan] would read 90 as ticks. The range is checked by <see cref="TimeoutRange"/>.
/// A schedule's interval (Register-OneFlexRenewal -Every) counts in minutes instead: <see cref="NumbersAreMinutes"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>A bare number is minutes, not seconds.</summary>
    public bool NumbersAreMinutes { get; set; }

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            TimeSpan span => span,
            int or long or short or byte or sbyte or uint or ulong or ushort or double or float or decimal => Seconds(Convert.ToDouble(value, CultureInfo.InvariantCulture), value),
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => Seconds(seconds, value),
            string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) => span,
            _ => throw new ArgumentTransformationMetadataException(Messages.NotADuration(value)),
        };
    }

    /// <summary>NaN, infinities and numbers past TimeSpan's range are not durations (TimeSpan.FromSeconds would throw its own exception).</summary>
    private TimeSpan Seconds(double number, object? value) =>
        (NumbersAreMinutes ? number * 60 : number) is var seconds && double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentTransformationMetadataException(Messages.NotADuration(value));
}
