namespace OneFlexTokens.Docker;

/// <summary>Opens a connection to a Docker engine. It uses Docker.DotNet, so it lives in the engine: reach it through <see cref="Isolation.Engine.Get{T}"/>.</summary>
internal interface IDockerConnector
{
    /// <param name="requestTimeout">What one request to the engine may take.</param>
    IDockerBotService Connect(DockerEndpoint endpoint, TimeSpan requestTimeout);
}

/// <summary>Finds the bot's containers and restarts them through the Docker Engine API; failures are module errors (DockerUnreachable, ContainerNotFound…).</summary>
internal interface IDockerBotService : IDisposable
{
    DockerEndpoint Endpoint { get; }

    /// <summary>Fails fast with DockerUnreachable or DockerPermissionDenied before anything else is asked.</summary>
    Task PingAsync(CancellationToken cancellation);

    /// <summary>Every container of the engine, stopped ones included, by project, service and name.</summary>
    Task<IReadOnlyList<BotContainer>> ListAsync(CancellationToken cancellation);

    /// <summary>The selected containers; ContainerNotFound (naming the bot-like containers that exist) when none matches.</summary>
    Task<IReadOnlyList<BotContainer>> FindAsync(BotSelection selection, CancellationToken cancellation);

    /// <summary>
    /// Restarts a running container, starts a stopped one, then waits until it runs (and is healthy), all before
    /// <see cref="RestartLimits.Deadline"/>: past it, ContainerStartTimeout or ContainerUnhealthy.
    /// </summary>
    /// <param name="warn">Gets a warning when the container's own environment holds the tokens: a restart keeps those.</param>
    /// <returns>Its status, and whether it was running (restarted) rather than stopped (started).</returns>
    Task<(BotContainerStatus Status, bool WasRunning)> RestartAsync(BotContainer container, RestartLimits limits, Action<string> report, Action<string> warn, CancellationToken cancellation);
}
