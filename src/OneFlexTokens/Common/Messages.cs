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
    public const string TokenNoExpiry = "The access token has no 'exp' claim, so its lifetime cannot be checked. OneFlex access tokens always carry one: make sure this is the access_token cookie value.";
    public const string TokenExpired = "The access token expired at {0:u}. Get a new one with Get-OneFlexToken.";
    public const string TokenNotYetValid = "The access token is not valid before {0:u} ('nbf'). Check this computer's clock.";
    public const string TokenExpiresTooSoon = "The access token expires at {0:u}, less than the required {1} from now. Get a new one with Get-OneFlexToken.";
    public const string TokenValid = "The access token is valid.";
    public const string TokenRejected = "The OneFlex service at {0} rejected the access token (HTTP 401). Get a new one with Get-OneFlexToken.";
    public const string ServiceError = "The OneFlex service at {0} answered HTTP {1} to the token check. Try again later; the token itself may still be valid.";
    public const string ServiceUnreachable = "The OneFlex service at {0} did not answer the token check ({1}). Check the network and -BaseUrl.";
    public const string ServiceBadAnswer = "The OneFlex service at {0} answered the token check with something that is not the expected 'me' result. Check -BaseUrl.";
    public const string InvalidBaseUrl = "'{0}' is not an absolute http(s) URL. Pass the OneFlex address, e.g. https://oneflex.myworldline.com.";
    public const string InsecureBaseUrl = "'{0}' is not https. Tokens are only sent over https, except to a loopback address (127.0.0.1, ::1, localhost) for local testing.";
    public const string DetailedAndPassThru = "-Detailed and -PassThru cannot be used together: -PassThru passes valid tokens on, -Detailed reports on each.";
}
