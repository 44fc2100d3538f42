using OneFlexTokens.Docker;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.Isolation;

/// <summary>Made once by <see cref="Engine"/> in the engine's load context: the engine's side of each contract the module declares.</summary>
internal sealed class EngineEntry : IEngineEntry
{
    public object? Get(Type contract) =>
        contract == typeof(IDockerConnector) ? new DockerConnector()
        : contract == typeof(IBrowserSignIn) ? new BrowserSignInService()
        : null;

    private sealed class DockerConnector : IDockerConnector
    {
        public IDockerBotService Connect(DockerEndpoint endpoint, TimeSpan requestTimeout) => new DockerBotService(endpoint, requestTimeout);
    }

    private sealed class BrowserSignInService : IBrowserSignIn
    {
        public Task<SignInTokens> SignInAsync(HostPlatform platform, SignInRequest request, Action<string>? verbose, Action<SignInProgress>? progress, Action<SignInTokens>? onTokens, CancellationToken cancellationToken) =>
            new BrowserSignIn(platform, verbose).SignInAsync(request, progress, onTokens, cancellationToken);
    }
}
