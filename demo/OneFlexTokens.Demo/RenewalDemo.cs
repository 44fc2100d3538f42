using System.Diagnostics;
using OneFlex.Simulator;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Secrets;
using OneFlexTokens.TestSupport;

namespace OneFlexTokens.Demo;

/// <summary>
/// The main job: prepares the OneFlex simulator, a bot folder, a display and (where it can) a Docker engine with a
/// bot container, then runs examples/demo.ps1 — the real renewal pipeline — in the pinned pwsh
/// (<c>dotnet tool run pwsh</c>, .config/dotnet-tools.json), and checks that the bot restarted on the new token. Then
/// the SSO session ends and examples/demo-phone.ps1 signs in again from a phone (<see cref="PhoneSignInDemo"/>).
/// Returns the exit code: 0 when all of it worked.
/// </summary>
public static class RenewalDemo
{
    public const string BotName = "oneflex-bot";

    public static async Task<int> RunAsync(TextWriter output, string repositoryRoot, bool keepBotFolder, bool phoneManual, CancellationToken cancellationToken)
    {
        // The phone part writes while the script's lines stream in.
        output = TextWriter.Synchronized(output);
        await using var simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions
        {
            AutoSignIn = true,
            AutoSignInDelay = TimeSpan.FromSeconds(1),
        }, cancellationToken);
        output.WriteLine($"OneFlex simulator: app {simulator.AppUrl}, SSO {simulator.SsoUrl} (the sign-in page fills itself in, until the phone part)");

        var root = Directory.CreateTempSubdirectory("oneflex-demo-").FullName;
        var botFolder = Path.Combine(root, "oneflex");
        var profile = Path.Combine(root, "browser-profile");
        WriteBotFolder(botFolder, simulator);
        output.WriteLine($"Bot folder: {botFolder} (.env and config/.env hold an expired token and the bot's other settings)");

        using var display = NeedsDisplay() ? new XvfbServer() : null;
        if (display is not null)
        {
            output.WriteLine(display.Available ? $"No screen here: the browser window opens on Xvfb {display.Display}." : $"No screen, and no Xvfb ({display.MissingReason}): the first, interactive sign-in will fail.");
        }

        await using var engine = new LocalDockerEngine();
        await engine.StartAsync();
        if (engine.MissingReason is null)
        {
            await engine.CreateBotAsync(BotName, Path.Combine(botFolder, "config"));
            output.WriteLine($"Docker: a private engine at {engine.DockerHost} runs the bot container '{BotName}' (it prints config/.env when it starts).");
        }
        else
        {
            output.WriteLine($"Docker: no engine for the demo ({engine.MissingReason}); the restart step is skipped.");
        }

        var startedBefore = engine.MissingReason is null ? await engine.StartedAtAsync(BotName) : default;
        var script = new List<string> { "-BaseUrl", simulator.AppUrl.ToString(), "-BotFolder", botFolder, "-ProfilePath", profile, "-BotName", BotName };
        if (engine.MissingReason is null)
        {
            script.AddRange(new[] { "-DockerHost", engine.DockerHost });
        }

        var displayVariables = display is { Available: true }
            ? new Dictionary<string, string?> { ["DISPLAY"] = display.Display, ["WAYLAND_DISPLAY"] = null }
            : new Dictionary<string, string?>();
        var exitCode = await RunDemoScriptAsync(output, repositoryRoot, script, displayVariables, cancellationToken);

        if (exitCode == 0 && engine.MissingReason is null)
        {
            exitCode = await BotRestartedOnSavedTokenAsync(output, engine, botFolder, startedBefore) ? 0 : 1;
        }

        var phoneSkipped = false;
        if (exitCode == 0)
        {
            var phone = new PhoneSignInDemo(output, repositoryRoot, simulator, engine, botFolder, profile);
            exitCode = phoneManual ? await phone.RunManualAsync(cancellationToken) : await phone.RunScriptedAsync(cancellationToken);
            phoneSkipped = phone.Skipped;
        }

        var how = phoneSkipped ? "headless (the sign-in from a phone skipped)" : "headless and then signed in again from a phone";
        output.WriteLine(exitCode != 0 ? "Demo failed: see the errors above."
            : engine.MissingReason is null ? $"Demo finished: tokens renewed {how}, saved, and the bot restarted."
            : $"Demo finished: tokens renewed {how} and saved (no Docker engine, so no bot to restart).");
        if (!keepBotFolder)
        {
            TryDelete(root);
        }

