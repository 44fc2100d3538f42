using OneFlexTokens.Http;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

// The messages of Tokens/: a part of Messages, whose namespace is Errors/'s so that every call site reads Messages.X.
internal static partial class Messages
{
    public const string TokenEmpty = "The access token is empty. Pass a token, a OneFlexToken object, or -EnvPath pointing at a .env file that sets ONEFLEX_TOKEN.";

    public const string TokenNotJwt = "The access token is not a JWT (it has no '.' separated segments): it may be the refresh token or an opaque value. Use the access_token cookie value.";

    public const string TokenMalformed = "The access token is not a valid JWT: it must have exactly three '.' separated segments.";

    public const string TokenBadEncoding = "The access token is not a valid JWT: its header or payload is not base64url.";

    public const string TokenBadJson = "The access token is not a valid JWT: its payload is not a JSON object.";

    public const string TokenBadText = "The access token is not a valid JWT: its payload has text that is not valid Unicode (invalid UTF-8, or an escape such as a lone surrogate).";

    public static string TokenTooLong(int length, int maximumKilobytes) =>
        $"The access token is {length} characters long, over the {maximumKilobytes} KB a token may have (OneFlex access tokens are about 1 KB). Check that the value is really the access_token cookie value.";

    public const string TokenBadTimeClaim = "The access token is not a valid JWT: a time claim (exp, iat, nbf) is not a number of seconds.";

    public const string TokenNoExpiry = "The access token has no 'exp' claim, so its lifetime cannot be checked. OneFlex access tokens always carry one: make sure this is the access_token cookie value.";

    public static string TokenExpired(DateTimeOffset? expiresAt) =>
        $"The access token expired at {expiresAt:u}. Get a new one with Get-OneFlexToken.";

    public static string TokenNotYetValid(DateTimeOffset? notBefore) =>
        $"The access token is not valid before {notBefore:u} ('nbf'). Check this computer's clock.";

    public static string TokenExpiresTooSoon(DateTimeOffset? expiresAt, TimeSpan minimumValidity) =>
        $"The access token expires at {expiresAt:u}, less than the required {DurationText.Of(minimumValidity)} from now. Get a new one with Get-OneFlexToken.";

    public const string TokenValid = "The access token is valid.";

    public static string TokenRejected(string service, int status) =>
        $"The OneFlex service at {service} rejected the access token (HTTP {status}). Get a new one with Get-OneFlexToken.";

    public static string TokenRejectedByGraphQl(string service, string said) =>
        $"The OneFlex service at {service} rejected the access token; it said: {said}. Get a new one with Get-OneFlexToken.";

    public static string ServiceGraphQlError(string service, string said) =>
        $"The OneFlex service at {service} answered the token check with an error that is not about the token; it said: {said}. Try again later; the token itself may still be valid.";

    public static string ServiceUnreachable(string service, string reason) =>
        $"The OneFlex service at {service} could not be asked to check the token ({reason}), so whether the token is valid is unknown. Check the network, a proxy and -BaseUrl (the OneFlex app address), then try again.";

    public static string ServiceAnsweredStatus(int status, int attempts) =>
        $"it answered HTTP {status} to {attempts} attempt(s)";

    public static string ServiceAnsweredNotAsTheApi(int status) =>
        $"it answered HTTP {status}, which the OneFlex API does not";

    public static string ServiceReplyTooLarge(int limit) =>
        $"its reply is more than {ReplyLimits.Describe(limit)}, far more than the OneFlex API ever sends";

    public const string ServiceNotTheMeAnswer = "its reply is not the OneFlex API's 'me' result";

    public static string InvalidBaseUrl(string shownUrl) =>
        $"'{shownUrl}' is not an absolute http(s) URL. Pass the OneFlex address, e.g. https://oneflex.myworldline.com.";

    public static string BaseUrlHasUserInfo(string shownUrl) =>
        $"'{shownUrl}' (shown without it) has a user name or password before the host. The OneFlex address never takes credentials, and they would be sent and shown: pass the address alone, e.g. https://oneflex.myworldline.com, in -BaseUrl or ONEFLEX_BASE_URL.";

    public static string InsecureBaseUrl(string shownUrl) =>
        $"'{shownUrl}' is not https. Tokens are only sent over https, except to a loopback address (127.0.0.1, ::1, localhost) for local testing.";

    public static string NoAnswerWithin(TimeSpan timeout) => $"no answer within {DurationText.Of(timeout)}.";

    public static string ReplyTooLarge(string what, int limit) =>
        $"{what} answered with more than {ReplyLimits.Describe(limit)}, far more than the OneFlex API ever sends, so the reply was not read. Check -BaseUrl: it must be the OneFlex app address.";

    public static string IssuedTokenUnreadable(string issuer, string reason) =>
        $"{issuer} gave an access token that cannot be used, so it was not returned. {reason} Check -BaseUrl (it must be the OneFlex app address); if it is right, the service is failing: try again later.";

    public static string IssuedRefreshTokenUnusable(string issuer, int length) =>
        $"{issuer} gave a refresh token of {length} characters, which no OneFlex refresh token has, so the tokens were not returned. Check -BaseUrl; if it is right, try again later.";
}
