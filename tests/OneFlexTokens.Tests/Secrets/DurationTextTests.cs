using OneFlexTokens.Secrets;
using Xunit;

namespace OneFlexTokens.Tests.Secrets;

/// <summary>The one way durations are shown: days included, from 0 s to a token that expired years ago.</summary>
public class DurationTextTests
{
    private static readonly TimeSpan LongExpired = new(1118, 4, 49, 59, 640);

    [Theory]
    [InlineData(0.0, "0 s")]
    [InlineData(59.0, "59 s")]
    [InlineData(1.5, "1.5 s")]
    [InlineData(90.0, "1 min 30 s")]
    [InlineData(300.0, "5 min")]
    [InlineData(3 * 3600.0 + 25 * 60 + 10, "3 h 25 min 10 s")]
    [InlineData(86400.0, "1 d")]
    [InlineData(86401.0, "1 d 1 s")]
    [InlineData(-5.0, "-5 s")]
    public void Of_shows_every_unit_that_is_not_zero(double seconds, string shown) =>
        Assert.Equal(shown, DurationText.Of(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Of_keeps_the_days_of_a_long_duration_and_its_sign()
    {
        Assert.Equal("1118 d 4 h 49 min 59 s", DurationText.Of(LongExpired));
        Assert.Equal("-1118 d 4 h 49 min 59 s", DurationText.Of(-LongExpired));
        Assert.StartsWith("-10675199 d 2 h", DurationText.Of(TimeSpan.MinValue));
    }

    [Theory]
    [InlineData(0.0, "0 s")]
    [InlineData(0.9, "0 s")]
    [InlineData(59.0, "59 s")]
    [InlineData(59.9, "59 s")]
    [InlineData(14 * 60 + 59.5, "14 min 59 s")]
    [InlineData(3 * 3600.0 + 59 * 60 + 12, "3 h 59 min")]
    [InlineData(86400.0, "1 d")]
    [InlineData(86400.0 + 5 * 60, "1 d")]
    [InlineData(-59.0, "59 s ago")]
    [InlineData(-3600.0 * 2, "2 h ago")]
    public void Remaining_shows_the_two_largest_units_in_whole_seconds_and_ago_once_passed(double seconds, string shown) =>
        Assert.Equal(shown, DurationText.Remaining(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_token_expired_1118_days_ago_shows_its_days()
    {
        Assert.Equal("1118 d 4 h ago", DurationText.Remaining(-LongExpired));
        Assert.Equal("1118 d 4 h", DurationText.Remaining(LongExpired));
    }
}
