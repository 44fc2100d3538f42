using System.Collections.Concurrent;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>The one restart (Restart-OneFlexBot's and the renewal's), called directly against a real, private dockerd.</summary>
[Collection(DockerEngineCollection.Name)]
public sealed class BotRestartTests : IAsyncLifetime
{
    private static readonly string[] Bots = { "shared-running", "shared-exited", "shared-declined", "shared-broken" };

    private readonly DockerEngineFixture _engine;

    public BotRestartTests(DockerEngineFixture engine) => _engine = engine;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_engine.MissingReason is null)
        {
            foreach (var bot in Bots)
            {
                await _engine.RemoveAsync(bot);
            }
        }
    }

    [SkippableFact]
    public async Task Gives_a_result_per_container_restarted_started_not_found_or_failed_and_leaves_a_declined_one_alone()
    {
        _engine.Require();
        await _engine.CreateBotAsync("shared-running");
        await _engine.CreateBotAsync("shared-exited");
        await _engine.StopAsync("shared-exited");
        await _engine.CreateBotAsync("shared-declined");
        await _engine.CreateUnstartableAsync("shared-broken");
        var runningBefore = await _engine.StartedAtAsync("shared-running");
        var declinedBefore = await _engine.StartedAtAsync("shared-declined");
        var asked = new ConcurrentQueue<string>();
        var progress = new ConcurrentQueue<ProgressReport>();
        var verbose = new ConcurrentQueue<string>();
        var request = new BotRestartRequest(
            DockerEndpointResolver.Resolve(HostPlatform.Current, _engine.DockerHost),
            BotSelection.ByName(new[] { "shared-running", "shared-ghost", "shared-exited", "shared-declined", "shared-broken" }),
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(60));

        var results = await BotRestart.RunAsync(
            request,
            container =>
            {
                asked.Enqueue(container.Name);
                return container.Name != "shared-declined";
            },
            new WorkCallbacks { Progress = progress.Enqueue, Verbose = verbose.Enqueue },
            CancellationToken.None);

        // The missing name first, then the confirmed containers in the order the engine listed them (by name).
        Assert.Equal(
            new[] { ("shared-ghost", BotRestartOutcome.NotFound), ("shared-broken", BotRestartOutcome.Failed), ("shared-exited", BotRestartOutcome.Started), ("shared-running", BotRestartOutcome.Restarted) },
            results.Select(r => (r.Name, r.Outcome)));
        Assert.Equal(new[] { "shared-broken", "shared-declined", "shared-exited", "shared-running" }, asked.Order());

        var ghost = results[0];
        Assert.Null(ghost.Id);
        Assert.Null(ghost.Status);
        Assert.Equal((ErrorIds.ContainerNotFound, "shared-ghost"), (ghost.Failure?.ErrorId, ghost.Failure?.TargetObject as string));
        Assert.Contains("'shared-ghost'", ghost.Failure!.Message);

        var broken = results[1];
        Assert.Equal(ErrorIds.DockerEngineError, broken.Failure?.ErrorId);
        Assert.Null(broken.Status);
        Assert.Equal(12, broken.Id?.Length);

        var started = results[2];
        Assert.Null(started.Failure);
        Assert.Equal(("exited", "running"), (started.Status?.PreviousState, started.Status?.State));
        Assert.True((await _engine.StateAsync("shared-exited")).Running, "the exited bot was not started");

        var restarted = results[3];
        Assert.Null(restarted.Failure);
        Assert.Equal(("running", "running"), (restarted.Status?.PreviousState, restarted.Status?.State));
        Assert.Equal(restarted.Status?.Id, restarted.Id);
        Assert.True(await _engine.StartedAtAsync("shared-running") > runningBefore, "the running bot was not restarted");

        Assert.Equal(declinedBefore, await _engine.StartedAtAsync("shared-declined"));
        Assert.Same(ghost.Failure, BotRestart.FirstFailure(results));
        Assert.Null(BotRestart.FirstFailure(results.Skip(2)));

        // Each restarted container has its own activity, which completes; the declined one has none.
        foreach (var name in new[] { "shared-broken", "shared-exited", "shared-running" })
        {
            Assert.Contains(progress, p => p.Activity == "Restarting " + name && p.Completed);
        }

        Assert.DoesNotContain(progress, p => p.Activity.Contains("shared-declined", StringComparison.Ordinal));
        Assert.Contains("shared-running: running -> running in ", string.Join("\n", verbose));
    }

    [SkippableFact]
    public async Task Nothing_matching_is_thrown_as_ContainerNotFound_before_anything_is_asked()
    {
        _engine.Require();
        var request = new BotRestartRequest(
            DockerEndpointResolver.Resolve(HostPlatform.Current, _engine.DockerHost),
            BotSelection.ByName(new[] { "shared-nothing-like-this" }),
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(10));
        var asked = 0;

        var failure = await Assert.ThrowsAsync<OneFlexException>(() => BotRestart.RunAsync(request, _ => ++asked > 0, new WorkCallbacks(), CancellationToken.None));

        Assert.Equal(ErrorIds.ContainerNotFound, failure.ErrorId);
        Assert.Contains("shared-nothing-like-this", failure.Message);
        Assert.Equal(0, asked);
    }
}
