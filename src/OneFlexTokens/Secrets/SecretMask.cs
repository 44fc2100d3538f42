namespace OneFlexTokens.Secrets;

/// <summary>The one way a secret is shown: a few leading characters and its length, never enough to use it.</summary>
internal static class SecretMask
{
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return string.Empty;
        }

        var shown = secret.Length >= 24 ? 6 : secret.Length >= 12 ? 3 : 0;
        return $"{secret[..shown]}…({secret.Length} chars)";
    }

    /// <summary>Only the length: for values whose start says too much (passwords, short secrets).</summary>
    public static string Hide(string? secret) => string.IsNullOrEmpty(secret) ? string.Empty : $"…({secret.Length} chars)";
}