        return exitCode;
    }

    /// <summary>Whether the bot container restarted after <paramref name="startedBefore"/> and its log shows the token config/.env holds; says which.</summary>
    internal static async Task<bool> BotRestartedOnSavedTokenAsync(TextWriter output, LocalDockerEngine engine, string botFolder, DateTimeOffset startedBefore)
    {
        var saved = EnvFileReader.ReadValues(Path.Combine(botFolder, "config", ".env"))[EnvKeys.AccessToken];
        var log = await engine.WaitForLogAsync(BotName, saved, TimeSpan.FromSeconds(20));
        var logShowsToken = log.Contains(saved, StringComparison.Ordinal);
        var restarted = await engine.StartedAtAsync(BotName) > startedBefore;
        output.WriteLine(restarted ? $"The bot container '{BotName}' restarted." : $"The bot container '{BotName}' did not restart.");
        output.WriteLine(logShowsToken
            ? $"The bot's log, after its restart, shows the new token ({SecretMask.Mask(saved)})."
            : "The bot's log does not show the new token.");
        return restarted && logShowsToken;
    }

    private static bool NeedsDisplay() =>
        OperatingSystem.IsLinux()
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    private static void WriteBotFolder(string botFolder, OneFlexSimulator simulator)
    {
        var issued = DateTimeOffset.UtcNow.AddHours(-2);
        var expired = simulator.CreateAccessToken(issued, issued.AddMinutes(15));
        var env = $"""
            # Configuration du bot OneFlex — réservation automatique des bureaux
            ONEFLEX_TOKEN={expired}
            ONEFLEX_REFRESH_TOKEN=00000000000000000000

            # Bureaux préférés (étage 3, près de la fenêtre)
            DESK_IDS=3-014,3-015
            BOOKING_DAYS="lundi,mardi,jeudi"
            NOTIFICATION_WEBHOOK_URL=https://discord.example/api/webhooks/123/abc
            export SMTP_FROM='bot@example.com'  # expéditeur des alertes

            """.Replace("\n", Environment.NewLine);
        Directory.CreateDirectory(Path.Combine(botFolder, "config"));
        File.WriteAllText(Path.Combine(botFolder, ".env"), env);
        File.Copy(Path.Combine(botFolder, ".env"), Path.Combine(botFolder, "config", ".env"));
        File.WriteAllText(Path.Combine(botFolder, "compose.yaml"), $"services:\n  bot:\n    image: oneflex-bot\n    container_name: {BotName}\n    volumes:\n      - ./config:/app/config\n");
    }

    /// <summary>
    /// Runs examples/demo.ps1 in the pinned pwsh from the repository root (after <c>dotnet tool restore</c>), streaming
    /// what it prints; returns its exit code. Ctrl+C stops it with its browser.
    /// </summary>
    private static async Task<int> RunDemoScriptAsync(TextWriter output, string repositoryRoot, IEnumerable<string> scriptArguments, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var restore = new List<string>();
        var restored = await RunDotnetAsync(restore.Add, repositoryRoot, new[] { "tool", "restore" }, environment, cancellationToken);
        if (restored != 0)
        {
            output.WriteLine($"'dotnet tool restore' failed (exit {restored}), so the pinned pwsh is not there:");
            restore.ForEach(output.WriteLine);
            return restored;
        }

        return await RunExampleAsync(output.WriteLine, "demo.ps1", repositoryRoot, scriptArguments, environment, cancellationToken);
    }

    /// <summary>Runs examples/<paramref name="script"/> in the pinned pwsh (restored already), each line it prints to <paramref name="writeLine"/>; returns its exit code.</summary>
    internal static Task<int> RunExampleAsync(Action<string> writeLine, string script, string repositoryRoot, IEnumerable<string> scriptArguments, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        writeLine($"Running examples/{script} in the pinned pwsh: dotnet tool run pwsh -NoProfile -NonInteractive -File examples/{script} ...");
        var pwsh = new[] { "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine("examples", script) }.Concat(scriptArguments);
        return RunDotnetAsync(writeLine, repositoryRoot, pwsh, environment, cancellationToken);
    }

    private static async Task<int> RunDotnetAsync(Action<string> writeLine, string workingDirectory, IEnumerable<string> arguments, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var gate = new object();
        DataReceivedEventHandler forward = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    writeLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += forward;
        process.ErrorDataReceived += forward;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (gate)
            {
                writeLine("Cancelled.");
            }

            return 130;
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
