using System.Text;
using System.Xml.Linq;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>The scheduler's decisions for each OS, chosen by passing another <see cref="HostPlatform"/>; the words checked against real parsers.</summary>
public class RenewalSchedulerTests
{
    private const string DsmVersion = "majorversion=\"7\"\nproductversion=\"7.2.1\"\nos_name=\"DSM\"\n";
    private static readonly XNamespace Task = TaskSchedulerDefinition.Namespace;

    private static HostPlatform Host(OSKind os, string? dsmVersion = null, Dictionary<string, string>? env = null) =>
        new(os, name => env is not null && env.TryGetValue(name, out var value) ? value : null, os == OSKind.Windows ? "C:\\Users\\zoë" : "/home/zoë")
        {
            UserName = "zoë",
            ReadSystemFile = path => path == SynologyDsm.VersionFile ? dsmVersion : null,
        };

    /// <summary>A scheduler whose crontab and schtasks programs do not exist: any attempt to run them fails the test.</summary>
    private static RenewalRegistrar Scheduler(HostPlatform host, Func<IReadOnlyList<string>, ProgramRun>? schtasks = null) =>
        RenewalRegistrar.For(host, null, new CrontabProgram(executable: "/nonexistent/crontab"),
            new TaskSchedulerProgram(schtasks ?? (_ => throw new InvalidOperationException("schtasks must not run"))),
            () => new DateTime(2026, 12, 3, 9, 41, 27));

    private static RenewalRequest UnixRequest(string folder = "/volume1/docker/my bot \"été\" 100%") => new()
    {
        BotFolder = folder,
        PwshPath = "/opt/power shell/pwsh",
        ScriptPath = "/opt/modules/it's/OneFlexTokens/Scripts/Update-OneFlexBot.ps1",
        Run = new RenewalOptions { BotFolder = folder, ProfilePath = "/home/zoë/.local/share/profile", DockerHost = "unix:///var/run/docker.sock" },
        BrowserDirectory = "/usr/lib/chromium",
        DotnetRoot = "/usr/share/dotnet",
    };

    private static RenewalRequest WindowsRequest() => new()
    {
        BotFolder = "C:\\Users\\Zoë\\OneFlex \"bot\"",
        PwshPath = "C:\\Program Files\\PowerShell\\7\\pwsh.exe",
        ScriptPath = "C:\\Users\\Zoë\\Documents\\PowerShell\\Modules\\OneFlexTokens\\Scripts\\Update-OneFlexBot.ps1",
        Run = new RenewalOptions { BotFolder = "C:\\Users\\Zoë\\OneFlex \"bot\"", DockerHost = "tcp://nas.local:2376", MinimumValidity = TimeSpan.FromMinutes(15) },
        Interval = RenewalInterval.From(TimeSpan.FromMinutes(15)),
    };

    [Theory]
    [InlineData(nameof(OSKind.Windows), null, RenewalPlatform.TaskScheduler)]
    [InlineData(nameof(OSKind.Linux), null, RenewalPlatform.Cron)]
    [InlineData(nameof(OSKind.MacOS), null, RenewalPlatform.Cron)]
    [InlineData(nameof(OSKind.Linux), DsmVersion, RenewalPlatform.SynologyDsm)]
    public void The_scheduler_follows_the_platform(string osName, string? dsmVersion, RenewalPlatform expected)
    {
        var os = Enum.Parse<OSKind>(osName);
        Assert.Equal(expected, RenewalRegistrar.PlatformOf(Host(os, dsmVersion)));
        Assert.Equal(expected, Scheduler(Host(os, dsmVersion)).Platform);
    }

