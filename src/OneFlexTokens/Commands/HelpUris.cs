namespace OneFlexTokens.Commands;

/// <summary>
/// Where Get-Help -Online goes: a page per cmdlet under docs/cmdlets/ of the project (ProjectUri in the manifest), which
/// the repository holds, so that no link is dead once it is published.
/// </summary>
internal static class HelpUris
{
    public const string Pages = "https://github.com/oneflextokens/OneFlexTokens/blob/main/docs/cmdlets/";
    public const string GetOneFlexRenewal = Pages + "Get-OneFlexRenewal.md";
    public const string GetOneFlexToken = Pages + "Get-OneFlexToken.md";
    public const string InvokeOneFlexRenewal = Pages + "Invoke-OneFlexRenewal.md";
    public const string RegisterOneFlexRenewal = Pages + "Register-OneFlexRenewal.md";
    public const string RestartOneFlexBot = Pages + "Restart-OneFlexBot.md";
    public const string SaveOneFlexEnv = Pages + "Save-OneFlexEnv.md";
    public const string SendOneFlexNotification = Pages + "Send-OneFlexNotification.md";
    public const string TestOneFlexToken = Pages + "Test-OneFlexToken.md";
    public const string UnregisterOneFlexRenewal = Pages + "Unregister-OneFlexRenewal.md";
}
