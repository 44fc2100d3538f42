namespace OneFlexTokens.Tokens;

/// <summary>Why a token is or is not usable. Each value but Valid maps to one stable error id.</summary>
public enum TokenValidity
{
    Valid,
    Empty,
    NotJwt,
    Malformed,
    BadEncoding,
    BadJson,
    NoExpiry,
    Expired,
    NotYetValid,
    ExpiresTooSoon,
    Rejected,
    ServiceError,
    Unreachable,
}
