using System.Management.Automation;
using OneFlexTokens.Commands;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>Restart-OneFlexBot in a real PowerShell engine against a real, private dockerd.</summary>
[Collection(DockerEngineCollection.Name)]
public sealed class RestartOneFlexBotTests : IDisposable
{
    private readonly DockerEngineFixture _engine;
    private readonly List<string> _containers = new();
    private readonly string _temp = Directory.CreateTempSubdirectory("oneflex-docker-").FullName;

    public RestartOneFlexBotTests(DockerEngineFixture engine)
    {
        _engine = engine;
    }

    private async Task<string> Bot(string name, string? config = null, string? project = null, string? service = null, bool start = true, IList<string>? healthcheck = null, string? command = null, IList<string>? environment = null, string? workingDirectory = null)
    {
        _containers.Add(name);
        return command is null
            ? await _engine.CreateBotAsync(name, config, project, service, start, healthcheck, environment: environment, workingDirectory: workingDirectory)
            : await _engine.CreateBotAsync(name, config, project, service, start, healthcheck, command, environment, workingDirectory);
    }

    private ScriptResult Run(string script, params object?[] args)
    {
        using var session = new PowerShellSession();
        return session.Invoke(script, new object?[] { _engine.DockerHost }.Concat(args).ToArray());
    }

    [SkippableFact]
    public async Task Running_bot_with_the_default_name_is_restarted()
    {
        _engine.Require();
        await Bot(RestartOneFlexBotCommand.DefaultBotName);
        var before = await _engine.StartedAtAsync(RestartOneFlexBotCommand.DefaultBotName);

        var result = Run("Restart-OneFlexBot -DockerHost $args[0]");

        Assert.Empty(result.AllErrors);
        var status = Assert.Single(result.OutputOf<BotContainerStatus>());
        Assert.Equal(RestartOneFlexBotCommand.DefaultBotName, status.Name);
        Assert.Equal("running", status.PreviousState);
        Assert.Equal("running", status.State);
        Assert.Null(status.Health);
        Assert.NotNull(status.StartedAt);
        Assert.True(status.StartedAt > before, $"StartedAt {status.StartedAt:o} is not after {before:o}");
        Assert.Equal(await _engine.StartedAtAsync(RestartOneFlexBotCommand.DefaultBotName), status.StartedAt);
        Assert.True((await _engine.StateAsync(status.Id)).Running);
        Assert.True(status.Duration > TimeSpan.Zero);
        using var session = new PowerShellSession();
        var table = session.InvokeWith("$status | Out-String -Width 200", new Dictionary<string, object> { ["status"] = status }).ThrowOnError();
        Assert.Matches(@"Name\s+Project\s+Service\s+PreviousState\s+State\s+StartedAt\s+Duration", table.Objects.Cast<string>().Single());
    }

    [SkippableFact]
    public async Task Exited_and_created_bots_are_started()
    {
        _engine.Require();
        await Bot("oneflex-exited");
        await _engine.StopAsync("oneflex-exited");
        await Bot("oneflex-created", start: false);

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -Name oneflex-exited, oneflex-created");

        Assert.Empty(result.AllErrors);
        var statuses = result.OutputOf<BotContainerStatus>().ToDictionary(s => s.Name);
        Assert.Equal("exited", statuses["oneflex-exited"].PreviousState);
        Assert.Equal("created", statuses["oneflex-created"].PreviousState);
        foreach (var name in statuses.Keys)
        {
            Assert.Equal("running", statuses[name].State);
            Assert.True((await _engine.StateAsync(name)).Running, name + " is not running");
        }
    }

    [SkippableFact]
    public async Task Compose_project_restarts_each_of_its_services_and_nothing_else()
    {
        _engine.Require();
        await Bot("twosvc-bot-1", project: "twosvc", service: "bot");
        await Bot("twosvc-notifier-1", project: "twosvc", service: "notifier");
        await Bot("other-bot-1", project: "other", service: "bot");
        var otherBefore = await _engine.StartedAtAsync("other-bot-1");

        var all = Run("Restart-OneFlexBot -DockerHost $args[0] -ComposeProject twosvc");
        var one = Run("Restart-OneFlexBot -DockerHost $args[0] -ComposeProject twosvc -Service notifier, ghost");

        Assert.Empty(all.AllErrors);
        Assert.Equal(new[] { "bot", "notifier" }, all.OutputOf<BotContainerStatus>().Select(s => s.Service).Order().ToArray());
        Assert.All(all.OutputOf<BotContainerStatus>(), s => Assert.Equal("twosvc", s.Project));
        Assert.Equal("twosvc-notifier-1", Assert.Single(one.OutputOf<BotContainerStatus>()).Name);
        var ghost = Assert.Single(one.Errors);
        Assert.StartsWith("ContainerNotFound", ghost.FullyQualifiedErrorId);
        Assert.Contains("'ghost'", ghost.Exception.Message);
        Assert.Null(one.Terminating);
        Assert.Equal(otherBefore, await _engine.StartedAtAsync("other-bot-1"));
    }

