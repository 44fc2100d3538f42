namespace OneFlexTokens.Common;

/// <summary>User-facing messages, kept together so their wording is consistent and reviewable.</summary>
internal static class Messages
{
    public const string TokenEmpty = "The access token is empty. Pass a token, a OneFlexToken object, or -EnvPath pointing at a .env file that sets ONEFLEX_TOKEN.";
    public const string TokenNotJwt = "The access token is not a JWT (it has no '.' separated segments): it may be the refresh token or an opaque value. Use the access_token cookie value.";
    public const string TokenMalformed = "The access token is not a valid JWT: it must have exactly three '.' separated segments.";
    public const string TokenBadEncoding = "The access token is not a valid JWT: its header or payload is not base64url.";
    public const string TokenBadJson = "The access token is not a valid JWT: its payload is not a JSON object.";
    public const string TokenBadTimeClaim = "The access token is not a valid JWT: a time claim (exp, iat, nbf) is not a number of seconds.";
}
