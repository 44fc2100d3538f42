using OneFlexTokens.EnvFiles;

/// <summary>The tokens the writer saves for a counter value, so a test can tell which save a file holds.</summary>
public static class WriterTokens
{
    public static List<KeyValuePair<string, string>> For(long n, params (string Key, string Value)[] extra)
    {
        // Lengths vary with n so old and new contents differ in size, as real tokens do.
        var settings = new List<KeyValuePair<string, string>>
        {
            new(EnvKeys.AccessToken, $"eyJhbGciOiJIUzI1NiJ9.{n}.{new string('s', (int)(n % 97) + 200)}"),
            new(EnvKeys.RefreshToken, $"{n:x20}"),
        };
        settings.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)));
        return settings;
    }

    public static long CounterOf(string accessToken) => long.Parse(accessToken.Split('.')[1]);
}
