namespace OneFlexTokens.Tokens;

/// <summary>The claims of an access token that the module cares about. Signature is not checked: the service does that.</summary>
internal sealed record JwtClaims(
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? NotBefore,
    string? Subject,
    string? Email);
