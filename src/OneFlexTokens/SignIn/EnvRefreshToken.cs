using System.Management.Automation;
using OneFlexTokens.Common;

namespace OneFlexTokens.SignIn;

/// <summary>The refresh token a bot .env file holds (ONEFLEX_REFRESH_TOKEN), or null when it has none.</summary>
public static class EnvRefreshToken
{
    public const string Key = "ONEFLEX_REFRESH_TOKEN";

    public static string? Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new OneFlexException(ErrorIds.EnvFileNotFound, ErrorCategory.ObjectNotFound, $"The .env file '{path}' does not exist. Pass the path of the bot's .env file to -EnvPath.", path);
        }

        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=');
            if (equals <= 0 || line[..equals].Trim() != Key)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            return value.Length > 0 ? value : null;
        }

        return null;
    }
}
