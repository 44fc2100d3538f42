using Xunit;

namespace OneFlexTokens.Tests.Harness;

public static class SecretAssert
{
    /// <summary>Fails when any of <paramref name="secrets"/> appears whole in any text the run produced.</summary>
    public static void NotLeaked(ScriptResult result, params string?[] secrets)
    {
        var text = result.AllText;
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            Assert.False(text.Contains(secret!, StringComparison.Ordinal), $"A secret of {secret!.Length} characters leaked into the run's text.");
        }
    }

    /// <summary>Fails when any of <paramref name="secrets"/> appears whole in <paramref name="text"/>.</summary>
    public static void NotIn(string text, params string?[] secrets)
    {
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            Assert.False(text.Contains(secret!, StringComparison.Ordinal), $"A secret of {secret!.Length} characters leaked.");
        }
    }
}
