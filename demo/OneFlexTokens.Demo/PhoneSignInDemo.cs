using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OneFlex.Simulator;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Secrets;
using OneFlexTokens.TestSupport;

namespace OneFlexTokens.Demo;

/// <summary>
/// The main job's second part: the SSO session ends, the simulator asks a person for a username, a password and an MFA
/// code, and examples/demo-phone.ps1 runs the remote sign-in pipeline in the pinned pwsh as a user would (the link and
/// its QR code printed). A <see cref="ScriptedPhone"/> opens the link read from the script's output and signs in, or
/// (<c>--phone-manual</c>) a person does. Then both files must hold a new token and the bot must have restarted on it.
/// </summary>
internal sealed partial class PhoneSignInDemo(TextWriter output, string repositoryRoot, OneFlexSimulator simulator, LocalDockerEngine engine, string botFolder, string profile)
{
    /// <summary>Not ASCII on purpose: the phone's own keyboard types any Unicode into the remote field.</summary>
    public const string Password = "Mot-de-passe-été-ü€🔑";

    /// <summary>The fixed port of <c>--phone-manual</c>, so that an ssh tunnel can be set up before the link exists.</summary>
    public const int ManualPort = 8765;

    /// <summary>Long enough for the scripted phone; short enough that a phone that fails does not keep the demo for 15 minutes.</summary>
    private static readonly TimeSpan ScriptedLinkLifetime = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan ManualLinkLifetime = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan PhoneBound = TimeSpan.FromSeconds(90);

    /// <summary>How often <c>--phone-manual</c> looks whether the sign-in has reached its MFA step (an in-process read: cheap).</summary>
    private static readonly TimeSpan MfaPoll = TimeSpan.FromMilliseconds(100);


    /// <summary>Whether the part was skipped (no Chromium for the scripted phone); the demo then says so.</summary>
    public bool Skipped { get; private set; }

    /// <summary>A scripted phone (a second Chromium) opens the link the script prints and signs in. Returns the exit code.</summary>
    public async Task<int> RunScriptedAsync(CancellationToken cancellationToken)
    {
        if (ScriptedPhone.MissingReason is { } missing)
        {
            output.WriteLine($"The sign-in from a phone is skipped: the scripted phone is a second Chromium, and {missing}");
            Skipped = true;
            return 0;
        }

        var before = await SwitchToHumanSignInAsync();
        var link = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var announcement = new Announcement();
        using var stopScript = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var script = RunScriptAsync("127.0.0.1:0", ScriptedLinkLifetime, line =>
        {
            if (announcement.Read(line) is { } complete)
            {
                link.TrySetResult(complete);
            }
        }, stopScript.Token);

        if (await Task.WhenAny(link.Task, script) == script)
        {
            output.WriteLine("examples/demo-phone.ps1 ended without printing a sign-in link.");
            return NonZero(await script);
        }

        output.WriteLine("A scripted phone opens the link… (a second Chromium as a Pixel 7: it taps the fields on the picture and types with the viewer's keyboard)");
        string notice;
        try
        {
            await using var phone = await ScriptedPhone.StartAsync(Path.Combine(repositoryRoot, "out", "OneFlexTokens"));
            var viewer = await phone.OpenAsync(link.Task.Result);
            await ScriptedPhone.WaitForFirstFrameAsync(viewer, PhoneBound);
            output.WriteLine($"The phone shows the remote page. It types the username ({simulator.Options.UserEmail}), a non-ASCII password, the simulator's MFA code in the pop-up window, and answers OK to 'Stay signed in on this device?'.");
            await phone.SignInAsync(viewer, new PhoneSignIn(simulator.SsoUrl, simulator.Options.UserEmail, Password, Popup: true, Confirm: true), PhoneBound, cancellationToken);
            notice = await ScriptedPhone.WaitForNoticeAsync(viewer, PhoneBound);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await script;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or PlaywrightException or HttpRequestException or InvalidOperationException)
        {
            // Playwright's messages can quote what a call was given: never the password or the link's secret.
            output.WriteLine($"The scripted phone did not finish the sign-in ({e.GetType().Name}: {SecretScrubber.Quote(e.Message, 500, Password, link.Task.Result.Split('#')[1])}); the remote sign-in is stopped.");
            await stopScript.CancelAsync();
            await script;
            return 1;
        }

        var exitCode = await script;
        if (exitCode == 0)
        {
            exitCode = await CheckAsync(before) ? 0 : 1;
        }

        output.WriteLine($"The phone's page said at the end: {notice}");
        return exitCode;
    }

    /// <summary>A person opens the link (on this machine, or from a phone through an ssh tunnel); the MFA code is printed when asked for. Returns the exit code.</summary>
    public async Task<int> RunManualAsync(CancellationToken cancellationToken)
    {
        var before = await SwitchToHumanSignInAsync();
        output.WriteLine($"--phone-manual: the sign-in waits for you, up to {ManualLinkLifetime.TotalMinutes:0} minutes (the link's lifetime). Open the link printed below:");
        output.WriteLine("  - on this machine: in a browser (a narrow, phone-sized window shows it best);");
        output.WriteLine($"  - from a phone: forward the port first, e.g. with the port forwarding of an ssh app on the phone, or from a computer: ssh -L {ManualPort}:127.0.0.1:{ManualPort} <this machine>;");
        output.WriteLine($"    then open the link (or scan the QR code) where the tunnel ends: it points to 127.0.0.1:{ManualPort}.");
        output.WriteLine($"Sign in as {simulator.Options.UserEmail} with the demo's password {Password}. The MFA code is printed here when the sign-in asks for it");
        output.WriteLine($"(or read it from {new Uri(simulator.SsoUrl, "/__control/mfa-code")}); it is typed in a pop-up window, then answer OK to 'Stay signed in on this device?'.");

        using var stopCodes = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var codes = PrintMfaCodesAsync(stopCodes.Token);
        var exitCode = await RunScriptAsync($"127.0.0.1:{ManualPort}", ManualLinkLifetime, _ => { }, cancellationToken);
        await stopCodes.CancelAsync();
        await codes;
        if (exitCode == 0)
        {
            exitCode = await CheckAsync(before) ? 0 : 1;
        }

        return exitCode;
    }

