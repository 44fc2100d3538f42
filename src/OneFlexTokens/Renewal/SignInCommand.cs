using System.Management.Automation.Language;
using System.Text;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Renewal;

/// <summary>
/// The one command a human runs, in pwsh on the machine that runs the renewal, to sign in again after the SSO session
/// ended: an interactive sign-in on the renewal's own profile and address, saved to the bot's two files, and the bot
/// restarted. Every value is single-quoted for PowerShell, so paths with spaces, quotes or any character stay whole.
/// </summary>
internal static class SignInCommand
{
    public static string For(RenewalOptions options, HostPlatform platform)
    {
        var command = new StringBuilder();
        if (options.ModuleManifest is { } manifest)
        {
            command.Append("Import-Module ").Append(Quote(manifest)).Append("; ");
        }

        command.Append("Get-OneFlexToken -ProfilePath ").Append(Quote(options.ProfilePath ?? SignInEnvironment.DefaultProfilePath(platform)));
        if (ExplicitBaseUrl(options, platform) is { } baseUrl)
        {
            command.Append(" -BaseUrl ").Append(Quote(baseUrl));
        }

        command.Append(" | Save-OneFlexEnv -Path ").Append(Quote(options.RootEnvFile)).Append(", ").Append(Quote(options.ConfigEnvFile))
            .Append(" -PassThru | Restart-OneFlexBot");
        command.Append(options.ProjectDirectory is { } folder ? " -ProjectDirectory " + Quote(folder) : " -Name " + Quote(options.BotName));
        if (options.DockerHost is { Length: > 0 } dockerHost)
        {
            command.Append(" -DockerHost ").Append(Quote(UrlPolicy.RemoveUserInfo(dockerHost)));
        }

        return command.ToString();
    }

    /// <summary>A PowerShell single-quoted string: nothing in it is expanded, and quotes (the typographic ones too) are doubled.</summary>
    public static string Quote(string value) => "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";

    /// <summary>The address when it is not the default one (given, or from ONEFLEX_BASE_URL, which a human's shell may lack); null when it is invalid.</summary>
    private static string? ExplicitBaseUrl(RenewalOptions options, HostPlatform platform)
    {
        try
        {
            var origin = OneFlexBaseUrl.Resolve(options.BaseUrl, platform).Text;
            return string.Equals(origin, OneFlexBaseUrl.Default, StringComparison.OrdinalIgnoreCase) ? null : origin;
        }
        catch (OneFlexException)
        {
            return null;
        }
    }
}
