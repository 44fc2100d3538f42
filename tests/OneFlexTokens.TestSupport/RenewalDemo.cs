using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OneFlex.Simulator;
using OneFlexTokens.Common;
using OneFlexTokens.EnvFiles;

namespace OneFlexTokens.TestSupport;

/// <summary>What the demo did, for the test that runs it.</summary>
public sealed record DemoReport(int ExitCode, string BotFolder, bool BotRestarted, bool BotLogShowsNewToken, string? DockerMissingReason);

/// <summary>
/// The main job: starts the OneFlex simulator, a bot folder, a display and (where it can) a Docker engine with a
/// bot container, then runs examples/demo.ps1 — the real renewal pipeline — in a real PowerShell engine.
/// </summary>
public static class RenewalDemo
{
    public const string BotName = "oneflex-bot";

    public static async Task<DemoReport> RunAsync(TextWriter output, string repositoryRoot, bool keepBotFolder, CancellationToken cancellationToken)
    {
        await using var simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions
        {
            AutoSignIn = true,
            AutoSignInDelay = TimeSpan.FromSeconds(1),
        }, cancellationToken);
        output.WriteLine($"OneFlex simulator: app {simulator.AppUrl}, SSO {simulator.SsoUrl} (the sign-in page fills itself in)");

        var root = Directory.CreateTempSubdirectory("oneflex-demo-").FullName;
        var botFolder = Path.Combine(root, "oneflex");
        var profile = Path.Combine(root, "browser-profile");
        WriteBotFolder(botFolder, simulator);
        output.WriteLine($"Bot folder: {botFolder} (.env and config/.env hold an expired token and the bot's other settings)");

        using var display = NeedsDisplay() ? new XvfbServer() : null;
        using var displayScope = display is { Available: true } ? display.Use() : null;
        if (display is not null)
        {
            output.WriteLine(display.Available ? $"No screen here: the browser window opens on Xvfb {display.Display}." : "No screen, and Xvfb could not be started (apt-get install xvfb xauth): the first, interactive sign-in will fail.");
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
        var exitCode = RunScript(output, Path.Combine(repositoryRoot, "examples", "demo.ps1"), new Dictionary<string, object?>
        {
            ["BaseUrl"] = simulator.AppUrl.ToString(),
            ["BotFolder"] = botFolder,
            ["ProfilePath"] = profile,
            ["DockerHost"] = engine.MissingReason is null ? engine.DockerHost : null,
            ["BotName"] = BotName,
        }, cancellationToken);

        var restarted = false;
        var logShowsToken = false;
        if (exitCode == 0 && engine.MissingReason is null)
        {
            var saved = EnvFileReader.ReadValues(Path.Combine(botFolder, "config", ".env"))[EnvKeys.AccessToken];
            var log = await engine.WaitForLogAsync(BotName, saved, TimeSpan.FromSeconds(20));
            logShowsToken = log.Contains(saved, StringComparison.Ordinal);
            restarted = await engine.StartedAtAsync(BotName) > startedBefore;
            output.WriteLine(logShowsToken
                ? $"The bot's log, after its restart, shows the new token ({SecretMask.Mask(saved)})."
                : "The bot's log does not show the new token.");
            exitCode = restarted && logShowsToken ? 0 : 1;
        }

        output.WriteLine(exitCode == 0 ? "Demo finished: tokens renewed, saved and the bot restarted." : "Demo failed: see the errors above.");
        if (!keepBotFolder)
        {
            TryDelete(root);
        }

        return new DemoReport(exitCode, botFolder, restarted, logShowsToken, engine.MissingReason);
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

    private static int RunScript(TextWriter output, string script, Dictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand(script);
        foreach (var (name, value) in parameters.Where(p => p.Value is not null))
        {
            ps.AddParameter(name, value);
        }

        ps.Streams.Information.DataAdded += (_, e) => output.WriteLine(ps.Streams.Information[e.Index].MessageData);
        ps.Streams.Warning.DataAdded += (_, e) => output.WriteLine("WARNING: " + ps.Streams.Warning[e.Index].Message);
        ps.Streams.Error.DataAdded += (_, e) => output.WriteLine("ERROR: " + ps.Streams.Error[e.Index]);
        using var stop = cancellationToken.Register(() => ps.BeginStop(null, null));
        try
        {
            ps.Invoke();
            return ps.HadErrors ? 1 : 0;
        }
        catch (RuntimeException failure)
        {
            output.WriteLine($"ERROR: {failure.ErrorRecord.FullyQualifiedErrorId}: {failure.Message}");
            return 1;
        }
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
