using System.Globalization;
using System.Management.Automation;

namespace OneFlexTokens.SignIn;

/// <summary>Lets -Timeout take seconds (90), a TimeSpan string ('00:05:00') or a TimeSpan object. Plain [TimeSpan] would read 90 as ticks.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            TimeSpan span => span,
            int or long or short or byte or uint or ulong or ushort => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            double or float or decimal => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => TimeSpan.FromSeconds(seconds),
            string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) => span,
            _ => throw new ArgumentTransformationMetadataException($"'{value}' is not a timeout: give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00')."),
        };
    }
}