    [Fact]
    public void The_id_is_12_hex_digits_of_the_full_paths_sha256_and_ignores_case_only_on_windows()
    {
        var linux = Host(OSKind.Linux);
        var windows = Host(OSKind.Windows);
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("/volume1/docker/oneflex")))[..12].ToLowerInvariant();

        Assert.Equal(expected, RenewalRegistrar.IdFor("/volume1/docker/oneflex", linux));
        Assert.Equal(expected, RenewalRegistrar.IdFor("/volume1/docker/oneflex/", linux));
        Assert.NotEqual(expected, RenewalRegistrar.IdFor("/volume1/docker/OneFlex", linux));
        Assert.Equal(RenewalRegistrar.IdFor("C:\\Bots\\OneFlex", windows), RenewalRegistrar.IdFor("c:\\bots\\oneflex\\", windows));
        Assert.Matches("^[0-9a-f]{12}$", RenewalRegistrar.IdFor("C:\\Bots\\OneFlex", windows));
    }

    [SkippableFact]
    public void The_cron_line_sets_what_cron_lacks_and_sh_gives_back_every_word_after_crons_unescaping()
    {
        Requirements.RequireUnix();
        var request = UnixRequest();
        var plan = Scheduler(Host(OSKind.Linux)).Plan(request);
        var id = RenewalRegistrar.IdFor(request.BotFolder, Host(OSKind.Linux));

        Assert.Equal(RenewalPlatform.Cron, plan.Registration.Platform);
        Assert.Equal("crontab of zoë", plan.Registration.Where);
        Assert.StartsWith("*/10 * * * * ", plan.Text);
        Assert.EndsWith(" >/dev/null " + CrontabEntries.Tag(id), plan.Text);
        Assert.Equal(plan.Text, "*/10 * * * * " + plan.Registration.Command + " " + CrontabEntries.Tag(id));
        Assert.DoesNotContain("\n", plan.Text);
        Assert.DoesNotMatch("[^\\\\]%", plan.Registration.Command);

        // What sh makes of the command cron hands it: the environment, then the program and its arguments.
        var shCommand = CrontabEntries.UnescapeFromCron(plan.Registration.Command).Replace(" >/dev/null", string.Empty, StringComparison.Ordinal);
        var words = ArgumentSplitting.LikeSh("env() { printf '%s\\0' \"$PATH\" \"$HOME\" \"$DOCKER_HOST\" \"$DOTNET_ROOT\"; printf '%s\\0' \"$@\"; }; "
            + shCommand.Replace("'/opt/power shell/pwsh'", "env '/opt/power shell/pwsh'", StringComparison.Ordinal));

        Assert.Equal(new[]
        {
            "/opt/power shell:/usr/lib/chromium:/usr/local/bin:/usr/bin:/bin", "/home/zoë", "unix:///var/run/docker.sock", "/usr/share/dotnet",
            "/opt/power shell/pwsh", "-NoProfile", "-NonInteractive", "-File", request.ScriptPath, "-BotFolder", request.BotFolder,
            "-ProfilePath", request.Run.ProfilePath!,
        }, words);
    }

    [Fact]
    public void Another_interval_sets_the_cron_fields_and_the_minimum_validity_and_options_become_parameters()
    {
        var request = UnixRequest("/srv/bot").WithRun(run => run with
        {
            MinimumValidity = TimeSpan.FromHours(2), NoBrowser = true, BotName = "my-bot", BaseUrl = "https://oneflex.example.com", DockerHost = null, ProfilePath = null,
        }) with
        {
            Interval = RenewalInterval.From(TimeSpan.FromHours(2)), DotnetRoot = null, BrowserDirectory = null, HomeDirectory = "/root",
        };
        var plan = Scheduler(Host(OSKind.Linux)).Plan(request);

        Assert.StartsWith("0 */2 * * * PATH='/opt/power shell:/usr/local/bin:/usr/bin:/bin' HOME=/root '/opt/power shell/pwsh' -NoProfile -NonInteractive -File ", plan.Text);
        Assert.Contains(" -BotFolder /srv/bot -MinimumValidity 7200 -BotName my-bot -BaseUrl https://oneflex.example.com -NoBrowser >/dev/null ", plan.Text);
        Assert.DoesNotContain("DOCKER_HOST", plan.Text);
        Assert.DoesNotContain("DOTNET_ROOT", plan.Text);
        Assert.Equal(TimeSpan.FromHours(2), plan.Registration.Every);
        Assert.Equal("0 */2 * * *", plan.Registration.Schedule);
    }

    [Fact]
    public void A_found_cron_line_gives_back_the_registration_that_was_planned()
    {
        var scheduler = Scheduler(Host(OSKind.Linux));
        var plan = scheduler.Plan(UnixRequest());
        var crontab = CrontabEntries.With(Encoding.UTF8.GetBytes("# mine\n0 3 * * * /backup.sh\n"), plan.Registration.Id, plan.Text);

        var found = Assert.Single(CrontabEntries.Find(crontab));
        Assert.Equal(plan.Registration.Id, found.Id);
        Assert.Equal(plan.Registration.Command, found.Command);
        Assert.Equal(plan.Registration.Schedule, found.Schedule);
    }

    [Fact]
    public void On_windows_the_plan_is_an_s4u_task_whose_arguments_windows_splits_back_whole()
    {
        var request = WindowsRequest();
        var scheduler = Scheduler(Host(OSKind.Windows, env: new() { ["USERDOMAIN"] = "NAS" }));
        var plan = scheduler.Plan(request);
        var id = RenewalRegistrar.IdFor(request.BotFolder, Host(OSKind.Windows));

        var root = XDocument.Parse(plan.Text).Root!;
        Assert.Equal("\\OneFlexTokens\\Renewal-" + id, root.Descendants(Task + "URI").Single().Value);
        Assert.Equal("S4U", root.Descendants(Task + "LogonType").Single().Value);
        Assert.Equal("NAS\\zoë", root.Descendants(Task + "UserId").Single().Value);
        Assert.Equal("PT15M", root.Descendants(Task + "Interval").Single().Value);
        Assert.Equal("2026-12-03T09:41:00", root.Descendants(Task + "StartBoundary").Single().Value);
        Assert.Equal(request.PwshPath, root.Descendants(Task + "Command").Single().Value);
        Assert.Equal(request.BotFolder, root.Descendants(Task + "WorkingDirectory").Single().Value);
        Assert.Equal(new[]
        {
            "-NoProfile", "-NonInteractive", "-WindowStyle", "Hidden", "-File", request.ScriptPath, "-BotFolder", request.BotFolder,
            "-MinimumValidity", "900", "-DockerHost", "tcp://nas.local:2376",
        }, ArgumentSplitting.LikeWindows(root.Descendants(Task + "Arguments").Single().Value));
        Assert.True(plan.Registration.RunsWithoutLogon);
        Assert.Equal("every 15 minutes (PT15M)", plan.Registration.Schedule);
        Assert.Equal("Task Scheduler \\OneFlexTokens\\Renewal-" + id + " (as NAS\\zoë)", plan.Registration.Where);
    }

    [Fact]
    public void The_schtasks_arguments_create_from_the_file_replace_delete_and_query_as_xml()
    {
        Assert.Equal(new[] { "/Create", "/XML", "C:\\Temp\\t.xml", "/TN", "\\OneFlexTokens\\Renewal-0123456789ab", "/F" },
            TaskSchedulerProgram.CreateArguments("C:\\Temp\\t.xml", TaskSchedulerProgram.TaskPath("0123456789ab")));
        Assert.Equal(new[] { "/Delete", "/TN", "\\OneFlexTokens\\Renewal-0123456789ab", "/F" }, TaskSchedulerProgram.DeleteArguments("\\OneFlexTokens\\Renewal-0123456789ab"));
        Assert.Equal(new[] { "/Query", "/XML", "ONE" }, TaskSchedulerProgram.QueryArguments());
    }

    [Fact]
    public void When_s4u_is_refused_the_task_is_registered_with_an_interactive_token_and_a_warning_says_so()
    {
        var definitions = new List<string>();
        ProgramRun Schtasks(IReadOnlyList<string> arguments)
        {
            // The definition file exists while schtasks runs, and is what Plan showed but for the logon type.
            definitions.Add(Encoding.Unicode.GetString(File.ReadAllBytes(arguments[2])[2..]));
            return definitions.Count == 1
                ? new ProgramRun(1, Array.Empty<byte>(), "ERROR: Access is denied.\r\n", false)
                : new ProgramRun(0, Encoding.UTF8.GetBytes("SUCCESS: The scheduled task was successfully created."), string.Empty, false);
        }

        var scheduler = Scheduler(Host(OSKind.Windows), Schtasks);
        var plan = scheduler.Plan(WindowsRequest());
        var outcome = scheduler.Register(plan);

        Assert.Equal(2, definitions.Count);
        Assert.Equal(plan.Text, definitions[0]);
        Assert.Equal(plan.Text.Replace("<LogonType>S4U</LogonType>", "<LogonType>InteractiveToken</LogonType>", StringComparison.Ordinal), definitions[1]);
        Assert.False(outcome.Registration.RunsWithoutLogon);
        var warning = Assert.Single(outcome.Warnings);
        Assert.Contains("runs only while you are signed in", warning);
        Assert.Contains("Access is denied", warning);
        Assert.Contains("Run whether user is logged on or not", warning);
    }

    [Fact]
    public void A_task_read_back_from_schtasks_query_gives_the_registration()
    {
        var scheduler = Scheduler(Host(OSKind.Windows));
        var plan = scheduler.Plan(WindowsRequest());
        var definition = XDocument.Parse(plan.Text).Root!;
        var answer = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Tasks>\r\n  <!-- \\Microsoft\\Other -->\r\n"
            + "<Task version=\"1.2\" xmlns=\"" + TaskSchedulerDefinition.Namespace + "\"><Actions><Exec><Command>x.exe</Command></Exec></Actions></Task>\r\n"
            + "  <!-- " + plan.Task!.TaskPath + " -->\r\n" + definition.ToString().Replace("<URI>" + plan.Task.TaskPath + "</URI>", string.Empty, StringComparison.Ordinal)
            + "\r\n</Tasks>";
        var queried = Scheduler(Host(OSKind.Windows), args => new ProgramRun(0, Encoding.UTF8.GetBytes(answer), string.Empty, false));

        Assert.Equal(plan.Registration, Assert.Single(queried.Find()));
        Assert.Equal(plan.Registration, Assert.Single(queried.Find(plan.Registration.Id)));
        Assert.Empty(queried.Find("000000000000"));
    }

    [Fact]
    public void On_dsm_nothing_is_written_and_the_steps_carry_the_exact_script_the_user_and_the_schedule()
    {
        var scheduler = Scheduler(Host(OSKind.Linux, DsmVersion));
        var plan = scheduler.Plan(UnixRequest().WithRun(run => run with { NoBrowser = true }));

        // The crontab program does not exist here: writing would fail.
        var outcome = scheduler.Register(plan);

        Assert.Equal(RenewalPlatform.SynologyDsm, outcome.Registration.Platform);
        Assert.Equal(plan.Text, outcome.Instructions);
        Assert.Contains(Environment.NewLine + "     " + plan.Registration.Command + Environment.NewLine, plan.Text);
        Assert.Contains("User: zoë", plan.Text);
        Assert.Contains("Every 10 minute(s)", plan.Text);
        Assert.Contains("-NoBrowser", plan.Registration.Command);
        Assert.Contains("100%", plan.Registration.Command);
        Assert.DoesNotContain(">/dev/null", plan.Registration.Command);
        Assert.Empty(scheduler.Find());
        var removal = scheduler.Unregister(plan.Registration.Id);
        Assert.Empty(removal.Removed);
        Assert.Contains("OneFlex token renewal " + plan.Registration.Id, removal.Instructions);
    }

    [Fact]
    public void The_check_runs_the_cron_lines_own_command_after_crons_processing_with_check_added_in_crons_empty_environment()
    {
        var plan = Scheduler(Host(OSKind.Linux)).Plan(UnixRequest());
        var (words, _) = Scheduler(Host(OSKind.Linux)).CheckCommand(plan);

        Assert.Equal(new[] { "/usr/bin/env", "-i", "HOME=/home/zoë", "LOGNAME=zoë", "SHELL=/bin/sh", "PATH=/usr/bin:/bin", "/bin/sh", "-c" }, words.Take(8));
        var command = Assert.Single(words.Skip(8));
        Assert.EndsWith(" -BotFolder '/volume1/docker/my bot \"été\" 100%' -ProfilePath '/home/zoë/.local/share/profile' -Check", command);
        Assert.Equal(CrontabEntries.UnescapeFromCron(plan.Registration.Command.Replace(" >/dev/null", " -Check", StringComparison.Ordinal)), command);
        Assert.DoesNotContain(">/dev/null", command);

        // Another account's crontab: the same words, started as that account.
        var forBot = RenewalRegistrar.For(Host(OSKind.Linux), "bot", new CrontabProgram("bot", "/nonexistent/crontab"), new TaskSchedulerProgram(_ => throw new InvalidOperationException()), () => DateTime.Now);
        var (asBot, folder) = forBot.CheckCommand(forBot.Plan(UnixRequest()));
        Assert.Equal(new[] { "runuser", "-u", "bot", "--", "/usr/bin/env", "-i" }, asBot.Take(6));
        Assert.Contains("LOGNAME=bot", asBot);
        Assert.Equal("/", folder);
        var onMac = RenewalRegistrar.For(Host(OSKind.MacOS), "bot", new CrontabProgram("bot", "/nonexistent/crontab"), new TaskSchedulerProgram(_ => throw new InvalidOperationException()), () => DateTime.Now);
        Assert.Equal(new[] { "sudo", "-n", "-H", "-u", "bot", "--", "/usr/bin/env" }, onMac.CheckCommand(onMac.Plan(UnixRequest())).Words.Take(7));
    }

    [Fact]
    public void The_check_runs_the_windows_tasks_program_and_arguments_directly_and_dsms_script_through_sh()
    {
        var windows = Scheduler(Host(OSKind.Windows));
        var plan = windows.Plan(WindowsRequest());
        var (words, folder) = windows.CheckCommand(plan);

        Assert.Equal(new[] { plan.Task!.Command }.Concat(plan.Task.Arguments).Append("-Check"), words);
        Assert.Equal(WindowsRequest().BotFolder, folder);

        var dsm = Scheduler(Host(OSKind.Linux, DsmVersion));
        var dsmPlan = dsm.Plan(UnixRequest());
        var dsmWords = dsm.CheckCommand(dsmPlan).Words;
        Assert.Equal("/bin/sh", dsmWords[^3]);
        Assert.Equal(dsmPlan.Registration.Command + " -Check", dsmWords[^1]);
    }

    [Fact]
    public void A_registered_command_gives_back_the_runs_options_for_the_sign_in_command()
    {
        var module = Path.GetDirectoryName(RepoPaths.ModuleManifest)!;
        var request = UnixRequest("/srv/l'équipe bot 100%").WithRun(run => run with
        {
            ProfilePath = "/home/zoë/profile d'été", BaseUrl = "https://oneflex.example.com", BotName = "-odd name", NoBrowser = true, MinimumValidity = TimeSpan.FromMinutes(15),
        }) with
        {
            ScriptPath = Path.Combine(module, "Scripts", "Update-OneFlexBot.ps1"),
            Interval = RenewalInterval.From(TimeSpan.FromMinutes(15)),
        };
        var scheduler = Scheduler(Host(OSKind.Linux));
        var plan = scheduler.Plan(request);
        var crontab = CrontabEntries.With(Encoding.UTF8.GetBytes("# mine\n"), plan.Registration.Id, plan.Text);
        var words = PosixShell.Split(CrontabEntries.UnescapeFromCron(Assert.Single(CrontabEntries.Find(crontab)).Command));

        var options = RenewalRegistrar.RunOptionsOf(words)!;

        Assert.Equal(plan.Registration.RunOptions, options);
        Assert.Equal(request.BotFolder, options.BotFolder);
        Assert.Equal(request.Run.ProfilePath, options.ProfilePath);
        Assert.Equal(request.Run.BaseUrl, options.BaseUrl);
        Assert.Equal("-odd name", options.BotName);
        Assert.True(options.NoBrowser);
        Assert.Equal(TimeSpan.FromMinutes(15), options.MinimumValidity);
        Assert.Equal(RepoPaths.ModuleManifest, options.ModuleManifest);
        Assert.StartsWith($"Import-Module '{RepoPaths.ModuleManifest}'; Get-OneFlexToken -ProfilePath '/home/zoë/profile d''été' -BaseUrl 'https://oneflex.example.com' | ",
            OneFlexTokens.Renewal.SignInCommand.For(options, Host(OSKind.Linux)));

        // Not a command this module wrote: no options, so no command is made up from it.
        Assert.Null(RenewalRegistrar.RunOptionsOf(new[] { "/bin/true" }));
        Assert.Null(RenewalRegistrar.RunOptionsOf(null));
        Assert.Null(RenewalRegistrar.RunOptionsOf(new[] { "pwsh", "-File", "/x/Scripts/Update-OneFlexBot.ps1", "-BotFolder" }));
    }

    [Fact]
    public void A_task_read_back_gives_the_runs_options_from_its_arguments()
    {
        var request = WindowsRequest().WithRun(run => run with { ProfilePath = "C:\\Users\\Zoë\\profile \"x\\", NoBrowser = true });
        var plan = Scheduler(Host(OSKind.Windows)).Plan(request);

        var options = RenewalRegistrar.RunOptionsOf(new[] { plan.Task!.Command }.Concat(WindowsCommandLine.Split(WindowsCommandLine.Join(plan.Task.Arguments))).ToList())!;

        Assert.Equal(request.BotFolder, options.BotFolder);
        Assert.Equal(request.Run.ProfilePath, options.ProfilePath);
        Assert.Equal("tcp://nas.local:2376", options.DockerHost);
        Assert.True(options.NoBrowser);
        Assert.Equal(plan.Registration.RunOptions, options);
    }

    [Fact]
    public void Posix_split_reads_back_what_join_wrote()
    {
        var words = new[] { "/a b/pwsh", "it's", "", "é", "100%", "-x" };
        Assert.Equal(words, PosixShell.Split(PosixShell.Join(words)));
        Assert.Null(PosixShell.Split("echo \"$HOME\""));
        Assert.Null(PosixShell.Split("echo 'unterminated"));
    }
}
