namespace OneFlex.Simulator;

/// <summary>
/// A local stand-in for the OneFlex service: the app origin (http://127.0.0.1:port) and the SSO origin
/// (http://localhost:port) on different hosts, both on ports the OS chooses.
/// </summary>
public sealed class OneFlexSimulator : IAsyncDisposable
{
    /// <summary>Starts both origins in this process.</summary>
    public static Task<OneFlexSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>The app origin, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public Uri AppUrl => throw new NotImplementedException();

    /// <summary>The SSO origin, e.g. http://localhost:41235.</summary>
    public Uri SsoUrl => throw new NotImplementedException();

    public SimulatorOptions Options => throw new NotImplementedException();

    /// <summary>Opens an SSO session server-side (as a completed sign-in would) and returns tokens bound to it.</summary>
    public (string AccessToken, string RefreshToken) IssueTokens(TimeSpan? accessTokenLifetime = null) => throw new NotImplementedException();

    /// <summary>Mints a signed access token with the given times, for validity tests.</summary>
    public string CreateAccessToken(DateTimeOffset issuedAt, DateTimeOffset expiresAt, DateTimeOffset? notBefore = null) => throw new NotImplementedException();

    /// <summary>Ends every SSO session, as if they had expired: refresh grants and silent sign-ins fail from now on.</summary>
    public void EndAllSsoSessions() => throw new NotImplementedException();

    /// <summary>Raised (on a server thread) just before a response that sets the access_token and refresh_token cookies is sent.</summary>
    public event Action<DateTimeOffset>? TokenCookiesIssued;

    /// <summary>How many times the sign-in form was shown, and how many sign-ins completed.</summary>
    public int SignInFormsShown => throw new NotImplementedException();

    public int SignInsCompleted => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
