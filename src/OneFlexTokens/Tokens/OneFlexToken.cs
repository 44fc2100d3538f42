using OneFlexTokens.Secrets;


namespace OneFlexTokens.Tokens;

/// <summary>An access token and its refresh token, with what the JWT says about them. Never shows a whole token.</summary>
public sealed class OneFlexToken
{
    public OneFlexToken(string accessToken, string? refreshToken, string? baseUrl, TokenSource source)
    {
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        BaseUrl = baseUrl is null ? null : UrlPolicy.RemoveUserInfo(baseUrl);
        Source = source;
        var claims = JwtReader.TryRead(accessToken);
        ExpiresAt = claims?.ExpiresAt;
        IssuedAt = claims?.IssuedAt;
        Subject = claims?.Subject;
        Email = claims?.Email;
    }

    public string AccessToken { get; }

    public string? RefreshToken { get; }

    public DateTimeOffset? ExpiresAt { get; }

    public DateTimeOffset? IssuedAt { get; }

    public string? Subject { get; }

    public string? Email { get; }

    public string? BaseUrl { get; }

    public TokenSource Source { get; }

    public TimeSpan? ExpiresIn => ExpiresAt - DateTimeOffset.UtcNow;

    public string AccessTokenMasked => SecretMask.Mask(AccessToken);

    public string RefreshTokenMasked => SecretMask.Mask(RefreshToken);

    public override string ToString() =>
        $"OneFlexToken {AccessTokenMasked} ({Source}, expires {ExpiresAt?.ToString("u") ?? "unknown"})";
}
