namespace OneFlexTokens.Common;

/// <summary>
/// The one HttpClient of the module: pooled connections (a warm renewal reuses them), no redirects followed, no
/// cookies kept. Callers set per-request timeouts with cancellation tokens.
/// </summary>
public static class SharedHttp
{
    public static HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
