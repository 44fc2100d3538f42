using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Hardening;

/// <summary>
/// Text that is shown, logged or sent to a chat channel: secrets are masked (settings of any length, tokens, URL user
/// info, webhook paths), and nothing else (sockets, hosts, file names, assembly names, ordinary URLs).
/// </summary>
public class SecretScrubberTests
{
    [Theory]
    [InlineData("ONEFLEX_REFRESH_TOKEN=shortsecret123 then the rest", "shortsecret123")]
    [InlineData("export ONEFLEX_TOKEN='abc' ok", "abc")]
    [InlineData("ONEFLEX_TOKEN = \"a b c\"", "a b c")]
    [InlineData("SMTP_PASSWORD=hunter2", "hunter2")]
    [InlineData("db_password: pw1", "pw1")]
    [InlineData("API_KEY=k1, next", "k1")]
    [InlineData("client_secret=s3", "s3")]
    [InlineData("{\"refresh_token\":\"r1\",\"x\":1}", "r1")]
    [InlineData("NOTIFICATION_WEBHOOK_URL=https://example.com/x/y", "example.com/x/y")]
    [InlineData("token=t0k", "t0k")]
    public void A_secret_setting_is_masked_whatever_its_length(string text, string secret)
    {
        var scrubbed = SecretScrubber.Scrub(text);

        SecretAssert.NotIn(scrubbed, secret);
        Assert.Contains("chars)", scrubbed);
    }

    [Theory]
    [InlineData("https://chat.example.com/hooks/team-alerts-7f3a", "team-alerts-7f3a")]
    [InlineData("https://outlook.office.com/webhook/abc@def/IncomingWebhook/123/xyz.", "IncomingWebhook/123/xyz")]
    [InlineData("(see https://ntfy.sh/my-private-topic)", "my-private-topic")]
    [InlineData("https://chat.googleapis.com/v1/spaces/AAA/messages?key=K1&token=T1", "T1")]
    [InlineData("posted to http://user:SECRET@127.0.0.1:9000/hook", "SECRET")]
    [InlineData("tcp://admin:SECRET@nas:2376 failed", "SECRET")]
    public void A_webhook_URL_is_shown_without_its_path_and_any_URL_without_its_user_info(string text, string secret)
    {
        var scrubbed = SecretScrubber.Scrub(text);

        SecretAssert.NotIn(scrubbed, secret);
    }

    [Fact]
    public void Prose_and_the_module_own_messages_stay_readable()
    {
        const string text = "The service rejected the refresh token: the SSO session it belongs to has ended. Desk 3-014 at 09:30; token renewal failed (InteractiveLoginRequired).";
        Assert.Equal(text, SecretScrubber.Scrub(text));
        Assert.Equal("see https://oneflex.myworldline.com/ now.", SecretScrubber.Scrub("see https://oneflex.myworldline.com/ now."));
    }

    [Fact]
    public void Quote_bounds_server_text_masks_the_given_secrets_and_escapes_control_characters()
    {
        var token = TestJwt.Valid();
        var quoted = SecretScrubber.Quote($"bad\r\ntoken {token} \ud800 {new string('x', 1000)}", 100, token);

        Assert.True(quoted.Length <= 101);
        Assert.StartsWith(@"bad\r\ntoken ", quoted);
        Assert.DoesNotContain('\n', quoted);
        Assert.DoesNotContain('\ud800', quoted);
        SecretAssert.NotIn(quoted, token);
        Assert.Equal("émoji 😀 ok", SecretScrubber.Quote("émoji 😀 ok", 100));
    }

    /// <summary>Finding 10 and what a password looks like in prose, and what must stay masked: each (text, the secret in it).</summary>
    public static TheoryData<string, string> MustBeMasked => new()
    {
        { "Send-OneFlexNotification -Message 'login failed, password: hunter2hunter2 for bot'", "hunter2hunter2" },
        { "Password: hunter2hunter2", "hunter2hunter2" },
        { "passwd=s3cr3t-pw", "s3cr3t-pw" },
        { "mysql -u bot pwd: letmein99", "letmein99" },
        { "the key passphrase: correct-horse-battery", "correct-horse-battery" },
        { "SMTP_PASSWORD=hunter2", "hunter2" },
        { "ONEFLEX_REFRESH_TOKEN=0123456789abcdef0123", "0123456789abcdef0123" },
        { "refresh token 0123456789abcdef0123 was refused", "0123456789abcdef0123" },
        { "token " + TestJwt.Valid() + " expired", TestJwt.Valid() },
        { "Authorization: Bearer Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV4" },
        { "posted to http://user:SECRET@127.0.0.1:9000/hook", "SECRET" },
        { "NOTIFICATION_WEBHOOK_URL=https://discord.com/api/webhooks/1/AbCdEf-secret", "AbCdEf-secret" },
        { "hook https://discord.com/api/webhooks/1/AbCdEf-secret failed", "AbCdEf-secret" },
        { "api_key: k1k1k1", "k1k1k1" },
    };

