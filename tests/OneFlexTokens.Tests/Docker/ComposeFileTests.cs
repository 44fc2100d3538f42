using System.Diagnostics;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>The compose file reader (top-level services: and name:) and -Service completion from it, through TabExpansion2 in the hosted engine.</summary>
public sealed class ComposeFileTests : IDisposable
{
    private const string BotCompose = """
        # The OneFlex bot, on the NAS
        name: oneflex
        x-common: &common
          restart: unless-stopped
        services:
          bot:
            <<: *common
            container_name: oneflex-bot
            image: ghcr.io/example/oneflex-bot:latest   # pinned by hand
            command: |
              run --desk 42
              notifier: not a service
            environment:
              TZ: Europe/Paris

          "notifier":
            image: busybox
          'db.cache':
            image: redis
        # a comment at the top
        volumes:
          data: {}
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-composefile-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string name, string? compose = BotCompose, string file = "compose.yaml")
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        if (compose is not null)
        {
            File.WriteAllText(Path.Combine(folder, file), compose);
        }

        return folder;
    }

    private static string[] Complete(PowerShellSession session, string line) =>
        session.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", line)
            .ThrowOnError().Output.Where(o => o is not null).Select(o => (string)o.BaseObject).ToArray();

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", new[] { path });
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public void Only_the_keys_of_the_top_level_services_block_are_services()
    {
        Assert.Equal(new[] { "bot", "notifier", "db.cache" }, ComposeFile.ReadServiceNames(BotCompose));
        Assert.Equal("oneflex", ComposeFile.ReadTopLevelName(BotCompose));
    }

    [Theory]
    [InlineData("services:\r\n    bot:\r\n        image: x\r\n    web:\r\n        image: y\r\n", "bot,web")]
    [InlineData("version: '3'\nservices:\n  bot:\n    image: x\nnetworks:\n  web:\n    driver: bridge\n", "bot")]
    [InlineData("services: {}\n", "")]
    [InlineData("services:\n", "")]
    [InlineData("other:\n  services:\n    bot: {}\n", "")]
    [InlineData("services:\n  bot: {image: x}\n  web:  # the web\n    image: y\n  - not: a key\n", "bot,web")]
    [InlineData("---\nservices:\n  bot:\n    image: x\n...\n", "bot")]
    [InlineData("services:\n  \"bad name\":\n    image: x\n  ok:\n    image: y\n  <<: *base\n", "ok")]
    [InlineData("services:\n\tbot:\n\t\timage: x\n", "")]
    [InlineData("services:\n  bot:\n    image: x\n services-typo:\n", "bot")]
    public void Block_style_services_are_read_and_anything_else_gives_nothing(string yaml, string expected) =>
        Assert.Equal(expected, string.Join(",", ComposeFile.ReadServiceNames(yaml)));

    [Fact]
    public void A_line_that_is_long_and_full_of_blanks_is_read_in_linear_time()
    {
        var hostile = "services:\n  a" + new string(' ', 900_000) + "x\n  bot:\n    image: x\n";
        var clock = Stopwatch.StartNew();

        var services = ComposeFile.ReadServiceNames(hostile);

        Assert.Equal(new[] { "bot" }, services);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void The_override_file_adds_services_and_its_name_wins_and_a_link_is_followed()
    {
        var folder = Folder("with-override");
        File.WriteAllText(Path.Combine(folder, "compose.override.yaml"), "name: oneflex-dev\nservices:\n  bot:\n    environment: {DEBUG: '1'}\n  debugger:\n    image: x\n");
        var linked = Folder("linked", compose: null);
        File.CreateSymbolicLink(Path.Combine(linked, "docker-compose.yml"), Path.Combine(folder, "compose.yaml"));

        Assert.Equal(new[] { "bot", "notifier", "db.cache", "debugger" }, ComposeFile.ServicesIn(folder));
        Assert.Equal("oneflex-dev", ComposeProject.NameFor(HostPlatform.Current with { GetEnvironmentVariable = _ => null }, folder));
        Assert.Equal(new[] { "bot", "notifier", "db.cache" }, ComposeFile.ServicesIn(linked));
    }

    [Fact]
    public void A_FIFO_or_an_oversized_compose_file_is_ComposeFileUnreadable_at_once()
    {
        var fifo = Folder("fifo", compose: null);
        MakeFifo(Path.Combine(fifo, "compose.yaml"));
        var huge = Folder("huge", compose: "services:\n  bot:\n    image: x\n" + new string('#', ComposeFile.MaxBytes));

        var fromFifo = Assert.Throws<OneFlexException>(() => ComposeProject.NameFor(HostPlatform.Current with { GetEnvironmentVariable = _ => null }, fifo));
        var fromHuge = Assert.Throws<OneFlexException>(() => ComposeFile.ServicesIn(huge));

        Assert.Equal(ErrorIds.ComposeFileUnreadable, fromFifo.ErrorId);
        Assert.Contains("not a regular file", fromFifo.Message);
        Assert.Equal(ErrorIds.ComposeFileUnreadable, fromHuge.ErrorId);
        Assert.Contains("larger than 1 MB", fromHuge.Message);
    }

    [Fact]
    public void Service_completes_from_the_compose_file_of_ProjectDirectory_relative_to_the_current_location()
    {
        var folder = Folder("completion");
        using var session = new PowerShellSession();

        var all = Complete(session, $"Restart-OneFlexBot -ProjectDirectory {folder} -Service ");
        var some = Complete(session, $"Restart-OneFlexBot -ProjectDirectory '{folder}' -Service NO");
        session.Invoke("Set-Location -LiteralPath $args[0]", _root).ThrowOnError();
        var relative = Complete(session, "Restart-OneFlexBot -ProjectDirectory ./completion -Service d");

        Assert.Equal(new[] { "bot", "db.cache", "notifier" }, all);
        Assert.Equal(new[] { "notifier" }, some);
        Assert.Equal(new[] { "db.cache" }, relative);
    }

    [Fact]
    public void Service_completes_from_the_current_folder_when_it_is_the_ComposeProject_or_none_is_given()
    {
        var folder = Folder("here", BotCompose.Replace("name: oneflex", "name: OneFlex-Here"));
        using var session = new PowerShellSession();
        session.Invoke("Set-Location -LiteralPath $args[0]", folder).ThrowOnError();

        var sameProject = Complete(session, "Restart-OneFlexBot -DockerHost unix:///nonexistent/docker.sock -ComposeProject oneflex-here -Service b");
        var otherProject = Complete(session, "Restart-OneFlexBot -DockerHost unix:///nonexistent/docker.sock -ComposeProject elsewhere -Service b");
        var noProject = Complete(session, "Restart-OneFlexBot -Service n");

        Assert.Equal(new[] { "bot" }, sameProject);
        Assert.Empty(otherProject);
        Assert.Equal(new[] { "notifier" }, noProject);
    }

    [Fact]
    public void Service_completion_of_a_missing_hostile_or_broken_compose_file_is_empty_and_quick()
    {
        var fifo = Folder("fifo-completion", compose: null);
        MakeFifo(Path.Combine(fifo, "compose.yaml"));
        var binary = Folder("binary", compose: null);
        File.WriteAllBytes(Path.Combine(binary, "compose.yaml"), new byte[] { 0xFF, 0xFE, 0x00, 0x73, 0x00, 0x3A, 0xC3, 0x28 });
        using var session = new PowerShellSession();
        var clock = Stopwatch.StartNew();

        foreach (var folder in new[] { fifo, binary, Folder("no-compose", compose: null), Path.Combine(_root, "missing") })
        {
            Assert.Empty(Complete(session, $"Restart-OneFlexBot -ProjectDirectory '{folder}' -Service "));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
