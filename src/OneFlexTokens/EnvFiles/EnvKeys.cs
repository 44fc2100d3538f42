namespace OneFlexTokens.EnvFiles;

/// <summary>The .env keys the bot reads its tokens from.</summary>
internal static class EnvKeys
{
    public const string AccessToken = "ONEFLEX_TOKEN";
    public const string RefreshToken = "ONEFLEX_REFRESH_TOKEN";
}
