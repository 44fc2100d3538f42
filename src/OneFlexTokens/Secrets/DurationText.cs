using System.Globalization;

namespace OneFlexTokens.Secrets;

/// <summary>
/// The one way a duration is shown to users (messages, views, the renewal log, verbose text), days included:
/// "0 s", "59 s", "1.5 s", "10 min", "2 h 5 min", "1 d", "1118 d 4 h 49 min 59 s". Public because the views in
/// OneFlexTokens.Format.ps1xml call it.
/// </summary>
public static class DurationText
{
    /// <summary>
    /// The duration itself, every unit that is not zero: seconds keep up to three decimals under a minute and are whole
    /// above it, so a limit or a user's value reads as given; "-" before a negative one.
    /// </summary>
    public static string Of(TimeSpan value)
    {
        var size = value == TimeSpan.MinValue ? TimeSpan.MaxValue : value.Duration();
        return (value < TimeSpan.Zero ? "-" : "") + Units(size, largest: 4, decimals: true);
    }

    /// <summary>
    /// What is left of a countdown, such as a token's lifetime: whole seconds, its two largest units, and "ago" once it
    /// has passed: "14 min 59 s", "3 h 59 min", "1118 d 4 h ago".
    /// </summary>
    public static string Remaining(TimeSpan left)
    {
        var whole = TimeSpan.FromTicks(left.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond);
        var text = Units(whole == TimeSpan.MinValue ? TimeSpan.MaxValue : whole.Duration(), largest: 2, decimals: false);
        return whole < TimeSpan.Zero ? text + " ago" : text;
    }

    /// <param name="largest">How many units to show, counted from the largest that is not zero (zeros among them are left out).</param>
    private static string Units(TimeSpan size, int largest, bool decimals)
    {
        if (size.Ticks < TimeSpan.TicksPerMinute)
        {
            var seconds = decimals ? Math.Floor(size.TotalSeconds * 1000) / 1000 : Math.Floor(size.TotalSeconds);
            return seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        }

        var units = new (long Amount, string Unit)[] { (size.Days, "d"), (size.Hours, "h"), (size.Minutes, "min"), (size.Seconds, "s") };
        var first = Array.FindIndex(units, unit => unit.Amount > 0);
        return string.Join(' ', units.Skip(first).Take(largest).Where(unit => unit.Amount > 0)
            .Select(unit => unit.Amount.ToString(CultureInfo.InvariantCulture) + " " + unit.Unit));
    }
}
