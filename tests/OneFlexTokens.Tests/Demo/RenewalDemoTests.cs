using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.SignIn;
using OneFlexTokens.TestSupport;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Demo;

/// <summary>The README's main job, run as the README runs it: the built demo program (demo/OneFlexTokens.Demo), from the repository root.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RenewalDemoTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    [SkippableFact]
    public async Task The_demo_renews_saves_and_restarts_the_bot_without_showing_a_token()
    {
        Requirements.Require(SignInScope.TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        Requirements.Require(File.Exists(XvfbServer.Executable) || Environment.GetEnvironmentVariable("DISPLAY") is not null, "No display and no Xvfb (apt-get install xvfb xauth).");

        var (exitCode, text) = await RunDemoAsync("--keep");

        Assert.True(exitCode == 0, text);
        var botFolder = Regex.Match(text, @"^Bot folder: (?<path>.+?) \(", RegexOptions.Multiline).Groups["path"].Value;
        Assert.True(Directory.Exists(botFolder), "--keep did not keep the bot folder it named:\n" + text);
        try
        {
            var botFile = EnvFileReader.ReadValues(Path.Combine(botFolder, ".env"));
            var configFile = EnvFileReader.ReadValues(Path.Combine(botFolder, "config", ".env"));
            Assert.Equal(botFile[EnvKeys.AccessToken], configFile[EnvKeys.AccessToken]);
            Assert.Equal(botFile[EnvKeys.RefreshToken], configFile[EnvKeys.RefreshToken]);
            Assert.True(TokenValidator.Evaluate(configFile[EnvKeys.AccessToken], TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow).IsValid);
            Assert.Equal("3-014,3-015", configFile["DESK_IDS"]);
            Assert.Contains("Demo finished", text);
            var dockerMissing = text.Contains("Docker: no engine for the demo", StringComparison.Ordinal);
            if (Requirements.IsCI || !dockerMissing)
            {
                Assert.False(dockerMissing, text);
                Assert.Contains("The bot container 'oneflex-bot' restarted.", text);
                Assert.Contains("The bot's log, after its restart, shows the new token", text);
            }

            SecretAssert.NotIn(text, configFile[EnvKeys.AccessToken], configFile[EnvKeys.RefreshToken]);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(botFolder)!, true);
        }
    }

    /// <summary>Runs the built demo from the repository root and returns its exit code and everything it printed.</summary>
    private static async Task<(int ExitCode, string Output)> RunDemoAsync(params string[] arguments)
    {
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.BuiltProgram("demo/OneFlexTokens.Demo"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"The demo did not end within {Bound}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