    /// <summary>Text that only looks like a secret: file names, paths, sockets, hosts, names. Each must come back unchanged.</summary>
    public static TheoryData<string> MustSurvive => new()
    {
        "/volume1/docker/oneflex/config/.env.oneflex-a1da2b3c4d5e6f708192a3b4c5d6e7f8.tmp",
        "Could not delete '.env.oneflex-0123456789abcdef0123456789abcdef.tmp': it is in use.",
        "/var/lib/docker/containers/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef/config.v2.json",
        "C:\\ProgramData\\OneFlexTokens\\locks\\0123456789abcdef0123456789abcdef.lock",
        "The Docker engine at unix:///var/run/docker.sock did not answer.",
        "npipe://./pipe/docker_engine",
        "connect to auth.example.com:8443 failed",
        "sso-login.mycompany.internal refused the connection",
        "System.Management.Automation, Version=7.6.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35",
        "at OneFlexTokens.Renewal.RenewalStatus.Read",
        "The service rejected the refresh token: the SSO session it belongs to has ended.",
        "Desk 3-014 at 09:30; token renewal failed (InteractiveLoginRequired).",
        "Cannot reach the Docker engine at unix:///var/run/docker.sock: Cannot assign requested address.",
        "names its socket (Docker Desktop on macOS without /var/run/docker.sock: unix://$HOME/.docker/run/docker.sock).",
        "Could not load file or assembly 'Docker.DotNet, Version=3.125.0.0, Culture=neutral, PublicKeyToken=null'.",
        "see https://docs.docker.com/engine/install/linux-postinstall/ for help",
        "The OneFlex service at https://oneflex.myworldline.com did not answer the token check (ConnectionError).",
        "Restart-OneFlexBot -DockerHost tcp://nas.local:2376 -ComposeProject oneflex",
        "request 0f8fad5b-d9cb-469f-a165-70867728950e failed",
    };

    /// <summary>What a user sees for each text: the secret masked (a few characters and its length at most), the rest whole.</summary>
    public static TheoryData<string, string> ShownAs()
    {
        var jwt = TestJwt.Valid();
        return new()
        {
            { "Cannot reach the Docker engine at unix:///var/run/docker.sock.", "Cannot reach the Docker engine at unix:///var/run/docker.sock." },
            { "DOCKER_HOST=tcp://admin:s3cret@nas:2376 failed", "DOCKER_HOST=tcp://nas:2376 failed" },
            { "posted to http://user:SECRET@127.0.0.1:9000/hook", "posted to http://127.0.0.1:9000/…(4 chars)" },
            { "hook https://discord.com/api/webhooks/123456789012345678/AbCdEf_secret-part failed", "hook https://discord.com/api/we…(50 chars) failed" },
            { "https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/servic…(27 chars)" },
            { "SMTP_PASSWORD=hunter2", "SMTP_PASSWORD=…(7 chars)" },
            { "ONEFLEX_REFRESH_TOKEN=0123456789abcdef0123", "ONEFLEX_REFRESH_TOKEN=…(20 chars)" },
            { "API_KEY=k1k1k1, next", "API_KEY=…(6 chars), next" },
            { "KEY=abc123", "KEY=…(6 chars)" },
            { "accessKey=abc123 monkey=3 keyboard=fr", "accessKey=…(6 chars) monkey=3 keyboard=fr" },
            { "https://chat.googleapis.com/v1/spaces/AAA/messages?key=K1&token=T1", "https://chat.googleapis.com/v1/spaces/AAA/messages?key=…(11 chars)" },
            { "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=AbC%2Bdef", "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=…(9 chars)" },
            { "Authorization: Bearer Zm9vYmFyYmF6cXV4", "Authorization: Bearer Zm9…(16 chars)" },
            { "refresh token 0123456789abcdef0123 was refused", "refresh token 012…(20 chars) was refused" },
            { "used ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R to push", "used ghp_1a…(40 chars) to push" },
            { "System.Management.Automation, Version=7.6.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35", "System.Management.Automation, Version=7.6.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" },
            { "token " + jwt + " expired", "token " + SecretMask.Mask(jwt) + " expired" },
        };
    }

    [Theory]
    [MemberData(nameof(ShownAs))]
    public void Each_text_is_shown_with_its_secrets_masked_and_the_rest_whole(string text, string shown) =>
        Assert.Equal(shown, SecretScrubber.Scrub(text));

    [Theory]
    [MemberData(nameof(MustBeMasked))]
    public void What_is_a_secret_is_masked(string text, string secret)
    {
        var scrubbed = SecretScrubber.Scrub(text);

        SecretAssert.NotIn(scrubbed, secret);
        Assert.Contains("chars)", scrubbed);
    }

    [Theory]
    [MemberData(nameof(MustSurvive))]
    public void What_only_looks_like_one_is_left_alone(string text) => Assert.Equal(text, SecretScrubber.Scrub(text));

    [Theory]
    [InlineData("\u001b]0;pwned\u0007\u001b[2J", false, @"\e]0;pwned\x07\e[2J")]
    [InlineData("a\u009b31mb", false, @"a\x9B31mb")]
    [InlineData("line\nnext\r\nlast", false, @"line\nnext\r\nlast")]
    [InlineData("line\nnext\r\nlast\u001b", true, "line\nnext\nlast\\e")]
    [InlineData("tab\there\0", false, @"tab\there\0")]
    [InlineData("abc\u202Eevil\u2028x", false, @"abc\u202Eevil\u2028x")]
    [InlineData("émoji 😀 C:\\Users\\bot ok", false, "émoji 😀 C:\\Users\\bot ok")]
    public void Control_characters_are_shown_as_visible_escapes(string text, bool keepLineBreaks, string shown) =>
        Assert.Equal(shown, DisplayText.Escape(text, keepLineBreaks));

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_kept() =>
        Assert.Equal(@"lone \uD800 surrogate 😀", DisplayText.Escape("lone \ud800 surrogate 😀"));

    [Fact]
    public void An_error_message_quoting_a_path_or_a_file_shows_its_control_characters_escaped()
    {
        var failure = new OneFlexException(ErrorIds.EnvFileUnreadable, System.Management.Automation.ErrorCategory.ReadError,
            "first line\nthe file '/tmp/\u001b]0;x\u0007' said \u001b[2J");

        Assert.Equal("first line\nthe file '/tmp/\\e]0;x\\x07' said \\e[2J", failure.Message);
        Assert.Equal(failure.Message, failure.ToErrorRecord().Exception.Message);
    }
}
