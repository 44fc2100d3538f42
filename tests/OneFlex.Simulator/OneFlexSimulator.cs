using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OneFlex.Simulator;

/// <summary>
/// A local stand-in for the OneFlex service: the app origin (http://127.0.0.1:port) and the SSO origin
/// (http://localhost:port) on different hosts, both on ports the OS chooses.
/// </summary>
/// <remarks>
/// App origin: <c>GET /</c> (page, or redirect to the SSO origin), <c>GET /auth/callback</c> (sets the
/// <c>access_token</c> and <c>refresh_token</c> cookies), <c>POST /api/auth/token</c>, <c>POST /api/gql</c>.
/// SSO origin: <c>GET /authorize</c> (silent sign-in while the <c>sso_session</c> cookie's session lives,
/// else redirect to the form), <c>GET /login</c> (the form: ids <c>email</c>, <c>password</c>,
/// <c>stay-signed-in</c>, <c>sign-in</c>), <c>POST /login</c>; with <see cref="SimulatorOptions.HumanSignIn"/> three pages
/// instead (<c>/login</c>, <c>/login/password</c>, <c>/login/mfa</c>, and <c>/login/finish</c> after a pop-up); the control
/// endpoints <c>GET /__control/mfa-code</c> and <c>POST /__control/end-sso-sessions</c> (loopback clients only).
/// </remarks>
public sealed class OneFlexSimulator : IAsyncDisposable
{
    /// <summary>The OAuth client id the app origin uses with the SSO origin.</summary>
    public const string ClientId = "oneflex";

    /// <summary>Name of the SSO origin's session cookie.</summary>
    public const string SsoSessionCookieName = "sso_session";

    /// <summary>Names of the app origin's token cookies (the real service's names).</summary>
    public const string AccessTokenCookieName = "access_token";

    /// <inheritdoc cref="AccessTokenCookieName"/>
    public const string RefreshTokenCookieName = "refresh_token";

    private readonly SimulatorOptions _options;
    private readonly AccessTokens _tokens = new();
    private readonly AccessTokens _decoyTokens = new();
    private readonly SessionStore _store = new();
    private readonly HumanSignIns _humanSignIns = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<string>? _requestLog;
    private readonly Lock _issuedLock = new();
    private readonly List<DateTimeOffset> _tokenCookiesIssuedAt = [];
    private WebApplication? _appHost;
    private WebApplication? _ssoHost;
    private WebApplication? _ssoHostIPv6;
    private string _appOrigin = "";
    private string _ssoOrigin = "";
    private int _signInFormsShown;
    private int _signInsCompleted;
    private int _silentSignIns;
    private int _refreshGrantsServed;
    private int _disposed;

    private OneFlexSimulator(SimulatorOptions options, Action<string>? requestLog)
    {
        _options = options;
        _requestLog = requestLog;
    }

