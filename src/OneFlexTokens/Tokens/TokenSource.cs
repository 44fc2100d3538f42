namespace OneFlexTokens.Tokens;

/// <summary>Where a token came from.</summary>
public enum TokenSource
{
    Browser,
    Refresh,
    EnvFile,
    Parameter,
}
