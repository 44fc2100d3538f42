using OneFlexTokens.Docker;
using OneFlexTokens.Platform;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>
/// -ProjectDirectory against containers created by the real docker-compose (Debian's 1.29) on the private dockerd, from a
/// flow-style compose file: the engine's labels decide the project, as they do for docker compose itself.
/// </summary>
[Collection(DockerEngineCollection.Name)]
public sealed class DockerComposeProjectTests : IDisposable
{
    // Flow style, with compose's own interpolation in it (docker-compose resolves these, not the module).
    private const string FlowCompose = """
        # the bot, written flow style
        services: {
          bot: {image: "${BOT_IMAGE:-oneflex-test/busybox:latest}", network_mode: none, init: true,
                command: [sleep, "3600"], labels: {note: "$$not-a-variable"}},
          notifier: {image: "oneflex-test/busybox:latest", network_mode: none, init: true, command: [sleep, "3600"]}
        }
        """;

    private readonly DockerEngineFixture _engine;
    private readonly string _folder;
    private readonly List<string> _projects = new();

    public DockerComposeProjectTests(DockerEngineFixture engine)
    {
        _engine = engine;
        _folder = Directory.CreateDirectory(Path.Combine(Directory.CreateTempSubdirectory("oneflex-compose-real-").FullName, "Desk Bot")).FullName;
        File.WriteAllText(Path.Combine(_folder, "docker-compose.yml"), FlowCompose);
    }

    public void Dispose()
    {
        foreach (var project in _projects)
        {
            Compose("-p", project, "down", "--timeout", "0");
        }

        Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);
    }

    private void Require()
    {
        _engine.Require();
        Requirements.Require(File.Exists("/usr/bin/docker-compose"), "docker-compose is not installed (tests/install-deps.sh installs Debian's docker-compose)");
    }

    /// <summary>The real docker-compose in the project folder, talking to the private engine.</summary>
    private string Compose(params string[] args) =>
        Programs.Run(TimeSpan.FromMinutes(2), "env", new[] { "-C", _folder, "DOCKER_HOST=" + _engine.DockerHost, "COMPOSE_INTERACTIVE_NO_CLI=1", "docker-compose" }.Concat(args).ToArray());

    private ScriptResult Restart(string extra = "")
    {
        using var session = new PowerShellSession();
        return session.Invoke("Restart-OneFlexBot -DockerHost $args[0] -ProjectDirectory $args[1] -Verbose " + extra, _engine.DockerHost, _folder);
    }

    [SkippableFact]
    public async Task Containers_docker_compose_created_from_a_flow_style_file_are_found_by_their_folder()
    {
        Require();
        _projects.Add("deskbot");
        Compose("up", "-d");
        var bot = (await _engine.InspectAsync("deskbot_bot_1")).State?.StartedAt;

        var result = Restart();

        Assert.Empty(result.AllErrors);
        var restarted = result.OutputOf<BotContainerStatus>().OrderBy(s => s.Service).ToArray();
        Assert.Equal(new[] { "bot", "notifier" }, restarted.Select(s => s.Service));
        Assert.All(restarted, s => Assert.Equal("deskbot", s.Project));
        Assert.NotEqual(bot, (await _engine.InspectAsync("deskbot_bot_1")).State?.StartedAt);
        Assert.Contains(result.Verbose, line => line.Contains("from the labels of the containers created in " + _folder, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task The_labels_win_over_the_name_the_files_give_when_compose_was_run_with_another_project_name()
    {
        Require();
        // docker-compose -p: the engine's containers belong to 'nas', which no file of the folder names.
        _projects.Add("nas");
        Compose("-p", "nas", "up", "-d", "bot");
        Assert.Equal("deskbot", ComposeProject.NameFor(HostPlatform.Current, _folder));
        var before = (await _engine.InspectAsync("nas_bot_1")).State?.StartedAt;

        var result = Restart("-Service bot");

        Assert.Empty(result.AllErrors);
        var status = Assert.Single(result.OutputOf<BotContainerStatus>());
        Assert.Equal(("nas", "bot", "nas_bot_1"), (status.Project, status.Service, status.Name));
        Assert.NotEqual(before, (await _engine.InspectAsync("nas_bot_1")).State?.StartedAt);
    }

    [SkippableFact]
    public void Service_completes_from_the_flow_style_file()
    {
        Require();
        using var session = new PowerShellSession();

        var completed = session.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText",
            $"Restart-OneFlexBot -ProjectDirectory '{_folder}' -Service ").ThrowOnError().Output.Select(o => (string)o.BaseObject).ToArray();

        Assert.Equal(new[] { "bot", "notifier" }, completed);
    }
}
