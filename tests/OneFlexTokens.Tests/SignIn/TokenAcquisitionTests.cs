using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>The figures Get-OneFlexToken's progress shows and the timeouts it takes, decided in the core.</summary>
public class TokenAcquisitionTests
{
    [Theory]
    [InlineData(60, 60, 60, 0)]
    [InlineData(45.2, 60, 46, 24)]
    [InlineData(0.4, 60, 1, 99)]
    [InlineData(300, 300, 300, 0)]
    public void Progress_counts_whole_seconds_left_and_the_share_of_the_timeout_used(double remaining, double timeout, int seconds, int percent)
    {
        var report = TokenAcquisition.ProgressOf("Signing in to OneFlex", OneFlexBaseUrl.Validate("https://OneFlex.example/"), new SignInProgress(TimeSpan.FromSeconds(remaining), TimeSpan.FromSeconds(timeout), "Waiting for the sign-in"));

        Assert.Equal(("Signing in to OneFlex", "Waiting for the sign-in", seconds, percent), (report.Activity, report.Status, report.SecondsRemaining, report.PercentComplete));
        Assert.Equal($"https://oneflex.example — {seconds} s left", report.CurrentOperation);
        Assert.False(report.Completed);
    }

    [Fact]
    public void A_browser_gets_the_given_timeout_else_a_minute_headless_and_five_in_a_window()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), TokenAcquisition.BrowserTimeout(new TokenRequest { Headless = true }));
        Assert.Equal(TimeSpan.FromMinutes(5), TokenAcquisition.BrowserTimeout(new TokenRequest()));
        Assert.Equal(TimeSpan.FromSeconds(7), TokenAcquisition.BrowserTimeout(new TokenRequest { Headless = true, Timeout = TimeSpan.FromSeconds(7) }));
    }
}
