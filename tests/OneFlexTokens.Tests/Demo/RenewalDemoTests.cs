using OneFlexTokens.EnvFiles;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.SignIn;
using OneFlexTokens.TestSupport;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Demo;

/// <summary>The README's main job, run as the README runs it (minus the process): the demo must work here.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RenewalDemoTests
{
    [SkippableFact]
    public async Task The_demo_renews_saves_and_restarts_the_bot_without_showing_a_token()
    {
        Requirements.Require(SignInScope.TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        Requirements.Require(File.Exists(XvfbServer.Executable) || Environment.GetEnvironmentVariable("DISPLAY") is not null, "No display and no Xvfb (apt-get install xvfb xauth).");
        var output = new StringWriter();

        var report = await RenewalDemo.RunAsync(output, RepoPaths.Root, keepBotFolder: true, CancellationToken.None);

        var text = output.ToString();
        Assert.True(report.ExitCode == 0, text);
        var botFile = EnvFileReader.ReadValues(Path.Combine(report.BotFolder, ".env"));
        var configFile = EnvFileReader.ReadValues(Path.Combine(report.BotFolder, "config", ".env"));
        Assert.Equal(botFile[EnvKeys.AccessToken], configFile[EnvKeys.AccessToken]);
        Assert.Equal(botFile[EnvKeys.RefreshToken], configFile[EnvKeys.RefreshToken]);
        Assert.True(TokenValidator.Evaluate(configFile[EnvKeys.AccessToken], TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow).IsValid);
        Assert.Equal("3-014,3-015", configFile["DESK_IDS"]);
        Assert.Contains("Demo finished", text);
        if (Requirements.IsCI || report.DockerMissingReason is null)
        {
            Assert.Null(report.DockerMissingReason);
            Assert.True(report.BotRestarted, text);
            Assert.True(report.BotLogShowsNewToken, text);
        }

        SecretAssert.NotIn(text, configFile[EnvKeys.AccessToken], configFile[EnvKeys.RefreshToken]);
        Directory.Delete(Path.GetDirectoryName(report.BotFolder)!, true);
    }
}