    /// <summary>Ends the SSO sessions and makes the sign-in one that only a person can do; returns the token and the bot's start before the phone.</summary>
    private async Task<(string AccessToken, DateTimeOffset BotStarted)> SwitchToHumanSignInAsync()
    {
        simulator.EndAllSsoSessions();
        simulator.Options.HumanSignIn = true;
        simulator.Options.HumanSignInPopup = true;
        simulator.Options.HumanSignInConfirm = true;
        simulator.Options.Password = Password;
        output.WriteLine("The simulator ends its SSO sessions, as the real service does every few hours to days: headless renewal can no longer sign in.");
        output.WriteLine("Its sign-in now needs a person: a username, a password, and a 6-digit MFA code in a pop-up window, then a 'Stay signed in?' dialog.");
        var token = EnvFileReader.ReadValues(Path.Combine(botFolder, "config", ".env"))[EnvKeys.AccessToken];
        return (token, engine.MissingReason is null ? await engine.StartedAtAsync(RenewalDemo.BotName) : default);
    }

    private Task<int> RunScriptAsync(string listenAddress, TimeSpan linkLifetime, Action<string> onLine, CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            "-BaseUrl", simulator.AppUrl.ToString(), "-BotFolder", botFolder, "-ProfilePath", profile, "-BotName", RenewalDemo.BotName,
            "-ListenAddress", listenAddress, "-LinkLifetime", linkLifetime.ToString("c"),
        };
        if (engine.MissingReason is null)
        {
            arguments.AddRange(new[] { "-DockerHost", engine.DockerHost });
        }

        return RenewalDemo.RunExampleAsync(
            line =>
            {
                output.WriteLine(line);
                onLine(line);
            },
            "demo-phone.ps1",
            repositoryRoot,
            arguments,
            new Dictionary<string, string?>(),
            cancellationToken);
    }

    /// <summary>Both files hold the same new token, and the bot restarted on it (when there is a Docker engine).</summary>
    private async Task<bool> CheckAsync((string AccessToken, DateTimeOffset BotStarted) before)
    {
        var root = EnvFileReader.ReadValues(Path.Combine(botFolder, ".env"))[EnvKeys.AccessToken];
        var config = EnvFileReader.ReadValues(Path.Combine(botFolder, "config", ".env"))[EnvKeys.AccessToken];
        var saved = root == config && config != before.AccessToken;
        output.WriteLine(saved
            ? $"Both .env and config/.env hold the new token from the phone's sign-in ({SecretMask.Mask(config)})."
            : ".env and config/.env do not both hold a new token after the phone's sign-in.");
        var restarted = engine.MissingReason is not null || await RenewalDemo.BotRestartedOnSavedTokenAsync(output, engine, botFolder, before.BotStarted);
        return saved && restarted;
    }

    /// <summary>Prints each new MFA code the simulator waits for, until cancelled: what a person reads in their authenticator app.</summary>
    private async Task PrintMfaCodesAsync(CancellationToken cancellationToken)
    {
        using var poll = new PeriodicTimer(MfaPoll);
        string? shown = null;
        try
        {
            while (await poll.WaitForNextTickAsync(cancellationToken))
            {
                if (simulator.CurrentMfaCode is { } code && code != shown)
                {
                    shown = code;
                    output.WriteLine($"The sign-in asks for the MFA code: {code} (your authenticator app would show it).");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int NonZero(int exitCode) => exitCode == 0 ? 1 : exitCode;

    /// <summary>
    /// Reads the remote sign-in's announcement from the script's lines: the link, then its QR code. The link counts once
    /// the QR code has been printed whole, as a person would see it before picking up the phone (the demo's own lines
    /// would otherwise cut into the code).
    /// </summary>
    private sealed partial class Announcement
    {
        private string? _link;
        private bool _qrFollows;
        private int _qrLinesLeft = -1;

        /// <summary>The link once the announcement is complete, else null.</summary>
        public string? Read(string line)
        {
            if (_link is null)
            {
                _link = LinkPattern().Match(line) is { Success: true } match ? match.Value : null;
                return null;
            }

            if (!_qrFollows)
            {
                _qrFollows = line == "or scan this code with the phone's camera:";
                return _qrFollows ? null : _link;
            }

            if (_qrLinesLeft < 0)
            {
                // Two module rows a line, and the code (with its quiet zone) is square: as many lines as half its width, rounded up.
                _qrLinesLeft = (Colours().Replace(line, "").Length + 1) / 2;
            }

            return --_qrLinesLeft == 0 ? _link : null;
        }

        [GeneratedRegex(@"https?://\S+/#[A-Za-z0-9_-]{40,}", RegexOptions.CultureInvariant)]
        private static partial Regex LinkPattern();

        [GeneratedRegex(@"\x1b\[[0-9;]*m", RegexOptions.CultureInvariant)]
        private static partial Regex Colours();
    }
}