    [SkippableFact]
    public async Task ProjectDirectory_takes_the_compose_file_name_key()
    {
        _engine.Require();
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "bot-folder")).FullName;
        File.WriteAllText(Path.Combine(folder, "compose.yaml"), "# the NAS bot\nname: 'oneflex-nas'   # set by hand\nservices:\n  bot:\n    container_name: x\n    image: busybox\n");
        await Bot("nas-bot", project: "oneflex-nas", service: "bot");
        await Bot("folder-bot", project: "bot-folder", service: "bot");
        var folderBefore = await _engine.StartedAtAsync("folder-bot");

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -ProjectDirectory $args[1]", folder);

        Assert.Empty(result.AllErrors);
        var status = Assert.Single(result.OutputOf<BotContainerStatus>());
        Assert.Equal("nas-bot", status.Name);
        Assert.Equal("oneflex-nas", status.Project);
        Assert.Equal(folderBefore, await _engine.StartedAtAsync("folder-bot"));
    }

    [SkippableFact]
    public async Task ProjectDirectory_without_a_name_key_normalises_the_folder_name()
    {
        _engine.Require();
        var folder = Directory.CreateDirectory(Path.Combine(_temp, ".My.OneFlex_Bot")).FullName;
        File.WriteAllText(Path.Combine(folder, "docker-compose.yml"), "services:\n  bot:\n    image: busybox\n");
        await Bot("normalised-bot", project: "myoneflex_bot", service: "bot");

        var result = Run("Set-Location -LiteralPath $args[1]; Restart-OneFlexBot -DockerHost $args[0] -ProjectDirectory .", folder);

        Assert.Empty(result.AllErrors);
        Assert.Equal("myoneflex_bot", Assert.Single(result.OutputOf<BotContainerStatus>()).Project);
    }

    [SkippableFact]
    public async Task A_bot_whose_container_environment_holds_the_tokens_gets_a_warning_that_a_restart_keeps_them()
    {
        _engine.Require();
        const string oldToken = "eyJold.token-in-the-container-env.0123456789";
        const string oldRefresh = "fedcba9876543210fedc";
        await Bot("env-bot", project: "envbot", service: "bot", environment: new[] { "TZ=Europe/Paris", $"ONEFLEX_TOKEN={oldToken}", $"ONEFLEX_REFRESH_TOKEN={oldRefresh}" });
        await Bot("file-bot", environment: new[] { "TZ=Europe/Paris", "ONEFLEX_TOKEN_FILE=/app/config/.env" });

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -Name env-bot, file-bot");

        Assert.Empty(result.AllErrors);
        var statuses = result.OutputOf<BotContainerStatus>().ToDictionary(s => s.Name);
        Assert.True(statuses["env-bot"].TokensInEnvironment);
        Assert.False(statuses["file-bot"].TokensInEnvironment);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("'env-bot' gets ONEFLEX_TOKEN and ONEFLEX_REFRESH_TOKEN from its container environment", warning);
        Assert.Contains("'docker compose up -d --force-recreate' in /volume1/docker/envbot", warning);
        Assert.Contains("config/.env", warning);

        // What the warning says is what happened: the restarted container still has the old value.
        Assert.Equal("running", statuses["env-bot"].State);
        Assert.Contains($"ONEFLEX_TOKEN={oldToken}", (await _engine.InspectAsync("env-bot")).Config!.Env);
        SecretAssert.NotLeaked(result, oldToken, oldRefresh);
    }

    [SkippableFact]
    public async Task No_matching_container_is_an_error_that_lists_the_bot_like_containers()
    {
        _engine.Require();
        await Bot("oneflex-old", start: false);

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -Name no-such-bot");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("ContainerNotFound", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("no-such-bot", error.Exception.Message);
        Assert.Contains("oneflex-old (created)", error.Exception.Message);
        Assert.Contains("-ComposeProject", error.Exception.Message);
    }

    [SkippableFact]
    public async Task WhatIf_lists_what_would_be_restarted_and_touches_nothing()
    {
        _engine.Require();
        await Bot("whatif-running");
        await Bot("whatif-created", start: false);
        var before = await _engine.StartedAtAsync("whatif-running");

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -Name whatif-* -WhatIf");

        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Contains("What if: Performing the operation \"Restart\" on target \"whatif-running (running)\".", result.HostText);
        Assert.Contains("What if: Performing the operation \"Start\" on target \"whatif-created (created)\".", result.HostText);
        Assert.Equal(before, await _engine.StartedAtAsync("whatif-running"));
        Assert.Equal("created", (await _engine.StateAsync("whatif-created")).Status);
    }

    [SkippableFact]
    public async Task Confirm_asks_for_each_container_before_any_restart_and_a_no_leaves_that_one_alone()
    {
        _engine.Require();
        await Bot("confirm-a");
        await Bot("confirm-b");
        var bBefore = await _engine.StartedAtAsync("confirm-b");
        using var session = new PowerShellSession();
        session.Host.ChoiceAnswers.Enqueue("Yes");
        session.Host.ChoiceAnswers.Enqueue("No");

        // The prompts come from the restart's own thread: the cmdlet answers them on the pipeline thread.
        var result = session.Invoke("Restart-OneFlexBot -DockerHost $args[0] -Name confirm-* -Confirm", _engine.DockerHost);

        Assert.Empty(result.AllErrors);
        Assert.Equal("confirm-a", Assert.Single(result.OutputOf<BotContainerStatus>()).Name);
        Assert.Equal(2, result.HostText.Split("CHOICE:").Length - 1);
        Assert.Contains("confirm-b (running)", result.HostText);
        Assert.Equal(bBefore, await _engine.StartedAtAsync("confirm-b"));
    }

    [SkippableFact]
    public async Task A_pipeline_restarts_once_after_its_last_object_and_not_at_all_when_nothing_arrives()
    {
        _engine.Require();
        var id = await Bot("pipeline-bot");
        var before = await _engine.StartedAtAsync("pipeline-bot");

        var nothing = Run("@() | Restart-OneFlexBot -DockerHost $args[0] -Name pipeline-bot");
        Assert.Empty(nothing.AllErrors);
        Assert.Empty(nothing.Output);
        Assert.Contains(nothing.Warnings, w => w.Contains("not restarted"));
        Assert.Equal(before, await _engine.StartedAtAsync("pipeline-bot"));

        var since = DateTimeOffset.UtcNow;
        var many = Run("1..5 | Restart-OneFlexBot -DockerHost $args[0] -Name pipeline-bot");

        Assert.Empty(many.AllErrors);
        Assert.Single(many.OutputOf<BotContainerStatus>());
        Assert.Equal(1, await _engine.CountEventsAsync(id, "restart", since));
        Assert.True(await _engine.StartedAtAsync("pipeline-bot") > before);
    }

    [SkippableFact]
    public async Task A_healthcheck_is_waited_for_and_an_unhealthy_bot_times_out()
    {
        _engine.Require();
        await Bot("healthy-bot", healthcheck: new[] { "CMD", "true" });
        await Bot("sick-bot", healthcheck: new[] { "CMD", "false" });

        var healthy = Run("Restart-OneFlexBot -DockerHost $args[0] -Name healthy-bot");
        var sick = Run("Restart-OneFlexBot -DockerHost $args[0] -Name sick-bot -Timeout 2");

        Assert.Empty(healthy.AllErrors);
        Assert.Equal("healthy", Assert.Single(healthy.OutputOf<BotContainerStatus>()).Health);
        Assert.Contains(healthy.Progress, p => p.Activity.Contains("healthy-bot"));
        Assert.Empty(sick.Output);
        var error = Assert.Single(sick.AllErrors);
        Assert.StartsWith("ContainerUnhealthy", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("-Timeout", error.Exception.Message);
    }

    [SkippableFact]
    public async Task Timeout_is_the_whole_wait_the_stop_included_and_StopGracePeriod_is_what_the_engine_grants()
    {
        _engine.Require();
        // It ignores SIGTERM, as a bot busy booking may: the engine stops it only by killing it at the end of the grace period.
        await Bot("stubborn-bot-1", command: "trap '' TERM; exec sleep 3600");
        await Bot("stubborn-bot-2", command: "trap '' TERM; exec sleep 3600");

        var cut = Run("Restart-OneFlexBot -DockerHost $args[0] -Name stubborn-bot-1 -StopGracePeriod 60 -Timeout 3");
        var killed = Run("Restart-OneFlexBot -DockerHost $args[0] -Name stubborn-bot-2 -StopGracePeriod 1 -Timeout 60");

        var error = Assert.Single(cut.AllErrors);
        Assert.StartsWith(ErrorIds.ContainerStartTimeout, error.FullyQualifiedErrorId);
        Assert.Contains("after 3 s, the whole -Timeout", error.Exception.Message);
        Assert.Contains("state: running", error.Exception.Message);
        Assert.Empty(cut.Output);
        Assert.Empty(killed.AllErrors);
        var status = Assert.Single(killed.OutputOf<BotContainerStatus>());
        Assert.Equal("running", status.State);
        Assert.InRange(status.Duration, TimeSpan.FromSeconds(1), RestartOneFlexBotCommand.DefaultStopGracePeriod);
    }

    [SkippableFact]
    public async Task Save_then_restart_pipeline_makes_the_bot_print_the_new_token()
    {
        _engine.Require();
        var config = Directory.CreateDirectory(Path.Combine(_temp, "bot", "config")).FullName;
        var envFile = Path.Combine(config, ".env");
        var oldAccess = Jwt("old");
        File.WriteAllText(envFile, $"# OneFlex bot\nONEFLEX_TOKEN={oldAccess}\nONEFLEX_REFRESH_TOKEN=00000000000000000000\nDESK_ID=42\n");
        await Bot("env-bot", config: config);
        await _engine.WaitForLogAsync("env-bot", oldAccess, TimeSpan.FromSeconds(30));
        var newAccess = Jwt("new");
        var newRefresh = Convert.ToHexString(Guid.NewGuid().ToByteArray())[..20].ToLowerInvariant();

        var result = Run(
            "Save-OneFlexEnv -AccessToken $args[1] -RefreshToken $args[2] -Path $args[3] -PassThru | Restart-OneFlexBot -DockerHost $args[0] -Name env-bot",
            newAccess, newRefresh, envFile);

        Assert.Empty(result.AllErrors);
        Assert.Equal("env-bot", Assert.Single(result.OutputOf<BotContainerStatus>()).Name);
        var logs = await _engine.WaitForLogAsync("env-bot", "ONEFLEX_REFRESH_TOKEN=" + newRefresh, TimeSpan.FromSeconds(30));
        Assert.True(logs.LastIndexOf(newAccess, StringComparison.Ordinal) > logs.LastIndexOf(oldAccess, StringComparison.Ordinal), "the bot did not print the new token after its restart");
        Assert.Contains("ONEFLEX_REFRESH_TOKEN=" + newRefresh, logs);
        SecretAssert.NotLeaked(result, newAccess, newRefresh);
    }

    private static string Jwt(string subject)
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expires = DateTimeOffset.UtcNow.AddMinutes(15).ToUnixTimeSeconds();
        return $"{Part("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{Part($"{{\"sub\":\"{subject}-{Guid.NewGuid():N}\",\"exp\":{expires}}}")}.{Part(Guid.NewGuid().ToString("N"))}";
    }

    [SkippableFact]
    public async Task A_bot_that_exits_right_after_its_start_is_ContainerExited_with_its_exit_code()
    {
        _engine.Require();
        // A healthcheck that never passes keeps the wait going until the exit, so the engine's "running" moment cannot win a race.
        await Bot("expired-bot", start: false, healthcheck: new[] { "CMD", "false" }, command: "echo token expired; sleep 1; exit 3");

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -Name expired-bot");

        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("ContainerExited", error.FullyQualifiedErrorId);
        Assert.Contains("code 3", error.Exception.Message);
        Assert.Contains("docker logs expired-bot", error.Exception.Message);
    }

    [SkippableFact]
    public async Task An_engine_that_refuses_the_start_is_DockerEngineError_and_the_other_bots_still_restart()
    {
        _engine.Require();
        _containers.Add("broken-bot");
        await _engine.CreateUnstartableAsync("broken-bot");
        await Bot("fine-bot");

        var result = Run("Restart-OneFlexBot -DockerHost $args[0] -Name broken-bot, fine-bot");

        Assert.Equal("fine-bot", Assert.Single(result.OutputOf<BotContainerStatus>()).Name);
        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("DockerEngineError", error.FullyQualifiedErrorId);
        Assert.Equal("broken-bot", error.TargetObject);
        Assert.Contains("/no/such/program", error.Exception.Message);
        Assert.Contains("docker logs broken-bot", error.Exception.Message);
    }

    [SkippableFact]
    public async Task Stopping_the_command_while_it_waits_ends_it_promptly()
    {
        _engine.Require();
        await Bot("never-healthy-bot", healthcheck: new[] { "CMD", "false" });
        using var session = new PowerShellSession();

        var running = session.Start("Restart-OneFlexBot -DockerHost $args[0] -Name never-healthy-bot -Timeout 600", null, _engine.DockerHost);
        Assert.True(SpinWait.SpinUntil(() => running.HostTextSoFar.Contains("Waiting for never-healthy-bot"), TimeSpan.FromSeconds(60)), running.HostTextSoFar);
        running.Stop();
        var result = running.Wait(TimeSpan.FromSeconds(20));

        Assert.Empty(result.Output);
        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.True((await _engine.StateAsync("never-healthy-bot")).Running);
    }

    [SkippableFact]
    public async Task A_remote_engine_over_tcp_with_mutual_TLS_from_DOCKER_TLS_VERIFY_and_DOCKER_CERT_PATH()
    {
        _engine.Require();
        await Bot("tls-bot");
        var before = await _engine.StartedAtAsync("tls-bot");
        var emptyCertPath = Directory.CreateDirectory(Path.Combine(_temp, "no-certs")).FullName;
        ScriptResult withCertificates, withoutCertificates;
        try
        {
            Environment.SetEnvironmentVariable("DOCKER_TLS_VERIFY", "1");
            Environment.SetEnvironmentVariable("DOCKER_CERT_PATH", _engine.ClientCertPath);
            withCertificates = Run("Restart-OneFlexBot -DockerHost $args[1] -Name tls-bot", _engine.TlsDockerHost);
            Environment.SetEnvironmentVariable("DOCKER_CERT_PATH", emptyCertPath);
            withoutCertificates = Run("Restart-OneFlexBot -DockerHost $args[1] -Name tls-bot", _engine.TlsDockerHost);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_TLS_VERIFY", null);
            Environment.SetEnvironmentVariable("DOCKER_CERT_PATH", null);
        }

        Assert.Empty(withCertificates.AllErrors);
        var status = Assert.Single(withCertificates.OutputOf<BotContainerStatus>());
        Assert.Equal(_engine.TlsDockerHost, status.DockerHost);
        Assert.True(status.StartedAt > before);
        var error = Assert.Single(withoutCertificates.AllErrors);
        Assert.StartsWith("DockerTlsCertificatesMissing", error.FullyQualifiedErrorId);
        Assert.Contains("DOCKER_CERT_PATH", error.Exception.Message);
    }

    [SkippableFact]
    public async Task Tab_completion_offers_the_engine_containers_compose_projects_and_the_services_of_the_project_folder()
    {
        _engine.Require();
        var projectFolder = Directory.CreateDirectory(Path.Combine(_temp, "completion-project")).FullName;
        File.WriteAllText(Path.Combine(projectFolder, "docker-compose.yml"), "services:\n  bot:\n    image: busybox\n  backup:\n    image: busybox\n  web:\n    image: nginx\n");
        await Bot("complete-me-bot", project: "completion-project", service: "bot", workingDirectory: projectFolder);
        using var session = new PowerShellSession();

        string[] Complete(string line) => session.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches.CompletionText", line)
            .ThrowOnError().Output.Where(o => o is not null).Select(o => (string)o.BaseObject).ToArray();

        Assert.Contains("complete-me-bot", Complete($"Restart-OneFlexBot -DockerHost {_engine.DockerHost} -Name complete-m"));
        Assert.Contains("completion-project", Complete($"Restart-OneFlexBot -DockerHost {_engine.DockerHost} -ComposeProject completion-"));
        Assert.Equal(new[] { "backup", "bot" }, Complete($"Restart-OneFlexBot -DockerHost {_engine.DockerHost} -ComposeProject completion-project -Service b"));
        Assert.Empty(Complete("Restart-OneFlexBot -DockerHost unix:///nonexistent/docker.sock -Name complete-m"));
    }

    public void Dispose()
    {
        foreach (var name in _containers)
        {
            _engine.RemoveAsync(name).GetAwaiter().GetResult();
        }

        Directory.Delete(_temp, recursive: true);
    }
}
