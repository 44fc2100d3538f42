using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>What <see cref="SignInLink.TryClaim"/> decided about one client presenting a secret.</summary>
internal enum ClaimResult
{
    /// <summary>The right secret, first presented: this client owns the session.</summary>
    Claimed,

    /// <summary>Someone already owns the session: every later client is refused, with the right secret or not.</summary>
    AlreadyClaimed,

    /// <summary>The link's lifetime has ended unclaimed.</summary>
    Expired,

    /// <summary>Not the secret; one more bad try counted.</summary>
    Wrong,

    /// <summary>Too many bad secrets: the link is dead for good.</summary>
    Locked,
}

/// <summary>
/// The one-time link of a remote sign-in: a random secret in the URL fragment of the public address (chat apps that
/// fetch a link for its preview never send a fragment, so a preview consumes nothing), which the viewer page presents
/// over its WebSocket. The first client with the secret owns the session, for at most <see cref="SessionCap"/>; the
/// link dies when its lifetime ends unclaimed or after <see cref="MaxBadSecrets"/> wrong secrets. Thread-safe: the
/// listener's clients claim concurrently.
/// </summary>
internal sealed class SignInLink
{
    /// <summary>256 bits from the OS's CSPRNG (the issue asks for at least 128).</summary>
    public const int SecretBytes = 32;

    public const int MaxBadSecrets = 5;

    /// <summary>The longest a claimed session lasts, however long the link was valid.</summary>
    public static readonly TimeSpan SessionCap = TimeSpan.FromMinutes(15);

    // Longer than any secret this class makes: compared no further, so a flood of huge strings costs nothing.
    private const int MaxPresentedLength = 128;

    private readonly byte[] secret;
    private readonly object gate = new();
    private int badSecrets;
    private DateTimeOffset? claimedAt;

    private SignInLink(Uri publicUrl, byte[] secret, DateTimeOffset expiresAt)
    {
        PublicUrl = publicUrl;
        this.secret = secret;
        ExpiresAt = expiresAt;
    }

    /// <summary>The address the phone opens, without the secret: safe to show and log.</summary>
    public Uri PublicUrl { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The whole link, secret included: only for the user (information stream, QR code, the alert).</summary>
    public string Link => $"{PublicUrl.AbsoluteUri}#{Encoding.ASCII.GetString(secret)}";

    /// <summary>When the claimed session ends (claim + <see cref="SessionCap"/>), or null while unclaimed.</summary>
    public DateTimeOffset? SessionEndsAt
    {
        get
        {
            lock (gate)
            {
                return claimedAt + SessionCap;
            }
        }
    }

    /// <summary>
    /// A new link on <paramref name="publicUrl"/> (http(s), no user info, query or fragment; plain http only on
    /// loopback unless <paramref name="allowHttp"/>), valid for <paramref name="lifetime"/> from the clock's now.
    /// </summary>
    public static SignInLink Create(string publicUrl, TimeSpan lifetime, TimeProvider clock, bool allowHttp = false)
    {
        TimeoutRange.Wait.Check("LinkLifetime", lifetime);
        var address = CheckPublicUrl(publicUrl, allowHttp);
        var random = RandomNumberGenerator.GetBytes(SecretBytes);
        var text = Base64Url(random);
        CryptographicOperations.ZeroMemory(random);
        return new SignInLink(address, Encoding.ASCII.GetBytes(text), clock.GetUtcNow() + lifetime);
    }

    /// <summary>The public address as the link's base: its path kept (a reverse proxy may serve it under one), always ending in '/'.</summary>
    internal static Uri CheckPublicUrl(string publicUrl, bool allowHttp)
    {
        // Shown without user info, query or fragment: any of them could hold a secret of its own.
        var cut = (publicUrl ?? "").IndexOfAny(new[] { '?', '#' });
        var shown = UrlPolicy.Display(cut < 0 ? publicUrl ?? "" : publicUrl![..cut]);
        var verdict = UrlPolicy.Check(publicUrl, out var uri);
        if (verdict == UrlVerdict.HasUserInfo)
        {
            throw new OneFlexException(ErrorIds.PublicUrlHasUserInfo, ErrorCategory.SecurityError, Messages.PublicUrlHasUserInfo(shown), shown);
        }

        if (verdict == UrlVerdict.NotHttpUrl || uri is null || uri.Query.Length > 0 || uri.Fragment.Length > 0 || publicUrl!.Contains('#'))
        {
            throw new OneFlexException(ErrorIds.InvalidPublicUrl, ErrorCategory.InvalidArgument, Messages.InvalidPublicUrl(shown), shown);
        }

        if (verdict == UrlVerdict.Insecure && !allowHttp)
        {
            throw new OneFlexException(ErrorIds.InsecurePublicUrl, ErrorCategory.SecurityError, Messages.InsecurePublicUrl(shown), shown);
        }

        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        return new Uri(UrlPolicy.Origin(uri) + path);
    }

    /// <summary>Decides one client's claim at <paramref name="now"/>; the secret is compared in constant time.</summary>
    public ClaimResult TryClaim(string? presented, DateTimeOffset now)
    {
        lock (gate)
        {
            if (badSecrets >= MaxBadSecrets)
            {
                return ClaimResult.Locked;
            }

            if (claimedAt is not null)
            {
                return ClaimResult.AlreadyClaimed;
            }

            if (now >= ExpiresAt)
            {
                return ClaimResult.Expired;
            }

            if (!Matches(presented))
            {
                badSecrets++;
                return badSecrets >= MaxBadSecrets ? ClaimResult.Locked : ClaimResult.Wrong;
            }

            claimedAt = now;
            return ClaimResult.Claimed;
        }
    }

    /// <summary>Whether the claimed session has reached its hard cap at <paramref name="now"/> (false while unclaimed).</summary>
    public bool SessionOver(DateTimeOffset now) => SessionEndsAt is { } end && now >= end;

    /// <summary>Never the secret: the address and the expiry only.</summary>
    public override string ToString() => $"{PublicUrl.AbsoluteUri} (expires {ExpiresAt:u})";

    private bool Matches(string? presented)
    {
        if (presented is null || presented.Length > MaxPresentedLength)
        {
            return false;
        }

        // FixedTimeEquals returns early only on a length difference, and the length is no secret.
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(MaxPresentedLength)];
        var count = Encoding.UTF8.GetBytes(presented, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..count], secret);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
