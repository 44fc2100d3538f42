using OneFlexTokens.Tests.Harness;
using OneFlexTokens.TestSupport;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>The private dockerd, once per test run for the Docker collection.</summary>
public sealed class DockerEngineFixture : LocalDockerEngine, IAsyncLifetime
{
    public void Require() => Requirements.Require(MissingReason is null, MissingReason ?? "");

    public Task InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "Docker engine";
}