    /// <summary>Starts both origins in this process.</summary>
    public static Task<OneFlexSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, appPort: 0, ssoPort: 0, requestLog: null, cancellationToken);

    /// <summary>Starts both origins on the given ports (0: the OS chooses); <paramref name="requestLog"/> gets one line per request.</summary>
    internal static async Task<OneFlexSimulator> StartAsync(
        SimulatorOptions? options, int appPort, int ssoPort, Action<string>? requestLog, CancellationToken cancellationToken)
    {
        var simulator = new OneFlexSimulator(options ?? new SimulatorOptions(), requestLog);
        try
        {
            simulator._appHost = simulator.BuildHost(IPAddress.Loopback, appPort, "app", simulator.MapAppOrigin);
            await simulator._appHost.StartAsync(cancellationToken).ConfigureAwait(false);
            simulator._appOrigin = "http://127.0.0.1:" + BoundPort(simulator._appHost);
            await simulator.StartSsoHostsAsync(ssoPort, cancellationToken).ConfigureAwait(false);
            simulator._ssoOrigin = "http://localhost:" + BoundPort(simulator._ssoHost!);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The app origin, e.g. http://127.0.0.1:41234: scheme, host and port only (as a string, .NET writes it with a final '/'); build URLs with <c>new Uri(AppUrl, "/api/gql")</c>.</summary>
    public Uri AppUrl => new(_appOrigin);

    /// <summary>The SSO origin, e.g. http://localhost:41235.</summary>
    public Uri SsoUrl => new(_ssoOrigin);

    /// <summary>The options in force; read on every request, so changes apply to the next request.</summary>
    public SimulatorOptions Options => _options;

    /// <summary>The stable user id (the JWT <c>sub</c> and the gql <c>me.id</c>) of <see cref="SimulatorOptions.UserEmail"/>.</summary>
    public string UserId => UserIdFor(_options.UserEmail);

    /// <summary>Opens an SSO session server-side (as a completed sign-in would) and returns tokens bound to it.</summary>
    public (string AccessToken, string RefreshToken) IssueTokens(TimeSpan? accessTokenLifetime = null)
    {
        var now = DateTimeOffset.UtcNow;
        var session = _store.OpenSession(_options.UserEmail, _options.SsoSessionLifetime, persistent: false, now);
        return (MintAccessToken(session.Email, now, accessTokenLifetime ?? _options.AccessTokenLifetime), _store.IssueRefreshToken(session));
    }

    /// <summary>Mints a signed access token with the given times, for validity tests. Without <paramref name="notBefore"/>, nbf = iat.</summary>
    public string CreateAccessToken(DateTimeOffset issuedAt, DateTimeOffset expiresAt, DateTimeOffset? notBefore = null) =>
        _tokens.Create(
            UserIdFor(_options.UserEmail),
            _options.UserEmail,
            issuedAt.ToUnixTimeSeconds(),
            (notBefore ?? issuedAt).ToUnixTimeSeconds(),
            expiresAt.ToUnixTimeSeconds());

    /// <summary>Ends every SSO session, as if they had expired: refresh grants and silent sign-ins fail from now on.</summary>
    public void EndAllSsoSessions() => _store.EndAllSessions();

    /// <summary>The 6-digit code of the newest human sign-in waiting at its MFA step, else null (<see cref="SimulatorOptions.HumanSignIn"/>); also served by <c>GET /__control/mfa-code</c>.</summary>
    public string? CurrentMfaCode => _humanSignIns.PendingMfaCode(DateTimeOffset.UtcNow);

    /// <summary>Raised (on a server thread) just before a response that sets the access_token and refresh_token cookies is sent.</summary>
    /// <remarks>Exceptions thrown by handlers are swallowed so that the response still goes out.</remarks>
    public event Action<DateTimeOffset>? TokenCookiesIssued;

    /// <summary>Raised (on a server thread) just before the sign-in form (with <see cref="SimulatorOptions.HumanSignIn"/>: the username page) is sent, so tests can wait on it instead of polling <see cref="SignInFormsShown"/>.</summary>
    /// <remarks>Exceptions thrown by handlers are swallowed so that the response still goes out.</remarks>
    public event Action? SignInFormShown;

    /// <summary>How many times the sign-in form was shown, and how many sign-ins completed.</summary>
    public int SignInFormsShown => Volatile.Read(ref _signInFormsShown);

    /// <summary>How many times the sign-in form was submitted successfully (each opens an SSO session).</summary>
    public int SignInsCompleted => Volatile.Read(ref _signInsCompleted);

    /// <summary>How many times /authorize went straight back to the app because the SSO session cookie was still live.</summary>
    public int SilentSignIns => Volatile.Read(ref _silentSignIns);

    /// <summary>How many refresh grants succeeded (200 from /api/auth/token).</summary>
    public int RefreshGrantsServed => Volatile.Read(ref _refreshGrantsServed);

    /// <summary>When each response setting the token cookies was sent (same instants as <see cref="TokenCookiesIssued"/>), oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> TokenCookiesIssuedAt
    {
        get
        {
            lock (_issuedLock)
            {
                return _tokenCookiesIssuedAt.ToArray();
            }
        }
    }

    /// <summary>How many SSO sessions are alive now (not expired, not ended).</summary>
    public int LiveSsoSessions => _store.LiveSessionCount(DateTimeOffset.UtcNow);

    /// <summary>The stable user id for an email: a GUID derived from it, so it is the same in every run.</summary>
    public static string UserIdFor(string email) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())).AsSpan(0, 16)).ToString();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var host in new[] { _appHost, _ssoHost, _ssoHostIPv6 })
        {
            await StopAsync(host).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static async Task StopAsync(WebApplication? host)
    {
        if (host is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await host.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await host.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Binds the SSO origin on 127.0.0.1 and, with the same port, on [::1]: clients resolve "localhost" to either,
    /// and a foreign server on [::1]:port would otherwise receive our SSO traffic.
    /// </summary>
    private async Task StartSsoHostsAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ipv4 = BuildHost(IPAddress.Loopback, port, "sso", MapSsoOrigin);
            await ipv4.StartAsync(cancellationToken).ConfigureAwait(false);
            var ipv6 = BuildHost(IPAddress.IPv6Loopback, BoundPort(ipv4), "sso", MapSsoOrigin);
            try
            {
                await ipv6.StartAsync(cancellationToken).ConfigureAwait(false);
                (_ssoHost, _ssoHostIPv6) = (ipv4, ipv6);
                return;
            }
            catch (IOException e) when (e.InnerException is AddressInUseException && port == 0 && attempt < 10)
            {
                await ipv6.DisposeAsync().ConfigureAwait(false);
                await StopAsync(ipv4).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // No IPv6 loopback here (or a fixed port taken on [::1]): "localhost" reaches 127.0.0.1 only.
                await ipv6.DisposeAsync().ConfigureAwait(false);
                _ssoHost = ipv4;
                return;
            }
        }
    }

    private string CallbackUri => _appOrigin + "/auth/callback";

    private WebApplication BuildHost(IPAddress address, int port, string name, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        if (_requestLog is { } log)
        {
            app.Use(async (context, next) =>
            {
                await next(context);
                log($"{name} {context.Request.Method} {context.Request.Path}{context.Request.QueryString} -> {context.Response.StatusCode}");
            });
        }

        map(app);
        return app;
    }

    private static int BoundPort(WebApplication host)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address).Port;
    }

    // ---- App origin ----

    private void MapAppOrigin(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                if (_options.ApiFails)
                {
                    await WriteJson(context, StatusCodes.Status500InternalServerError, w => WriteError(w, "server_error", "Simulated API failure."));
                    return;
                }
            }
            else if (!await PageDelay(context))
            {
                return;
            }

            await next(context);
        });

        app.MapGet("/", AppHome);
        app.MapGet("/auth/callback", AuthCallback);
        app.MapPost("/api/auth/token", TokenEndpoint);
        app.MapPost("/api/gql", GqlEndpoint);
    }

    private Task AppHome(HttpContext context)
    {
        if (_tokens.Check(context.Request.Cookies[AccessTokenCookieName], DateTimeOffset.UtcNow, out var claims) == TokenCheck.Valid)
        {
            return WriteHtml(context, StatusCodes.Status200OK, Pages.SignedIn(claims.Email));
        }

        var state = RandomNumberGenerator.GetHexString(16, lowercase: true);
        context.Response.Redirect($"{_ssoOrigin}/authorize?client_id={ClientId}&redirect_uri={Uri.EscapeDataString(CallbackUri)}&state={state}");
        return Task.CompletedTask;
    }

    private Task AuthCallback(HttpContext context)
    {
        var now = DateTimeOffset.UtcNow;
        var session = _store.RedeemCode(context.Request.Query["code"], now);
        if (session is null)
        {
            return WriteHtml(context, StatusCodes.Status400BadRequest, Pages.Error("Sign-in failed", "The authorization code is unknown, used or expired. Open the app again."));
        }

        var accessToken = MintAccessToken(session.Email, now, _options.AccessTokenLifetime);
        var refreshToken = _store.IssueRefreshToken(session);
        context.Response.Cookies.Append(AccessTokenCookieName, accessToken, TokenCookie());
        context.Response.Cookies.Append(RefreshTokenCookieName, refreshToken, TokenCookie());
        context.Response.Redirect(_appOrigin + "/");
        RaiseTokenCookiesIssued(DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }

    private async Task TokenEndpoint(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        string? grantType, refreshToken;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await WriteJson(context, StatusCodes.Status400BadRequest, w => WriteError(w, "invalid_request", "The body must be a JSON object."));
                return;
            }

            grantType = root.TryGetProperty("grant_type", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
            refreshToken = root.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        }
        catch (JsonException)
        {
            await WriteJson(context, StatusCodes.Status400BadRequest, w => WriteError(w, "invalid_request", "The body is not valid JSON."));
            return;
        }

        if (grantType != "refresh_token")
        {
            await WriteJson(context, StatusCodes.Status400BadRequest, w => WriteError(w, "unsupported_grant_type", "grant_type must be refresh_token."));
            return;
        }

        if (string.IsNullOrEmpty(refreshToken))
        {
            await WriteJson(context, StatusCodes.Status400BadRequest, w => WriteError(w, "invalid_request", "refresh_token is missing."));
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var session = _store.SessionOfRefreshToken(refreshToken, now);
        if (session is null)
        {
            await WriteJson(context, StatusCodes.Status401Unauthorized, w => WriteError(w, "invalid_grant", "The refresh token is unknown or its SSO session has ended."));
            return;
        }

        var accessToken = MintAccessToken(session.Email, now, _options.AccessTokenLifetime);
        Interlocked.Increment(ref _refreshGrantsServed);
        await WriteJson(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("token_type", "bearer");
            w.WriteString("access_token", accessToken);
            w.WriteEndObject();
        });
    }

    private async Task GqlEndpoint(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        var check = _tokens.Check(token, DateTimeOffset.UtcNow, out var claims);
        if (check != TokenCheck.Valid)
        {
            var reason = token is null ? "missing bearer token" : check switch
            {
                TokenCheck.Expired => "token expired",
                TokenCheck.NotYetValid => "token not yet valid",
                TokenCheck.BadSignature => "invalid token signature",
                _ => "malformed token",
            };
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
            await WriteJson(context, StatusCodes.Status401Unauthorized, w => WriteGqlError(w, "Unauthorized: " + reason, "UNAUTHENTICATED"));
            return;
        }

        string? query;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            query = body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
        }
        catch (JsonException)
        {
            query = null;
        }

        if (query is null || !query.Contains("me", StringComparison.Ordinal))
        {
            await WriteJson(context, StatusCodes.Status400BadRequest, w => WriteGqlError(w, "The simulator answers only the `me` query.", "BAD_USER_INPUT"));
            return;
        }

        var firstName = _options.UserFirstName;
        var lastName = _options.UserLastName;
        await WriteJson(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("data");
            w.WriteStartObject("me");
            w.WriteString("id", claims.Subject);
            w.WriteString("email", claims.Email);
            w.WriteString("firstName", firstName);
            w.WriteString("lastName", lastName);
            w.WriteString("fullName", $"{firstName} {lastName}");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    // ---- SSO origin ----

    private void MapSsoOrigin(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Control endpoints serve tests and demos: no faults or delays, and nobody but this machine.
            if (context.Request.Path.StartsWithSegments(ControlPath))
            {
                if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
                {
                    await WriteJson(context, StatusCodes.Status403Forbidden, w => WriteError(w, "forbidden", "Control endpoints answer loopback clients only."));
                    return;
                }

                await next(context);
                return;
            }

            if (!await PageDelay(context))
            {
                return;
            }

            if (_options.DecoyCookiesOnSso)
            {
                var now = DateTimeOffset.UtcNow;
                var decoyAccess = _decoyTokens.Create(UserIdFor(_options.UserEmail), _options.UserEmail, now.ToUnixTimeSeconds(), now.ToUnixTimeSeconds(), (now + _options.AccessTokenLifetime).ToUnixTimeSeconds());
                context.Response.Cookies.Append(AccessTokenCookieName, decoyAccess, TokenCookie());
                context.Response.Cookies.Append(RefreshTokenCookieName, RandomNumberGenerator.GetHexString(20, lowercase: true), TokenCookie());
            }

            if (_options.SsoFails)
            {
                await WriteHtml(context, StatusCodes.Status500InternalServerError, Pages.Error("SSO unavailable", "Simulated SSO failure. Try again later."));
                return;
            }

            await next(context);
        });

        app.MapGet("/", context => WriteHtml(context, StatusCodes.Status200OK, Pages.SsoHome()));
        app.MapGet("/authorize", Authorize);
        app.MapGet("/login", context =>
        {
            var query = context.Request.Query;
            return ValidClient(query["client_id"], query["redirect_uri"])
                ? ShowSignInForm(context, query["redirect_uri"]!, query["state"].ToString(), notice: null)
                : BadClient(context);
        });
        app.MapPost("/login", SubmitSignIn);
        app.MapGet("/login/password", ShowHumanPassword);
        app.MapPost("/login/password", SubmitHumanPassword);
        app.MapGet("/login/mfa", ShowHumanMfa);
        app.MapPost("/login/mfa", SubmitHumanMfa);
        app.MapPost("/login/finish", FinishHumanSignInAfterPopup);
        app.MapGet(ControlPath + "/mfa-code", MfaCodeEndpoint);
        app.MapGet(ControlPath + "/preview/{step}", PreviewHumanStep);
        app.MapPost(ControlPath + "/end-sso-sessions", context =>
        {
            EndAllSsoSessions();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
    }

    private Task Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        if (!ValidClient(query["client_id"], query["redirect_uri"]))
        {
            return BadClient(context);
        }

        var now = DateTimeOffset.UtcNow;
        var session = _store.LiveSession(context.Request.Cookies[SsoSessionCookieName], now);
        if (session is null)
        {
            context.Response.Redirect(_ssoOrigin + "/login" + context.Request.QueryString);
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _silentSignIns);
        RedirectWithCode(context, session, query["state"].ToString(), now);
        return Task.CompletedTask;
    }

    private async Task SubmitSignIn(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var redirectUri = form["redirect_uri"].ToString();
        var state = form["state"].ToString();
        if (!ValidClient(form["client_id"], redirectUri))
        {
            await BadClient(context);
            return;
        }

        if (_options.SignInNeverCompletes)
        {
            await ShowSignInForm(context, redirectUri, state, "We could not sign you in. Please try again.");
            return;
        }

        if (_options.HumanSignIn)
        {
            await SubmitHumanUsername(context, form["username"].ToString().Trim(), redirectUri, state);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var email = form["email"].ToString().Trim();
        var staySignedIn = form["stay_signed_in"].Count > 0;
        var session = _store.OpenSession(email.Length > 0 ? email : _options.UserEmail, _options.SsoSessionLifetime, staySignedIn, now);
        CompleteSignIn(context, session, state, now);
    }

    /// <summary>Sets the SSO session cookie (persistent when the session is) and sends the browser to the app with a code.</summary>
    private void CompleteSignIn(HttpContext context, SsoSession session, string state, DateTimeOffset now)
    {
        context.Response.Cookies.Append(SsoSessionCookieName, session.Id, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Expires = session.Persistent ? session.ExpiresAt : null,
        });
        Interlocked.Increment(ref _signInsCompleted);
        RedirectWithCode(context, session, state, now);
    }

    // ---- SSO origin: the human sign-in (SimulatorOptions.HumanSignIn) ----

    private const string ControlPath = "/__control";

    /// <summary>
    /// A step's page of the human sign-in exactly as a sign-in shows it, with no sign-in behind it: a scripted phone lays
    /// it out in a browser of its own, at the remote viewport's size, to know where the fields it taps are (a human sees it).
    /// </summary>
    private Task PreviewHumanStep(HttpContext context)
    {
        const string flow = "preview";
        var page = (context.Request.RouteValues["step"] as string) switch
        {
            "username" => Pages.HumanUsername(ClientId, "http://preview/", "preview", notice: null),
            "password" => Pages.HumanPassword(flow, _options.UserEmail, notice: null),
            "mfa" => Pages.HumanMfa(flow, inPopup: false, _options.HumanSignInConfirm, notice: null),
            "mfa-popup" => Pages.HumanMfa(flow, inPopup: true, _options.HumanSignInConfirm, notice: null),
            "mfa-opener" => Pages.HumanMfaOpener(flow, finishNow: false),
            _ => null,
        };
        return page is null
            ? WriteJson(context, StatusCodes.Status404NotFound, w => WriteError(w, "not_found", "Steps: username, password, mfa, mfa-popup, mfa-opener."))
            : WriteHtml(context, StatusCodes.Status200OK, page);
    }

    private Task SubmitHumanUsername(HttpContext context, string username, string redirectUri, string state)
    {
        if (!string.Equals(username, _options.UserEmail, StringComparison.OrdinalIgnoreCase))
        {
            return ShowSignInForm(context, redirectUri, state, "We don't know this account. Enter the email address you sign in to OneFlex with.");
        }

        var flow = _humanSignIns.Start(redirectUri, state, DateTimeOffset.UtcNow);
        SeeOther(context, StepPath(flow));
        return Task.CompletedTask;
    }

    private Task ShowHumanPassword(HttpContext context)
    {
        var flow = _humanSignIns.Find(context.Request.Query["flow"], DateTimeOffset.UtcNow);
        return flow switch
        {
            null => SignInExpired(context),
            { Step: HumanStep.Password } => WriteHtml(context, StatusCodes.Status200OK, Pages.HumanPassword(flow.Id, _options.UserEmail, notice: null)),
            _ => ToCurrentStep(context, flow),
        };
    }

    private async Task SubmitHumanPassword(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var flow = _humanSignIns.Find(form["flow"], DateTimeOffset.UtcNow);
        if (flow is not { Step: HumanStep.Password })
        {
            await (flow is null ? SignInExpired(context) : ToCurrentStep(context, flow));
            return;
        }

        var password = form["password"].ToString();
        var accepted = _options.Password is { } expected ? string.Equals(password, expected, StringComparison.Ordinal) : password.Length > 0;
        if (!accepted)
        {
            await WriteHtml(context, StatusCodes.Status200OK, Pages.HumanPassword(flow.Id, _options.UserEmail, "That password is not right. Try again."));
            return;
        }

        // A concurrent submit of the same page may have begun the MFA step first: either way that is the next page.
        _humanSignIns.BeginMfa(flow);
        SeeOther(context, "/login/mfa?flow=" + flow.Id);
    }

    private Task ShowHumanMfa(HttpContext context)
    {
        var flow = _humanSignIns.Find(context.Request.Query["flow"], DateTimeOffset.UtcNow);
        var inPopup = context.Request.Query["window"] == "popup";
        return flow switch
        {
            null => SignInExpired(context),
            { Step: HumanStep.Mfa } when _options.HumanSignInPopup && !inPopup => WriteHtml(context, StatusCodes.Status200OK, Pages.HumanMfaOpener(flow.Id, finishNow: false)),
            { Step: HumanStep.Mfa } => WriteHtml(context, StatusCodes.Status200OK, Pages.HumanMfa(flow.Id, inPopup, _options.HumanSignInConfirm, notice: null)),
            { Step: HumanStep.Verified } when inPopup => WriteHtml(context, StatusCodes.Status200OK, Pages.HumanMfaVerifiedInPopup(flow.Id)),

            // Verified in the pop-up but the opener reloaded (or missed the message): it finishes at once.
            { Step: HumanStep.Verified } => WriteHtml(context, StatusCodes.Status200OK, Pages.HumanMfaOpener(flow.Id, finishNow: true)),
            _ => ToCurrentStep(context, flow),
        };
    }

    private async Task SubmitHumanMfa(HttpContext context)
    {
        var now = DateTimeOffset.UtcNow;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var flow = _humanSignIns.Find(form["flow"], now);
        if (flow is not { Step: HumanStep.Mfa })
        {
            await (flow is null ? SignInExpired(context) : ToCurrentStep(context, flow));
            return;
        }

        var inPopup = form["window"] == "popup";
        string? notice = null;
        if (!string.Equals(form["code"].ToString().Trim(), flow.MfaCode, StringComparison.Ordinal))
        {
            notice = "That code is not right. Enter the 6-digit code your authenticator shows.";
        }
        else if (_options.HumanSignInConfirm && form["stay_signed_in"] != "yes")
        {
            notice = "Choose OK when asked to stay signed in on this device, then verify again.";
        }

        if (notice is not null)
        {
            await WriteHtml(context, StatusCodes.Status200OK, Pages.HumanMfa(flow.Id, inPopup, _options.HumanSignInConfirm, notice));
            return;
        }

        if (inPopup)
        {
            // The opener finishes (POST /login/finish), so the SSO cookie and the redirect land in the main window.
            await (_humanSignIns.MarkVerified(flow)
                ? WriteHtml(context, StatusCodes.Status200OK, Pages.HumanMfaVerifiedInPopup(flow.Id))
                : SignInExpired(context));
            return;
        }

        await FinishHumanSignIn(context, flow, now);
    }

    private async Task FinishHumanSignInAfterPopup(HttpContext context)
    {
        var now = DateTimeOffset.UtcNow;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var flow = _humanSignIns.Find(form["flow"], now);
        if (flow is not { Step: HumanStep.Verified })
        {
            await (flow is null ? SignInExpired(context) : ToCurrentStep(context, flow));
            return;
        }

        await FinishHumanSignIn(context, flow, now);
    }

    private Task FinishHumanSignIn(HttpContext context, HumanSignIn flow, DateTimeOffset now)
    {
        // Finish removes the flow first, so a second submit of the same page cannot open a second session.
        if (!_humanSignIns.Finish(flow))
        {
            return SignInExpired(context);
        }

        var session = _store.OpenSession(_options.UserEmail, _options.SsoSessionLifetime, persistent: true, now);
        CompleteSignIn(context, session, flow.State, now);
        return Task.CompletedTask;
    }

    private Task MfaCodeEndpoint(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        var code = CurrentMfaCode;
        return code is null
            ? WriteJson(context, StatusCodes.Status404NotFound, w =>
            {
                w.WriteStartObject();
                w.WriteEndObject();
            })
            : WriteJson(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("code", code);
                w.WriteEndObject();
            });
    }

    private static string StepPath(HumanSignIn flow) => flow.Step switch
    {
        HumanStep.Password => "/login/password?flow=" + flow.Id,
        _ => "/login/mfa?flow=" + flow.Id,
    };

    /// <summary>A page or post of another step than the sign-in is at (back button, a second tab): show the step it is at.</summary>
    private Task ToCurrentStep(HttpContext context, HumanSignIn flow)
    {
        SeeOther(context, StepPath(flow));
        return Task.CompletedTask;
    }

    private void SeeOther(HttpContext context, string path)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = _ssoOrigin + path;
    }

    private static Task SignInExpired(HttpContext context) =>
        WriteHtml(context, StatusCodes.Status400BadRequest, Pages.Error("Sign-in expired", "This sign-in is unknown, finished or expired. Open the app again to start over."));

    /// <summary>The one-page form, or with <see cref="SimulatorOptions.HumanSignIn"/> the username page (its first step).</summary>
    private Task ShowSignInForm(HttpContext context, string redirectUri, string state, string? notice)
    {
        Interlocked.Increment(ref _signInFormsShown);
        try
        {
            SignInFormShown?.Invoke();
        }
        catch (Exception)
        {
            // As for TokenCookiesIssued: a failing test handler must not break the page.
        }

        return WriteHtml(context, StatusCodes.Status200OK, _options.HumanSignIn
            ? Pages.HumanUsername(ClientId, redirectUri, state, notice)
            : Pages.SignIn(ClientId, redirectUri, state, notice, _options));
    }

    private void RedirectWithCode(HttpContext context, SsoSession session, string state, DateTimeOffset now)
    {
        var code = _store.IssueCode(session, CallbackUri, now);
        context.Response.Redirect($"{CallbackUri}?code={code}&state={Uri.EscapeDataString(state)}");
    }

    private bool ValidClient(string? clientId, string? redirectUri) => clientId == ClientId && redirectUri == CallbackUri;

    private static Task BadClient(HttpContext context) =>
        WriteHtml(context, StatusCodes.Status400BadRequest, Pages.Error("Bad request", "Unknown client_id or redirect_uri."));

    // ---- Shared ----

    private string MintAccessToken(string email, DateTimeOffset now, TimeSpan lifetime)
    {
        var iat = now.ToUnixTimeSeconds();
        var token = _tokens.Create(UserIdFor(email), email, iat, iat, iat + (long)Math.Ceiling(lifetime.TotalSeconds));
        return _options.AccessTokenOverride?.Invoke(token) ?? token;
    }

    private void RaiseTokenCookiesIssued(DateTimeOffset at)
    {
        lock (_issuedLock)
        {
            _tokenCookiesIssuedAt.Add(at);
        }

        try
        {
            TokenCookiesIssued?.Invoke(at);
        }
        catch (Exception)
        {
            // A failing test handler must not turn the sign-in into a 500 that hides the real assertion.
        }
    }

    /// <summary>Waits <see cref="SimulatorOptions.PageDelay"/>; false when the request was aborted or the simulator is stopping.</summary>
    private async Task<bool> PageDelay(HttpContext context)
    {
        var delay = _options.PageDelay;
        if (delay <= TimeSpan.Zero)
        {
            return true;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(delay, linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return false;
        }
    }

    private static CookieOptions TokenCookie() => new() { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = false };

    private static Task WriteHtml(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(html, context.RequestAborted);
    }

    private static Task WriteJson(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    private static void WriteError(Utf8JsonWriter writer, string error, string description)
    {
        writer.WriteStartObject();
        writer.WriteString("error", error);
        writer.WriteString("error_description", description);
        writer.WriteEndObject();
    }

    private static void WriteGqlError(Utf8JsonWriter writer, string message, string code)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("errors");
        writer.WriteStartObject();
        writer.WriteString("message", message);
        writer.WriteStartObject("extensions");
        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
