using OneFlexTokens.Errors;
using OneFlexTokens.Scheduling;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

public class RenewalIntervalTests
{
    [Theory]
    [InlineData(1, "* * * * *", "PT1M")]
    [InlineData(10, "*/10 * * * *", "PT10M")]
    [InlineData(30, "*/30 * * * *", "PT30M")]
    [InlineData(60, "0 * * * *", "PT1H")]
    [InlineData(360, "0 */6 * * *", "PT6H")]
    [InlineData(1440, "0 0 * * *", "P1D")]
    public void Even_intervals_map_to_cron_fields_and_an_iso_duration(int minutes, string cron, string iso)
    {
        var interval = RenewalInterval.From(TimeSpan.FromMinutes(minutes));
        Assert.Equal(cron, interval.CronFields);
        Assert.Equal(iso, interval.Iso8601);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.5)]
    [InlineData(7)]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(300)]
    [InlineData(2880)]
    public void Uneven_intervals_are_refused_with_the_valid_ones_named(double minutes)
    {
        var failure = Assert.Throws<OneFlexException>(() => RenewalInterval.From(TimeSpan.FromMinutes(minutes)));
        Assert.Equal(ErrorIds.RenewalIntervalInvalid, failure.ErrorId);
        Assert.Contains("1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30", failure.Message);
    }
}
