using System.Collections;
using OneFlexTokens.Errors;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>
/// The scheduled script's -Check (ScheduledRenewal.Check): ready or one reason, and nothing written, locked or logged;
/// and Get-OneFlexRenewal's view of runs that never start.
/// </summary>
public sealed class ScheduledCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-check-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private string Bot(string? configEnv = "ONEFLEX_TOKEN=x\n")
    {
        var bot = Directory.CreateDirectory(Path.Combine(_root, "bot " + Guid.NewGuid().ToString("N")[..6])).FullName;
        if (configEnv is not null)
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(bot, "config")).FullName, ".env"), configEnv);
        }

        return bot;
    }

    private static ScheduledCheck Check(Hashtable parameters, string? currentDirectory = null) =>
        ScheduledRenewal.Check(parameters, RepoPaths.ModuleDirectory, currentDirectory ?? Path.GetTempPath());

    private static string[] Entries(string folder) =>
        Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_bot_folder_a_run_could_start_in_is_ready_and_nothing_is_written_there()
    {
        var bot = Bot();
        var before = Entries(bot);

        var check = Check(new Hashtable { ["BotFolder"] = Path.GetFileName(bot), ["MinimumValidity"] = 600, ["Check"] = true }, _root);

        Assert.Equal(0, check.ExitCode);
        Assert.Null(check.ErrorId);
        Assert.Equal($"Ready (exit 0): a scheduled run of {bot} can start.", check.ToString());
        Assert.Equal(before, Entries(bot));
        Assert.False(Directory.Exists(Path.Combine(bot, ".oneflextokens")));
    }

    [Fact]
    public void A_bot_without_config_env_yet_is_ready_too()
    {
        Assert.Equal(0, Check(new Hashtable { ["BotFolder"] = Bot(configEnv: null) }).ExitCode);
    }

    [Theory]
    [InlineData("missing", ErrorIds.RenewalBotFolderNotFound)]
    [InlineData("duration", ErrorIds.InvalidTimeout)]
    [InlineData("config-is-a-folder", ErrorIds.EnvPathIsDirectory)]
    [InlineData("state-is-a-file", ErrorIds.RenewalStateNotWritable)]
    public void What_a_run_would_fail_on_is_one_line_with_its_id_and_exit_1(string what, string errorId)
    {
        var bot = Bot(configEnv: what == "config-is-a-folder" ? null : "ONEFLEX_TOKEN=x\n");
        var parameters = new Hashtable { ["BotFolder"] = bot };
        switch (what)
        {
            case "missing":
                parameters["BotFolder"] = Path.Combine(_root, "no such bot");
                break;
            case "duration":
                parameters["LockTimeout"] = "soon";
                break;
            case "config-is-a-folder":
                Directory.CreateDirectory(Path.Combine(bot, "config", ".env"));
                break;
            default:
                File.WriteAllText(Path.Combine(bot, "state"), string.Empty);
                parameters["StatePath"] = Path.Combine(bot, "state", "inner");
                break;
        }

        var before = Directory.Exists(bot) ? Entries(bot) : Array.Empty<string>();
        var check = Check(parameters);

        Assert.Equal(1, check.ExitCode);
        Assert.Equal(errorId, check.ErrorId);
        Assert.StartsWith($"NotReady (exit 1): {errorId}: ", check.ToString());
        Assert.DoesNotContain('\n', check.ToString());
        Assert.Equal(before, Directory.Exists(bot) ? Entries(bot) : Array.Empty<string>());
    }

    [Theory]
    [InlineData(25, false, true)]
    [InlineData(15, false, false)]
    [InlineData(25, true, false)]
    public void Runs_not_starting_are_said_when_none_is_logged_two_intervals_after_the_registration(int registeredMinutesAgo, bool runAfterIt, bool notStarting)
    {
        var bot = Bot();
        var now = DateTimeOffset.Now;
        RenewalRegistrar.SaveRegisteredAt(bot, now.AddMinutes(-registeredMinutesAgo));
        var options = new RenewalOptions { BotFolder = bot };
        var log = new RenewalLog(options.LogFile);
        if (runAfterIt)
        {
            log.Outcome(RenewalOutcome.Failed, ErrorIds.DockerUnreachable, "down");
        }

        var registration = new RenewalRegistration("0123456789ab", bot, TimeSpan.FromMinutes(10), "*/10 * * * *", "pwsh …", RenewalPlatform.Cron, "crontab of zoë", true);

        var status = RenewalStatus.Read(options, 5, () => "sign in", now, registration);
        var unregistered = RenewalStatus.Read(options, 5, () => "sign in", now);

        Assert.Equal(notStarting, status.RunsNotStarting);
        Assert.Equal(notStarting, status.RunsProblem is not null);
        Assert.False(unregistered.RunsNotStarting);
        if (notStarting)
        {
            Assert.StartsWith("No run has been logged since the renewal was registered, more than 20 min (two intervals) ago", status.RunsProblem);
        }
    }
}
