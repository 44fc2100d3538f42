using System.Runtime.InteropServices;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>What Register-OneFlexRenewal checks before anything is planned, and which pwsh needs DOTNET_ROOT.</summary>
public sealed class RenewalSetupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-setup-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private RenewalSetupOptions Options(string? botFolder = null) => new()
    {
        Run = new RenewalOptions { BotFolder = botFolder ?? Directory.CreateDirectory(Path.Combine(_root, "bot")).FullName },
        ModuleBase = RepoPaths.ModuleDirectory,
        PSHome = Path.Combine(_root, "pwsh-home"),
    };

    [Fact]
    public void The_request_names_the_pwsh_of_PSHOME_and_the_script_of_the_module()
    {
        var request = RenewalSetup.Request(Options().WithRun(run => run with { NoBrowser = true, DockerHost = "tcp://nas:2376" }), HostPlatform.Current);

        Assert.Equal(Path.Combine(_root, "pwsh-home", OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh"), request.PwshPath);
        Assert.Equal(Path.Combine(RepoPaths.ModuleDirectory, "Scripts", "Update-OneFlexBot.ps1"), request.ScriptPath);
        Assert.True(File.Exists(request.ScriptPath));
        Assert.Null(request.BrowserDirectory);
        Assert.Null(request.DotnetRoot);
        Assert.Equal(TimeSpan.FromMinutes(10), request.Interval.Every);
    }

    [Theory]
    [InlineData("missing", ErrorIds.RenewalBotFolderNotFound)]
    [InlineData("script", ErrorIds.RenewalScriptNotFound)]
    [InlineData("every", ErrorIds.RenewalIntervalInvalid)]
    [InlineData("baseurl", ErrorIds.InsecureBaseUrl)]
    [InlineData("webhook", ErrorIds.NotificationWebhookInvalid)]
    [InlineData("dockerhost", ErrorIds.InvalidDockerHost)]
    public void What_a_run_would_refuse_is_refused_at_registration_with_its_id(string what, string errorId)
    {
        var options = what switch
        {
            "missing" => Options(Path.Combine(_root, "no-such-bot")),
            "script" => Options() with { ModuleBase = _root },
            "every" => Options() with { Every = TimeSpan.FromMinutes(7) },
            "baseurl" => Options().WithRun(run => run with { BaseUrl = "http://oneflex.example.com" }),
            "webhook" => Options().WithRun(run => run with { WebhookUrl = "ftp://discord.com/api/webhooks/1/x" }),
            _ => Options().WithRun(run => run with { DockerHost = "tcp://admin:s3cret@nas.local:2376" }),
        };

        var error = Assert.Throws<OneFlexException>(() => RenewalSetup.Request(options, HostPlatform.Current));

        Assert.Equal(errorId, error.ErrorId);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [SkippableFact]
    public void A_NET_tool_pwsh_gets_DOTNET_ROOT_of_the_runtime_this_session_runs_on_and_a_self_contained_one_none()
    {
        Requirements.RequireUnix();
        var unix = HostPlatform.Current;
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var expectedRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var tool = Directory.CreateDirectory(Path.Combine(_root, "tool")).FullName;
        File.WriteAllText(Path.Combine(tool, "pwsh.runtimeconfig.json"), """{"runtimeOptions":{"tfm":"net10.0","framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"}}}""");
        var selfContained = Directory.CreateDirectory(Path.Combine(_root, "release")).FullName;
        File.WriteAllText(Path.Combine(selfContained, "pwsh.runtimeconfig.json"), """{"runtimeOptions":{"tfm":"net10.0","includedFrameworks":[{"name":"Microsoft.NETCore.App","version":"10.0.0"}]}}""");

        Assert.Equal(Path.TrimEndingDirectorySeparator(expectedRoot), PwshInstall.DotnetRootFor(tool, runtime, unix));
        Assert.True(File.Exists(Path.Combine(PwshInstall.DotnetRootFor(tool, runtime, unix)!, "dotnet")));
        Assert.Null(PwshInstall.DotnetRootFor(selfContained, runtime, unix));
        Assert.Null(PwshInstall.DotnetRootFor(Path.Combine(_root, "none"), runtime, unix));
        Assert.Null(PwshInstall.DotnetRootFor(tool, runtime, unix with { OS = OSKind.Windows }));
        Assert.Null(PwshInstall.DotnetRootFor(tool, "/opt/elsewhere/", unix));

        // The pinned pwsh of this repository is such a .NET tool.
        var pinned = Path.GetDirectoryName(Directory.GetFiles(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "powershell"), "pwsh.runtimeconfig.json", SearchOption.AllDirectories).FirstOrDefault() ?? tool)!;
        Assert.NotNull(PwshInstall.DotnetRootFor(pinned, runtime, unix));
    }

    public static TheoryData<string, string> UnsafeValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var parameter in new[] { "BotFolder", "ProfilePath", "ProjectDirectory", "BotName", "BaseUrl", "DockerHost", "WebhookUrl" })
        {
            foreach (var character in new[] { "\n", "\r", "\0", "\u001b]0;title\u0007", "\u0085", "\u2028", "\t" })
            {
                data.Add(parameter, character);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UnsafeValues))]
    public void A_value_with_a_control_character_is_refused_naming_the_parameter_and_never_the_value(string parameter, string character)
    {
        var bot = Options().Run.BotFolder;
        var value = parameter switch
        {
            "BotFolder" or "ProfilePath" or "ProjectDirectory" => Path.Combine(bot, "s3cret" + character + "x"),
            "BaseUrl" => "https://oneflex.example.com/s3cret" + character,
            "DockerHost" => "tcp://nas.local:2376/s3cret" + character,
            "WebhookUrl" => "https://discord.com/api/webhooks/1/s3cret" + character + "x",
            _ => "s3cret" + character + "x",
        };
        var options = parameter switch
        {
            "BotFolder" => Options(value),
            "ProfilePath" => Options().WithRun(run => run with { ProfilePath = value }),
            "ProjectDirectory" => Options().WithRun(run => run with { ProjectDirectory = value }),
            "BotName" => Options().WithRun(run => run with { BotName = value }),
            "BaseUrl" => Options().WithRun(run => run with { BaseUrl = value }),
            "DockerHost" => Options().WithRun(run => run with { DockerHost = value }),
            _ => Options().WithRun(run => run with { WebhookUrl = value }),
        };

        var error = Assert.Throws<OneFlexException>(() => RenewalSetup.Request(options, HostPlatform.Current));

        Assert.Equal(ErrorIds.ScheduledValueNotAllowed, error.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.Category);
        Assert.Equal(parameter, error.TargetObject);
        Assert.StartsWith($"-{parameter} holds the control character U+{(int)character[0]:X4} ", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
        Assert.False(Directory.Exists(Path.Combine(bot, ".oneflextokens")));
    }

    [Theory]
    [InlineData("https://oneflex.example.com/?token=s3cret")]
    [InlineData("https://oneflex.example.com/app#s3cret")]
    [InlineData("https://user:pw@oneflex.example.com?s3cret")]
    public void A_base_url_with_a_query_or_fragment_is_refused_without_showing_either(string baseUrl)
    {
        var error = Assert.Throws<OneFlexException>(() => RenewalSetup.Request(Options().WithRun(run => run with { BaseUrl = baseUrl }), HostPlatform.Current));

        Assert.Equal(ErrorIds.ScheduledBaseUrlHasQuery, error.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.Category);
        Assert.DoesNotContain("s3cret", error.Message);
        Assert.DoesNotContain("pw@", error.Message);
        Assert.Contains("oneflex.example.com", error.Message);
    }

    [SkippableFact]
    public void A_bot_folder_reached_through_links_is_registered_as_its_real_folder_with_one_id()
    {
        Requirements.RequireUnix();
        var bot = Options().Run.BotFolder;
        var folderLink = Path.Combine(_root, "bot-link");
        Directory.CreateSymbolicLink(folderLink, bot);
        var parentLink = Path.Combine(_root, "root-link");
        Directory.CreateSymbolicLink(parentLink, _root);
        var relativeLink = Path.Combine(bot, "self");
        Directory.CreateSymbolicLink(relativeLink, "../bot-link");

        foreach (var path in new[] { folderLink, Path.Combine(parentLink, "bot"), Path.Combine(parentLink, "bot-link"), relativeLink })
        {
            Assert.Equal(bot, RenewalSetup.Request(Options(path), HostPlatform.Current).BotFolder);
            Assert.Equal(new[] { RenewalRegistrar.IdFor(bot, HostPlatform.Current), RenewalRegistrar.IdFor(path, HostPlatform.Current) },
                RenewalSetup.IdsOf(path, HostPlatform.Current));
        }

        Assert.Equal(new[] { RenewalRegistrar.IdFor(bot, HostPlatform.Current) }, RenewalSetup.IdsOf(bot, HostPlatform.Current));
        Assert.Equal(Path.Combine(bot, "not-yet"), RenewalSetup.RealBotFolder(Path.Combine(folderLink, "not-yet")));
    }

    [SkippableFact]
    public void A_registration_that_cannot_be_written_leaves_no_webhook_and_puts_an_earlier_one_back()
    {
        Requirements.RequireUnix();
        var scheduler = RenewalRegistrar.For(HostPlatform.Current, null, new CrontabProgram(executable: Path.Combine(_root, "no-crontab")),
            new TaskSchedulerProgram(_ => throw new InvalidOperationException("schtasks must not run")), () => DateTime.Now);
        var options = Options();
        var plan = scheduler.Plan(RenewalSetup.Request(options, HostPlatform.Current));
        var stateFolder = Path.Combine(options.Run.BotFolder, ".oneflextokens");

        var error = Assert.Throws<OneFlexException>(() => scheduler.Register(plan, "https://discord.com/api/webhooks/1/new", Array.Empty<RenewalRegistration>()));
        Assert.Equal(ErrorIds.CrontabUnavailable, error.ErrorId);
        Assert.False(Directory.Exists(stateFolder));

        RenewalRegistrar.SaveWebhook(options.Run.BotFolder, "https://discord.com/api/webhooks/1/earlier");
        Assert.Throws<OneFlexException>(() => scheduler.Register(plan, "https://discord.com/api/webhooks/1/new", Array.Empty<RenewalRegistration>()));
        Assert.Equal("https://discord.com/api/webhooks/1/earlier\n", File.ReadAllText(RenewalRegistrar.WebhookFile(options.Run.BotFolder)));
    }

    [SkippableFact]
    public void A_NET_tool_pwsh_the_account_cannot_execute_is_started_by_the_dotnet_host_with_pwsh_dll()
    {
        Requirements.RequireUnix();
        var linux = HostPlatform.Current with { OS = OSKind.Linux };
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var tool = FrameworkDependentPwsh();
        var dotnetRoot = PwshInstall.DotnetRootFor(tool, runtime, linux)!;
        var asked = new List<string>();

        var cannot = PwshInstall.LauncherFor(tool, runtime, linux, path => { asked.Add(path); return false; });
        var can = PwshInstall.LauncherFor(tool, runtime, linux, _ => true);
        var macOS = PwshInstall.LauncherFor(tool, runtime, linux with { OS = OSKind.MacOS }, _ => false);
        var windows = PwshInstall.LauncherFor(tool, runtime, linux with { OS = OSKind.Windows }, _ => false);

        Assert.Equal(new[] { Path.Combine(tool, "pwsh") }, asked);
        Assert.Equal((Path.Combine(dotnetRoot, "dotnet"), Path.Combine(tool, "pwsh.dll"), dotnetRoot), (cannot.Program, Assert.Single(cannot.Arguments), cannot.DotnetRoot));
        Assert.Equal((Path.Combine(tool, "pwsh"), 0, dotnetRoot), (can.Program, can.Arguments.Count, can.DotnetRoot));
        Assert.Equal((Path.Combine(dotnetRoot, "dotnet"), Path.Combine(tool, "pwsh.dll")), (macOS.Program, Assert.Single(macOS.Arguments)));
        // Windows' pwsh.exe finds its runtime itself and has no execute bit to lack.
        Assert.Equal((Path.Combine(tool, "pwsh.exe"), 0, (string?)null), (windows.Program, windows.Arguments.Count, windows.DotnetRoot));

        // A self-contained pwsh (the release packages) is never replaced, nor is the apphost when there is no pwsh.dll.
        var selfContained = Directory.CreateDirectory(Path.Combine(_root, "release")).FullName;
        File.WriteAllText(Path.Combine(selfContained, "pwsh.runtimeconfig.json"), """{"runtimeOptions":{"includedFrameworks":[{"name":"Microsoft.NETCore.App","version":"10.0.0"}]}}""");
        Assert.Equal(Path.Combine(selfContained, "pwsh"), PwshInstall.LauncherFor(selfContained, runtime, linux, _ => false).Program);
        File.Delete(Path.Combine(tool, "pwsh.dll"));
        Assert.Equal(Path.Combine(tool, "pwsh"), PwshInstall.LauncherFor(tool, runtime, linux, _ => false).Program);
    }

    private string FrameworkDependentPwsh()
    {
        var tool = Directory.CreateDirectory(Path.Combine(_root, "tool-with-dll")).FullName;
        File.WriteAllText(Path.Combine(tool, "pwsh.runtimeconfig.json"), """{"runtimeOptions":{"tfm":"net10.0","framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"}}}""");
        File.WriteAllText(Path.Combine(tool, "pwsh.dll"), "not run here");
        return tool;
    }

    [Fact]
    public void The_registration_time_is_kept_in_the_state_folder_and_removed_on_request()
    {
        var bot = Options().Run.BotFolder;
        var at = new DateTimeOffset(2026, 12, 7, 4, 30, 15, TimeSpan.FromHours(1));

        RenewalRegistrar.SaveRegisteredAt(bot, at);

        Assert.Equal(at, new OneFlexTokens.Renewal.RenewalState(Path.Combine(bot, ".oneflextokens")).RegisteredAt);
        RenewalRegistrar.RemoveRegistrationState(bot);
        Assert.Null(new OneFlexTokens.Renewal.RenewalState(Path.Combine(bot, ".oneflextokens")).RegisteredAt);
        Assert.Empty(Directory.GetFiles(Path.Combine(bot, ".oneflextokens")));
    }

    [Fact]
    public void The_saved_webhook_is_owner_only_whole_and_removed_on_request()
    {
        var bot = Options().Run.BotFolder;
        RenewalRegistrar.SaveWebhook(bot, "https://discord.com/api/webhooks/1/first");
        RenewalRegistrar.SaveWebhook(bot, "https://discord.com/api/webhooks/1/second");

        var file = RenewalRegistrar.WebhookFile(bot);
        Assert.Equal("https://discord.com/api/webhooks/1/second\n", File.ReadAllText(file));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        }

        RenewalRegistrar.RemoveRegistrationState(bot);
        Assert.False(File.Exists(file));
        RenewalRegistrar.RemoveRegistrationState(bot);
    }
}
