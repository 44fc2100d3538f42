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
public sealed class RenewalDemoTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PhoneBound = TimeSpan.FromSeconds(90);

    /// <summary>The password the demo's simulator asks for (PhoneSignInDemo.Password); --phone-manual prints it for the person.</summary>
    private const string DemoPassword = "Mot-de-passe-été-ü€🔑";

    private static readonly Regex LinkPattern = new(@"^https?://\S+/#[A-Za-z0-9_-]{40,}$", RegexOptions.CultureInvariant | RegexOptions.Multiline);

    /// <summary>Everything the demo has printed so far.</summary>
    private readonly StringBuilder _printed = new();

    /// <summary>Ends the demo before its bound (a failed test's demo would wait for the link's whole lifetime).</summary>
    private readonly CancellationTokenSource _stop = new();

    public void Dispose() => _stop.Dispose();

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

            // The second part: the SSO session ends, the link and its QR code are printed, the scripted phone signs in.
            if (Requirements.IsCI || ScriptedPhone.MissingReason is null)
            {
                AssertThePhonePartRan(text, dockerMissing);
                Assert.Contains("A scripted phone opens the link…", text);
                var phonePage = Regex.Match(text, "^The phone's page said at the end: (?<notice>.+)$", RegexOptions.Multiline);
                Assert.True(phonePage.Success, text);
                Assert.StartsWith("Signed in. The new token is valid until", phonePage.Groups["notice"].Value, StringComparison.Ordinal);
                Assert.Contains("signed in again from a phone", text);
            }
            else
            {
                Assert.Contains("The sign-in from a phone is skipped", text);
            }

            SecretAssert.NotIn(text, configFile[EnvKeys.AccessToken], configFile[EnvKeys.RefreshToken], DemoPassword);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(botFolder)!, true);
        }
    }

    /// <summary>--phone-manual waits for a person; the test is that person, with what the demo printed: the link, the password, the MFA code.</summary>
    [SkippableFact]
    public async Task With_phone_manual_a_person_signs_in_with_the_link_password_and_MFA_code_the_demo_prints()
    {
        Requirements.Require(SignInScope.TryFindBrowser() is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        Requirements.Require(File.Exists(XvfbServer.Executable) || Environment.GetEnvironmentVariable("DISPLAY") is not null, "No display and no Xvfb (apt-get install xvfb xauth).");
        Requirements.Require(ScriptedPhone.MissingReason is null, ScriptedPhone.MissingReason ?? "");

        var link = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var demo = RunDemoAsync(line =>
        {
            if (LinkPattern.Match(line) is { Success: true } match)
            {
                link.TrySetResult(match.Value);
            }
        }, "--phone-manual");
        if (await Task.WhenAny(link.Task, demo) != link.Task)
        {
            Assert.Fail("The demo ended without printing a link:\n" + (await demo).Output);
        }

        string notice;
        try
        {
            var printed = Printed();
            Assert.Contains("ssh -L 8765:127.0.0.1:8765", printed);
            Assert.StartsWith("http://127.0.0.1:8765/#", link.Task.Result, StringComparison.Ordinal);
            var sso = new Uri(Regex.Match(printed, @"^OneFlex simulator: app \S+, SSO (?<sso>\S+) ", RegexOptions.Multiline).Groups["sso"].Value);
            var account = Regex.Match(printed, @"^Sign in as (?<user>\S+) with the demo's password (?<password>.+)\. The MFA code", RegexOptions.Multiline);
            Assert.True(account.Success, printed);
            Assert.Equal(DemoPassword, account.Groups["password"].Value);

            await using var phone = await ScriptedPhone.StartAsync(RepoPaths.ModuleDirectory);
            var viewer = await phone.OpenAsync(link.Task.Result);
            await ScriptedPhone.WaitForFirstFrameAsync(viewer, PhoneBound);
            await phone.SignInAsync(viewer, new PhoneSignIn(sso, account.Groups["user"].Value, account.Groups["password"].Value, Popup: true, Confirm: true), PhoneBound);
            notice = await ScriptedPhone.WaitForNoticeAsync(viewer, PhoneBound);
        }
        catch
        {
            // The demo would wait for the link's whole lifetime: end it (and its pwsh, browser and listener) now.
            await _stop.CancelAsync();
            await demo;
            throw;
        }

        var (exitCode, text) = await demo;

        Assert.True(exitCode == 0, text);
        Assert.StartsWith("Signed in.", notice, StringComparison.Ordinal);
        AssertThePhonePartRan(text, text.Contains("Docker: no engine for the demo", StringComparison.Ordinal));
        Assert.Matches(@"(?m)^The sign-in asks for the MFA code: \d{6} ", text);
        Assert.DoesNotContain("A scripted phone", text, StringComparison.Ordinal);

        string Printed()
        {
            lock (_printed)
            {
                return _printed.ToString();
            }
        }
    }

    /// <summary>What the phone part prints whichever way it is signed in: the link and its QR code, both files saved again, the bot restarted again.</summary>
    private static void AssertThePhonePartRan(string text, bool dockerMissing)
    {
        Assert.Contains("== 4. The SSO session has ended: sign in again from a phone", text);
        Assert.Matches(LinkPattern, text);
        // The QR code whole, nothing cutting into it: as many lines as half its width (two module rows a line, square).
        var qr = text[text.IndexOf("or scan this code with the phone's camera:", StringComparison.Ordinal)..].Split('\n').Skip(1).TakeWhile(line => line.Contains('█')).ToArray();
        Assert.True(qr.Length > 10, "no QR code of the link:\n" + text);
        Assert.True(qr.Length == (Regex.Replace(qr[0], @"\x1b\[[0-9;]*m", "").Length + 1) / 2, "the QR code is not whole:\n" + text);
        Assert.Contains("Both .env and config/.env hold the new token from the phone's sign-in", text);
        if (!dockerMissing)
        {
            Assert.Equal(2, Regex.Matches(text, "^The bot container 'oneflex-bot' restarted\\.", RegexOptions.Multiline).Count);
            Assert.Equal(2, Regex.Matches(text, "^The bot's log, after its restart, shows the new token", RegexOptions.Multiline).Count);
        }
    }

    private Task<(int ExitCode, string Output)> RunDemoAsync(params string[] arguments) => RunDemoAsync(_ => { }, arguments);

    /// <summary>Runs the built demo from the repository root and returns its exit code and everything it printed; <paramref name="onLine"/> sees each line as it comes.</summary>
    private async Task<(int ExitCode, string Output)> RunDemoAsync(Action<string> onLine, params string[] arguments)
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

        var output = _printed;
        using var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }

                onLine(e.Data);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            if (!_stop.IsCancellationRequested)
            {
                Assert.Fail($"The demo did not end within {Bound}:\n{output}");
            }
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
