using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.RemoteSignIn;

public sealed class SignInLinkTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    private static SignInLink NewLink(TimeSpan? lifetime = null, string url = "https://nas.example.ts.net/") =>
        SignInLink.Create(url, lifetime ?? TimeSpan.FromHours(12), new FixedClock(Start));

    private static string SecretOf(SignInLink link) => new Uri(link.Link).Fragment.TrimStart('#');

    [Fact]
    public void The_secret_rides_in_the_fragment_and_carries_at_least_128_random_bits()
    {
        var link = NewLink();
        var uri = new Uri(link.Link);
        Assert.Equal("https://nas.example.ts.net/", uri.GetLeftPart(UriPartial.Path));
        var secret = SecretOf(link);
        Assert.Matches("^[A-Za-z0-9_-]+$", secret);
        Assert.True(secret.Length * 6 >= 128, $"{secret.Length} base64url characters");

        // Fresh from the CSPRNG each time: 50 links, 50 different secrets.
        var secrets = Enumerable.Range(0, 50).Select(_ => SecretOf(NewLink())).ToHashSet();
        Assert.Equal(50, secrets.Count);
    }

    [Fact]
    public void A_path_of_the_public_address_is_kept_for_a_reverse_proxy()
    {
        var link = NewLink(url: "https://NAS.example.com:5001/oneflex");
        Assert.Equal("https://nas.example.com:5001/oneflex/", link.PublicUrl.AbsoluteUri);
        Assert.StartsWith("https://nas.example.com:5001/oneflex/#", link.Link);
    }

    [Fact]
    public void The_first_right_secret_claims_and_every_later_claim_is_refused()
    {
        var link = NewLink();
        var secret = SecretOf(link);
        Assert.Null(link.SessionEndsAt);
        Assert.Equal(ClaimResult.Claimed, link.TryClaim(secret, Start.AddHours(6)));
        Assert.Equal(ClaimResult.AlreadyClaimed, link.TryClaim(secret, Start.AddHours(6)));
        Assert.Equal(ClaimResult.AlreadyClaimed, link.TryClaim("not-it", Start.AddHours(6)));
        Assert.Equal(Start.AddHours(6) + SignInLink.SessionCap, link.SessionEndsAt);
    }

    [Fact]
    public void Only_one_of_many_concurrent_clients_with_the_secret_claims()
    {
        var link = NewLink();
        var secret = SecretOf(link);
        var results = new ClaimResult[64];
        Parallel.For(0, results.Length, i => results[i] = link.TryClaim(secret, Start));
        Assert.Equal(1, results.Count(r => r == ClaimResult.Claimed));
        Assert.Equal(results.Length - 1, results.Count(r => r == ClaimResult.AlreadyClaimed));
    }

    [Fact]
    public void The_link_expires_after_its_lifetime()
    {
        var link = NewLink(TimeSpan.FromMinutes(15));
        var secret = SecretOf(link);
        Assert.Equal(Start.AddMinutes(15), link.ExpiresAt);
        Assert.Equal(ClaimResult.Expired, link.TryClaim(secret, Start.AddMinutes(15)));
        Assert.Equal(ClaimResult.Expired, link.TryClaim(secret, Start.AddDays(1)));

        var justInTime = NewLink(TimeSpan.FromMinutes(15));
        Assert.Equal(ClaimResult.Claimed, justInTime.TryClaim(SecretOf(justInTime), Start.AddMinutes(15) - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void A_claimed_session_ends_at_its_hard_cap_whatever_the_link_lifetime()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), SignInLink.SessionCap);
        var link = NewLink(TimeSpan.FromHours(12));
        var claimed = Start.AddHours(1);
        Assert.False(link.SessionOver(claimed));
        Assert.Equal(ClaimResult.Claimed, link.TryClaim(SecretOf(link), claimed));
        Assert.False(link.SessionOver(claimed + SignInLink.SessionCap - TimeSpan.FromSeconds(1)));
        Assert.True(link.SessionOver(claimed + SignInLink.SessionCap));
    }

    [Fact]
    public void Repeated_bad_secrets_lock_the_link_for_good()
    {
        var link = NewLink();
        var secret = SecretOf(link);
        var wrong = new[] { "", "x", secret[..^1], secret + "A", new string('a', 10_000) };
        Assert.Equal(SignInLink.MaxBadSecrets, wrong.Length);
        for (var i = 0; i < wrong.Length - 1; i++)
        {
            Assert.Equal(ClaimResult.Wrong, link.TryClaim(wrong[i], Start));
        }

        Assert.Equal(ClaimResult.Locked, link.TryClaim(wrong[^1], Start));
        Assert.Equal(ClaimResult.Locked, link.TryClaim(secret, Start));
        Assert.Null(link.SessionEndsAt);
    }

    [Fact]
    public void A_null_secret_is_wrong_and_a_few_bad_ones_do_not_stop_the_right_one()
    {
        var link = NewLink();
        Assert.Equal(ClaimResult.Wrong, link.TryClaim(null, Start));
        Assert.Equal(ClaimResult.Wrong, link.TryClaim(SecretOf(NewLink()), Start));
        Assert.Equal(ClaimResult.Claimed, link.TryClaim(SecretOf(link), Start));
    }

    [Fact]
    public void The_secret_never_appears_in_its_text_or_its_refusals()
    {
        var link = NewLink();
        var secret = SecretOf(link);
        var text = string.Join("\n", link.ToString(), link.PublicUrl.ToString(), link.PublicUrl.AbsoluteUri, $"{link}");
        SecretAssert.NotIn(text, secret);
        Assert.Contains("https://nas.example.ts.net/", link.ToString());

        // A refused address never echoes a secret of its own (user info, query, fragment) either.
        foreach (var url in new[] { $"https://user:{secret}@nas.example/", $"https://nas.example/?key={secret}", $"https://nas.example/#{secret}", $"http://10.0.0.1/?{secret}#{secret}" })
        {
            var failure = Assert.Throws<OneFlexException>(() => NewLink(url: url));
            SecretAssert.NotIn(failure.Message + failure.TargetObject + failure, secret);
        }
    }

    [Theory]
    [InlineData("https://user:pw@nas.example/", ErrorIds.PublicUrlHasUserInfo, ErrorCategory.SecurityError)]
    [InlineData("nas.example", ErrorIds.InvalidPublicUrl, ErrorCategory.InvalidArgument)]
    [InlineData("ftp://nas.example/", ErrorIds.InvalidPublicUrl, ErrorCategory.InvalidArgument)]
    [InlineData("https://nas.example/?a=1", ErrorIds.InvalidPublicUrl, ErrorCategory.InvalidArgument)]
    [InlineData("https://nas.example/#x", ErrorIds.InvalidPublicUrl, ErrorCategory.InvalidArgument)]
    [InlineData("https://nas.example/#", ErrorIds.InvalidPublicUrl, ErrorCategory.InvalidArgument)]
    [InlineData("http://192.168.1.10:8765/", ErrorIds.InsecurePublicUrl, ErrorCategory.SecurityError)]
    public void A_public_address_the_policy_refuses_is_an_error_id(string url, string id, ErrorCategory category)
    {
        var failure = Assert.Throws<OneFlexException>(() => NewLink(url: url));
        Assert.Equal(id, failure.ErrorId);
        Assert.Equal(category, failure.Category);
        Assert.DoesNotContain("pw@", failure.Message);
    }

    [Fact]
    public void Plain_http_is_taken_on_loopback_and_elsewhere_only_when_allowed()
    {
        Assert.StartsWith("http://127.0.0.1:8765/#", NewLink(url: "http://127.0.0.1:8765").Link);
        var allowed = SignInLink.Create("http://192.168.1.10:8765/", TimeSpan.FromMinutes(15), new FixedClock(Start), allowHttp: true);
        Assert.StartsWith("http://192.168.1.10:8765/#", allowed.Link);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(60 * 60 * 24 + 1)]
    public void A_lifetime_out_of_range_is_InvalidTimeout(int seconds)
    {
        var failure = Assert.Throws<OneFlexException>(() => NewLink(TimeSpan.FromSeconds(seconds)));
        Assert.Equal(ErrorIds.InvalidTimeout, failure.ErrorId);
        Assert.Contains("LinkLifetime", failure.Message);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
