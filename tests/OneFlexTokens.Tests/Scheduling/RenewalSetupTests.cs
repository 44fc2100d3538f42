using System.Runtime.InteropServices;
using OneFlexTokens.Common;
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
        BotFolder = botFolder ?? Directory.CreateDirectory(Path.Combine(_root, "bot")).FullName,
        ModuleBase = RepoPaths.ModuleDirectory,
        PSHome = Path.Combine(_root, "pwsh-home"),
    };

    [Fact]
    public void The_request_names_the_pwsh_of_PSHOME_and_the_script_of_the_module()
    {
        var request = RenewalSetup.Request(Options() with { NoBrowser = true, DockerHost = "tcp://nas:2376" }, HostPlatform.Current);

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
            "baseurl" => Options() with { BaseUrl = "http://oneflex.example.com" },
            "webhook" => Options() with { WebhookUrl = "ftp://discord.com/api/webhooks/1/x" },
            _ => Options() with { DockerHost = "tcp://admin:s3cret@nas.local:2376" },
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

    [Fact]
    public void The_saved_webhook_is_owner_only_whole_and_removed_on_request()
    {
        var bot = Options().BotFolder;
        RenewalSetup.SaveWebhook(bot, "https://discord.com/api/webhooks/1/first");
        RenewalSetup.SaveWebhook(bot, "https://discord.com/api/webhooks/1/second");

        var file = RenewalSetup.WebhookFile(bot);
        Assert.Equal("https://discord.com/api/webhooks/1/second\n", File.ReadAllText(file));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(file)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        }

        RenewalSetup.RemoveWebhook(bot);
        Assert.False(File.Exists(file));
        RenewalSetup.RemoveWebhook(bot);
    }
}
