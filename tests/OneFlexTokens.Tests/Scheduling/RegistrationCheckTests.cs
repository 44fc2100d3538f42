using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>
/// A registration that proves itself, for another account (root registering in a throwaway user's crontab): pwsh
/// installed as a shared .NET tool is installed (by root, files 0744, no chmod), the command run as cron will run it
/// before anything is written, and refused with ScheduledCommandNotRunnable when that account cannot run it. Also the
/// planted sign-in command of issue 16: the bot folder's owner writes it, root's Get-OneFlexRenewal never shows it.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RegistrationCheckTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);
    private readonly ThrowawayUser _user = new();
    private readonly string _shared = Directory.CreateTempSubdirectory("oneflex-shared-").FullName;

    public RegistrationCheckTests()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_shared, (UnixFileMode)Convert.ToInt32("755", 8));
        }
    }

    public void Dispose()
    {
        try
        {
            if (_user.Name is not null)
            {
                new CrontabProgram(_user.Name).Write(Array.Empty<byte>());
            }
        }
        finally
        {
            _user.Dispose();
            Directory.Delete(_shared, recursive: true);
        }
    }

    private void Require()
    {
        Requirements.RequireUnix();
        Skip.IfNot(OperatingSystem.IsLinux(), "runuser and useradd are Linux's");
        _user.Require();
        Requirements.Require(File.Exists("/usr/bin/crontab"), "the crontab program is missing (Debian: apt-get install cron; tests/install-deps.sh does)");
    }

    private IRenewalRegistrar Scheduler() => RenewalRegistrar.For(HostPlatform.Current, _user.Name);

    /// <summary>$PSHOME of pwsh installed by root as a .NET tool in a tool path every account can enter, as dotnet installs it.</summary>
    private string SharedToolPwshHome()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, ".config", "dotnet-tools.json")));
        var version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        var tools = Path.Combine(_shared, "tools");
        Run("dotnet", "tool", "install", "PowerShell", "--version", version, "--tool-path", tools);
        var pwshDll = Directory.GetFiles(Path.Combine(tools, ".store"), "pwsh.dll", SearchOption.AllDirectories)
            .Single(path => Path.GetFileName(Path.GetDirectoryName(path)) == "unix");
        return Path.GetDirectoryName(pwshDll)!;
    }

    /// <summary>A bot folder of the account, with a token that is not due: a run would end at once.</summary>
    private string BotFolder(string? configEnv = null)
    {
        var bot = Directory.CreateDirectory(Path.Combine(_shared, "bot l'été 100%")).FullName;
        Directory.CreateDirectory(Path.Combine(bot, "config"));
        File.WriteAllText(Path.Combine(bot, "config", ".env"), configEnv ?? $"ONEFLEX_TOKEN={TestJwt.Valid(TimeSpan.FromHours(2))}\n");
        Run("chown", "-R", $"{_user.Uid}:{_user.Gid}", bot);
        return bot;
    }

    private RenewalSetupOptions Options(string bot, string moduleBase, string psHome) => new()
    {
        Run = new RenewalOptions { BotFolder = bot, NoBrowser = true },
        ModuleBase = moduleBase,
        PSHome = psHome,
    };

    [SkippableFact]
    public void Finding_7_the_tools_apphost_the_account_cannot_execute_is_refused_with_what_it_said()
    {
        Require();
        var psHome = SharedToolPwshHome();
        var apphost = Path.Combine(psHome, "pwsh");
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(apphost) & (UnixFileMode.GroupExecute | UnixFileMode.OtherExecute));
        var scheduler = Scheduler();
        var bot = BotFolder();

        // The line Register used to write: $PSHOME/pwsh, whatever the account could start.
        var plan = scheduler.Plan(new RenewalRequest
        {
            BotFolder = bot,
            PwshPath = apphost,
            ScriptPath = RenewalSetup.ScriptPath(_user.ReadableCopy(RepoPaths.ModuleDirectory)),
            DotnetRoot = PwshInstall.DotnetRootFor(psHome, RuntimeEnvironment.GetRuntimeDirectory(), HostPlatform.Current),
            Run = new RenewalOptions { BotFolder = bot, NoBrowser = true },
        });
        var error = Assert.Throws<OneFlexException>(() => scheduler.Check(plan));

        Assert.Equal(ErrorIds.ScheduledCommandNotRunnable, error.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, error.Category);
        Assert.Contains("(exit 126)", error.Message);
        Assert.Contains("Permission denied", error.Message);
        Assert.Empty(new CrontabProgram(_user.Name).Read());
        Assert.False(Directory.Exists(Path.Combine(bot, ".oneflextokens")));
    }

    [SkippableFact]
    public void A_module_folder_the_account_cannot_read_is_refused()
    {
        Require();
        var scheduler = Scheduler();
        var bot = BotFolder();
        // A copy of the module in a folder only root can enter (as a checkout under /root would be).
        var hidden = Directory.CreateTempSubdirectory("oneflex-private-").FullName;
        try
        {
            CopyFolder(RepoPaths.ModuleDirectory, Path.Combine(hidden, "OneFlexTokens"));
            var request = RenewalSetup.Request(Options(bot, Path.Combine(hidden, "OneFlexTokens"), SharedToolPwshHome()), HostPlatform.Current, scheduler.Account);

            var error = Assert.Throws<OneFlexException>(() => scheduler.Check(scheduler.Plan(request)));

            Assert.Equal(ErrorIds.ScheduledCommandNotRunnable, error.ErrorId);
            Assert.True(error.Message.Contains("Update-OneFlexBot.ps1", StringComparison.Ordinal), error.Message);
            Assert.Empty(new CrontabProgram(_user.Name).Read());
        }
        finally
        {
            Directory.Delete(hidden, recursive: true);
        }
    }

    [SkippableFact]
    public void A_shared_NET_tool_pwsh_is_started_through_the_dotnet_host_and_the_registered_line_runs_as_cron_runs_it()
    {
        Require();
        var scheduler = Scheduler();
        var bot = BotFolder();
        var psHome = SharedToolPwshHome();
        var request = RenewalSetup.Request(Options(bot, _user.ReadableCopy(RepoPaths.ModuleDirectory), psHome), HostPlatform.Current, scheduler.Account);

        var dotnetRoot = PwshInstall.DotnetRootFor(psHome, RuntimeEnvironment.GetRuntimeDirectory(), HostPlatform.Current)!;
        Assert.Equal(Path.Combine(dotnetRoot, "dotnet"), request.PwshPath);
        Assert.Equal(new[] { Path.Combine(psHome, "pwsh.dll") }, request.PwshArguments);
        // Root itself can execute the apphost: its own registration keeps $PSHOME/pwsh.
        Assert.Equal(Path.Combine(psHome, "pwsh"), RenewalSetup.Request(Options(bot, RepoPaths.ModuleDirectory, psHome), HostPlatform.Current).PwshPath);

        var plan = scheduler.Plan(request);
        scheduler.Check(plan);
        Assert.False(Directory.Exists(Path.Combine(bot, ".oneflextokens")), "the check writes nothing");
        scheduler.Register(plan);

        // The line as cron runs it: its command after cron's % rule, to sh, as the account, in an empty environment.
        var entry = Assert.Single(CrontabEntries.Find(new CrontabProgram(_user.Name).Read()));
        Assert.Equal(plan.Registration.Command, entry.Command);
        var output = _user.Run(ProcessTimeout, "/usr/bin/env", "-i", "HOME=/", "SHELL=/bin/sh", $"LOGNAME={_user.Name}", "/bin/sh", "-c", CrontabEntries.UnescapeFromCron(entry.Command));
        Assert.Equal(string.Empty, output);
        // The account's own log: root reads its lines as text (RenewalLog.ReadRuns would refuse another account's state).
        var run = Assert.Single(File.ReadAllLines(Path.Combine(bot, ".oneflextokens", "renewal.log")).Select(RenewalLog.ParseOutcome).OfType<RenewalRun>());
        Assert.Equal(RenewalOutcome.NothingDue, run.Outcome);
    }

    [SkippableFact]
    public void A_sign_in_command_planted_by_the_bot_folders_owner_is_never_shown_to_root()
    {
        Require();
        // No token yet: a human must sign in, so Get-OneFlexRenewal shows a command whatever the log says.
        var bot = BotFolder(configEnv: "DESK_IDS=3-014\n");
        const string Planted = "Import-Module '/home/attacker/OneFlexTokens.psd1'; Get-OneFlexToken";

        // The attacker: the bot folder's owner writes the file the runs used to keep, and a run that needed a human.
        _user.Run(ProcessTimeout, "/bin/sh", "-c",
            "mkdir -p \"$1/.oneflextokens\" && printf '%s\\n' \"$2\" > \"$1/.oneflextokens/sign-in-command.txt\" && "
            + "printf '%s\\n' \"$3 RESULT SignInRequired exit=2 error=RefreshTokenRejected The service rejected the refresh token.\" > \"$1/.oneflextokens/renewal.log\"",
            "sh", bot, Planted, DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));

        // The attacked: root reads the status. The state folder is the attacker's: nothing in it is shown (StateNotTrusted).
        using var session = new PowerShellSession();
        var result = session.Invoke("Get-OneFlexRenewal -BotFolder $args[0] -WarningAction SilentlyContinue", bot);

        Assert.Empty(result.Output);
        Assert.Equal(ErrorIds.StateNotTrusted, ModuleErrors.IdOf(Assert.Single(result.Errors)));
        Assert.DoesNotContain("attacker", result.Errors[0].ToString());
        Assert.Equal(Planted + "\n", File.ReadAllText(Path.Combine(bot, ".oneflextokens", "sign-in-command.txt")));

        // Root's own state folder with the file an earlier version kept there: still never shown, the command is rebuilt.
        var state = Path.Combine(bot, ".oneflextokens");
        Run("chown", "-R", "root:root", state);
        Run("chmod", "-R", "go-w", state);
        result = session.Invoke("Get-OneFlexRenewal -BotFolder $args[0] -WarningAction SilentlyContinue", bot);

        Assert.Empty(result.Errors);
        var status = (RenewalStatus)Assert.Single(result.Output).BaseObject;
        Assert.True(status.SignInRequired);
        Assert.DoesNotContain("attacker", status.SignInCommand);
        Assert.Equal(SignInCommand.For(new RenewalOptions { BotFolder = bot }, HostPlatform.Current), status.SignInCommand);
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(source))
        {
            CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }

    private static void Run(string program, params string[] args) => Programs.Run(ProcessTimeout, program, args);
}
