using System.Management.Automation;
using OneFlexTokens.Errors;

namespace OneFlexTokens.Tokens;

/// <summary>
/// What the service hands out is checked before anyone gets it: the access token must be a readable JWT of sane size
/// and the refresh token of sane size, else the service (or whatever answers at -BaseUrl) is misbehaving.
/// </summary>
internal static class IssuedTokens
{
    /// <param name="issuer">Says where the tokens came from, e.g. "The refresh grant at https://…/api/auth/token".</param>
    public static void Check(string accessToken, string? refreshToken, string issuer)
    {
        try
        {
            JwtReader.Read(accessToken);
        }
        catch (OneFlexException unreadable)
        {
            throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.IssuedTokenUnreadable(issuer, unreadable.Message), issuer);
        }

        if (refreshToken is not null && (refreshToken.Length == 0 || refreshToken.Length > JwtReader.MaxTokenLength))
        {
            throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.IssuedRefreshTokenUnusable(issuer, refreshToken.Length), issuer);
        }
    }
}
