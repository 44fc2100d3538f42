using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;


namespace OneFlexTokens.Tokens;

/// <summary>Offline checks of an access token: well-formed JWT, exp present, nbf passed, enough lifetime left.</summary>
internal static class TokenValidator
{
    /// <summary>Tolerance for nbf, so that a token issued by a server whose clock runs slightly ahead is not refused.</summary>
    public static readonly TimeSpan NotBeforeClockSkew = TimeSpan.FromSeconds(30);

    public static TokenStatus Evaluate(string? accessToken, TimeSpan minimumValidity, DateTimeOffset now)
    {
        JwtClaims claims;
        try
        {
            claims = JwtReader.Read(accessToken);
        }
        catch (OneFlexException failure)
        {
            return new TokenStatus
            {
                Reason = ValidityOf(failure.ErrorId),
                Message = failure.Message,
                AccessTokenMasked = SecretMask.Mask(accessToken),
            };
        }

        var (reason, message) = claims switch
        {
            { ExpiresAt: null } => (TokenValidity.NoExpiry, Messages.TokenNoExpiry),
            { ExpiresAt: var exp } when exp <= now => (TokenValidity.Expired, Messages.TokenExpired(exp)),
            { NotBefore: var nbf } when nbf > now + NotBeforeClockSkew => (TokenValidity.NotYetValid, Messages.TokenNotYetValid(nbf)),
            { ExpiresAt: var exp } when exp - now < minimumValidity =>
                (TokenValidity.ExpiresTooSoon, Messages.TokenExpiresTooSoon(exp, minimumValidity)),
            _ => (TokenValidity.Valid, Messages.TokenValid),
        };

        return new TokenStatus
        {
            Reason = reason,
            Message = message,
            ExpiresAt = claims.ExpiresAt,
            ExpiresIn = claims.ExpiresAt - now,
            IssuedAt = claims.IssuedAt,
            NotBefore = claims.NotBefore,
            Subject = claims.Subject,
            Email = claims.Email,
            AccessTokenMasked = SecretMask.Mask(accessToken),
        };
    }

    public static TokenValidity ValidityOf(string errorId) => errorId switch
    {
        ErrorIds.TokenEmpty => TokenValidity.Empty,
        ErrorIds.TokenNotJwt => TokenValidity.NotJwt,
        ErrorIds.TokenMalformed => TokenValidity.Malformed,
        ErrorIds.TokenBadEncoding => TokenValidity.BadEncoding,
        ErrorIds.TokenBadJson => TokenValidity.BadJson,
        _ => throw new ArgumentOutOfRangeException(nameof(errorId), errorId, null),
    };

    public static string ErrorIdOf(TokenValidity reason) => reason switch
    {
        TokenValidity.Empty => ErrorIds.TokenEmpty,
        TokenValidity.NotJwt => ErrorIds.TokenNotJwt,
        TokenValidity.Malformed => ErrorIds.TokenMalformed,
        TokenValidity.BadEncoding => ErrorIds.TokenBadEncoding,
        TokenValidity.BadJson => ErrorIds.TokenBadJson,
        TokenValidity.NoExpiry => ErrorIds.TokenNoExpiry,
        TokenValidity.Expired => ErrorIds.TokenExpired,
        TokenValidity.NotYetValid => ErrorIds.TokenNotYetValid,
        TokenValidity.ExpiresTooSoon => ErrorIds.TokenExpiresTooSoon,
        TokenValidity.Rejected => ErrorIds.TokenRejected,
        TokenValidity.ServiceError => ErrorIds.ServiceError,
        TokenValidity.Unreachable => ErrorIds.ServiceUnreachable,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
