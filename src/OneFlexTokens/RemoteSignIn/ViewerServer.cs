using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>The listener's bounds; tests shorten the head timeout.</summary>
internal sealed record ViewerLimits
{
    /// <summary>For the TLS handshake and the request head, and for the phone's first message: a slow client is cut off.</summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections served at once; more are closed at once, so a flood never queues.</summary>
    public int MaxConnections { get; init; } = 16;
}

/// <summary>
/// The remote sign-in's listener: a small HTTP/1.1 server (TcpListener, SslStream with a certificate) that serves the
/// viewer page and one WebSocket session to the phone that presents the link's secret. Frames go to the phone newest
/// first (one waits at most), the phone's input comes back as a closed set of <see cref="ViewerInput"/> applied in order
/// through the attached <see cref="IRemoteControl"/>. Inputs that arrive before <see cref="Attach"/> wait (up to
/// <see cref="MaxQueuedInputs"/>; more are dropped).
/// </summary>
internal sealed class ViewerServer : IRemoteViewer, IAsyncDisposable
{
    public const int MaxQueuedInputs = 128;

    // Status, focus and dialog messages waiting for the phone; a page that floods status lines loses the oldest.
    private const int MaxQueuedMessages = 64;

    private static readonly byte[] PlainNotFound = Encoding.ASCII.GetBytes("Not found.\n");

    private readonly TcpListener listener;
    private readonly X509Certificate2? certificate;
    private readonly TimeProvider clock;
    private readonly Action<string>? verbose;
    private readonly ViewerLimits limits;
    private readonly string prefix;
    private readonly IReadOnlySet<string> allowedOrigins;
    private readonly SemaphoreSlim connections;
    private readonly CancellationTokenSource stopListening = new();
    private readonly CancellationTokenSource stopAll = new();
    private readonly CancellationTokenSource endSession = new();
    private readonly TaskCompletionSource claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource pageServed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource sessionOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IRemoteControl> control = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<ViewerInput> inputs = Channel.CreateBounded<ViewerInput>(
        new BoundedChannelOptions(MaxQueuedInputs) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<byte[]> messages = new();
    private readonly ConcurrentDictionary<Task, bool> running = new();
    private readonly object gate = new();
    private readonly ITimer expiry;
    private ITimer? sessionCap;
    private Task applier = Task.CompletedTask;
    private ScreenFrame? newestFrame;
    private (int Width, int Height)? viewport;
    private double frameCssWidth;
    private double frameCssHeight;
    private int badSecrets;
    private int sessionStarted;
    private byte[]? resumeToken;
    private CancellationTokenSource? currentPhone;
    private volatile bool closing;
    private int listening = 1;
    private int disposed;

    private ViewerServer(TcpListener listener, X509Certificate2? certificate, SignInLink link, string listenDisplay, IReadOnlySet<string> allowedOrigins,
        TimeProvider clock, Action<string>? verbose, ViewerLimits limits)
    {
        this.listener = listener;
        this.certificate = certificate;
        this.clock = clock;
        this.verbose = verbose;
        this.limits = limits;
        this.allowedOrigins = allowedOrigins;
        Link = link;
        ListenDisplay = listenDisplay;
        prefix = link.PublicUrl.AbsolutePath;
        connections = new SemaphoreSlim(limits.MaxConnections, limits.MaxConnections);
        expiry = clock.CreateTimer(_ => OnExpired(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public SignInLink Link { get; }

    /// <summary>Where it listens and how, e.g. "127.0.0.1:8765 (http)": never the secret.</summary>
    public string ListenDisplay { get; }

    /// <summary>Completes when a phone claims the link; faults RemoteSignInExpired or RemoteSignInLocked.</summary>
    public Task Claimed => claimed.Task;

    /// <summary>
    /// Completes when the viewer page is served while the link is unclaimed: someone is opening it (or a chat app fetches a
    /// preview, which never claims it). <see cref="RearmPageServed"/> makes it wait for the next time.
    /// </summary>
    public Task PageServed => Volatile.Read(ref pageServed).Task;

    public void RearmPageServed()
    {
        var served = Volatile.Read(ref pageServed);
        if (served.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref pageServed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), served);
        }
    }

    /// <summary>Completes on <see cref="Finish"/>; faults RemoteSessionTimeout at <see cref="SignInLink.SessionCap"/> after the claim
    /// (and as <see cref="Claimed"/> does when the link dies unclaimed).</summary>
    public Task SessionOver => sessionOver.Task;

    /// <summary>The bound port (the one the OS chose when port 0 was asked for).</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public (int Width, int Height)? PhoneViewport
    {
        get
        {
            lock (gate)
            {
                return viewport;
            }
        }
    }

    public static ViewerServer Start(RemoteSignInSettings settings, TimeProvider clock, Action<string>? verbose, Action<string>? warning) =>
        Start(settings, clock, verbose, warning, HostPlatform.Current, new ViewerLimits());

    internal static ViewerServer Start(
        RemoteSignInSettings settings, TimeProvider clock, Action<string>? verbose, Action<string>? warning, HostPlatform platform, ViewerLimits limits)
    {
        var endpoint = ListenEndpoint.Parse(settings.ListenAddress);
        var https = settings.CertificatePath is not null;
        if (!https && !endpoint.IsLoopback && !settings.AllowHttp)
        {
            var shown = endpoint.ToString();
            throw new OneFlexException(ErrorIds.InsecureListenAddress, ErrorCategory.SecurityError, Messages.InsecureListenAddress(shown), shown);
        }

        if (settings.PublicUrl is not null)
        {
            SignInLink.CheckPublicUrl(settings.PublicUrl, settings.AllowHttp);
        }

        TimeoutRange.Wait.Check("LinkLifetime", settings.LinkLifetime);
        var certificate = https ? ViewerCertificate.Load(settings.CertificatePath!, platform) : null;
        TcpListener? listener = null;
        try
        {
            listener = Bind(endpoint);
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var derived = settings.PublicUrl is null;
            var publicUrl = settings.PublicUrl ?? endpoint.DefaultPublicUrl(https, port, Dns.GetHostName());
            var link = SignInLink.Create(publicUrl, settings.LinkLifetime, clock, settings.AllowHttp);
            var origins = new HashSet<string>(StringComparer.Ordinal) { UrlPolicy.Origin(link.PublicUrl) };
            if (derived)
            {
                // The listen address itself, when the link's address was made from it (a name of this machine otherwise).
                origins.Add(UrlPolicy.Origin(new Uri($"{(https ? "https" : "http")}://{endpoint.Authority(port)}/")));
            }

            var display = $"{endpoint.Authority(port)} ({(https ? "https" : "http")})";
            if (!https && !endpoint.IsLoopback)
            {
                warning?.Invoke(Messages.PlainHttpOnNetwork(display));
            }

            var server = new ViewerServer(listener, certificate, link, display, origins, clock, verbose, limits);
            server.Begin(settings.LinkLifetime);
            verbose?.Invoke($"Listening for the phone on {display}, public address {link.PublicUrl.AbsoluteUri}.");
            return server;
        }
        catch
        {
            listener?.Stop();
            certificate?.Dispose();
            throw;
        }
    }

    public void Attach(IRemoteControl remoteControl) => control.TrySetResult(remoteControl);

    public void Frame(ScreenFrame frame)
    {
        Interlocked.Exchange(ref newestFrame, frame);
        wake.Writer.TryWrite(true);
    }

    public void Dialog(RemoteDialog dialog) => Send(ViewerProtocol.Dialog(dialog));

    public void Focus(bool editable, string? inputType) => Send(ViewerProtocol.Focus(editable, inputType));

    public void Status(string text) => Send(ViewerProtocol.Status(text));

    /// <summary>Tells the phone the sign-in is over with <paramref name="message"/>, then closes the session and stops listening.</summary>
    public void Finish(string message)
    {
        StopListening();
        sessionCap?.Dispose();
        expiry.Dispose();
        sessionOver.TrySetResult();
        claimed.TrySetCanceled();
        EndSession(ViewerProtocol.Done(message));
        verbose?.Invoke("The sign-in is over; the phone was told and the listener stopped.");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        StopListening();
        expiry.Dispose();
        sessionCap?.Dispose();
        if (!closing && Volatile.Read(ref sessionStarted) == 1)
        {
            EndSession(ViewerProtocol.Ended("closed"));
        }

        // The phone gets a moment to read its last message; then every connection is cut.
        var all = Task.WhenAll(running.Keys);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
        await stopAll.CancelAsync().ConfigureAwait(false);
        await endSession.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(all, applier), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        claimed.TrySetCanceled();
        sessionOver.TrySetCanceled();
        // The connection semaphore stays: a connection cut late still releases its slot.
        certificate?.Dispose();
    }

    private static TcpListener Bind(ListenEndpoint endpoint)
    {
        var listener = new TcpListener(endpoint.Address, endpoint.Port);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.Server.DualMode = true;
            }

            listener.Start();
            return listener;
        }
        catch (SocketException e)
        {
            listener.Stop();
            var shown = endpoint.ToString();
            throw e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? new OneFlexException(ErrorIds.ListenAddressInUse, ErrorCategory.ResourceBusy, Messages.ListenAddressInUse(shown), shown, e)
                : new OneFlexException(ErrorIds.ListenFailed, ErrorCategory.ResourceUnavailable, Messages.ListenFailed(shown, e.Message), shown, e);
        }
    }

    private void Begin(TimeSpan lifetime)
    {
        expiry.Change(lifetime, Timeout.InfiniteTimeSpan);
        Track(AcceptLoopAsync());
    }

    private void Track(Task task)
    {
        running.TryAdd(task, true);
        task.ContinueWith(t => running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Send(byte[] message)
    {
        messages.Enqueue(message);
        while (messages.Count > MaxQueuedMessages && messages.TryDequeue(out _))
        {
        }

        wake.Writer.TryWrite(true);
    }

    /// <summary>The last message is queued before the writer may see <see cref="closing"/>, and the writer is woken after it.</summary>
    private void EndSession(byte[] lastMessage)
    {
        messages.Enqueue(lastMessage);
        closing = true;
        wake.Writer.TryWrite(true);
    }

    private void StopListening()
    {
        if (Interlocked.Exchange(ref listening, 0) == 1)
        {
            stopListening.Cancel();
            listener.Stop();
        }
    }

    private void OnExpired()
    {
        if (Link.SessionEndsAt is null && !claimed.Task.IsCompleted)
        {
            var failure = new OneFlexException(ErrorIds.RemoteSignInExpired, ErrorCategory.OperationTimeout, Messages.RemoteSignInExpired(Link.ExpiresAt), Link.ToString());
            claimed.TrySetException(failure);
            sessionOver.TrySetException(failure);
            StopListening();
            verbose?.Invoke("The sign-in link expired unused; the listener stopped.");
        }
    }

    private void OnSessionCap()
    {
        var failure = new OneFlexException(ErrorIds.RemoteSessionTimeout, ErrorCategory.OperationTimeout, Messages.RemoteSessionTimeout(SignInLink.SessionCap), Link.ToString());
        if (sessionOver.TrySetException(failure))
        {
            StopListening();
            EndSession(ViewerProtocol.Ended("timeout"));
            verbose?.Invoke("The remote session reached its time limit and ended.");
        }
    }

    private void LockDown(int count)
    {
        var failure = new OneFlexException(ErrorIds.RemoteSignInLocked, ErrorCategory.SecurityError, Messages.RemoteSignInLocked(count), Link.ToString());
        claimed.TrySetException(failure);
        sessionOver.TrySetException(failure);
        StopListening();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopListening.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopListening.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!connections.Wait(0))
            {
                // Full: closed at once, so a flood costs nothing that lasts.
                socket.Dispose();
                continue;
            }

            Track(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var client = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "an unknown address";
        try
        {
            await using var network = new NetworkStream(socket, ownsSocket: true);
            Stream stream = network;
            using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopAll.Token);
            headTimeout.CancelAfter(limits.HeadTimeout);
            if (certificate is not null)
            {
                var tls = new SslStream(network, leaveInnerStreamOpen: true);
                stream = tls;
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, headTimeout.Token).ConfigureAwait(false);
            }

            await using (stream.ConfigureAwait(false))
            {
                var head = await HttpHead.ReadAsync(stream, headTimeout.Token).ConfigureAwait(false);
                if (head is null)
                {
                    await RespondAsync(stream, 400, "Bad Request", PlainNotFound, headTimeout.Token).ConfigureAwait(false);
                    return;
                }

                await RouteAsync(stream, head, client, headTimeout).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or AuthenticationException
            or WebSocketException or ObjectDisposedException)
        {
            // A client that went away, was too slow, or spoke no TLS: nothing to tell anyone.
        }
        finally
        {
            connections.Release();
        }
    }

    private async Task RouteAsync(Stream stream, HttpHead head, string client, CancellationTokenSource headTimeout)
    {
        var isPage = head.Path == prefix || head.Path == prefix + "index.html" || head.Path is "/" or "/index.html";
        var isSession = head.Path == prefix + "ws" || head.Path == "/ws";
        if (!isPage && !isSession)
        {
            await RespondAsync(stream, 404, "Not Found", PlainNotFound, headTimeout.Token).ConfigureAwait(false);
            return;
        }

        if (head.Method != "GET")
        {
            await RespondAsync(stream, 405, "Method Not Allowed", PlainNotFound, headTimeout.Token, ("Allow", "GET")).ConfigureAwait(false);
            return;
        }

        if (isPage)
        {
            if (!claimed.Task.IsCompleted)
            {
                Volatile.Read(ref pageServed).TrySetResult();
            }

            await RespondAsync(stream, 200, "OK", ViewerPage.Utf8, headTimeout.Token, ("Content-Type", "text/html; charset=utf-8")).ConfigureAwait(false);
            return;
        }

        var key = head.Header("Sec-WebSocket-Key");
        if (head.ExtraBytes || key is null || !IsWebSocketKey(key) || head.Header("Sec-WebSocket-Version") != "13"
            || head.Header("Upgrade")?.Contains("websocket", StringComparison.OrdinalIgnoreCase) != true
            || head.Header("Connection")?.Contains("upgrade", StringComparison.OrdinalIgnoreCase) != true)
        {
            await RespondAsync(stream, 400, "Bad Request", PlainNotFound, headTimeout.Token).ConfigureAwait(false);
            return;
        }

        if (head.Header("Origin") is not { } origin || !allowedOrigins.Contains(origin.ToLowerInvariant()))
        {
            verbose?.Invoke($"Refused a client from {client}: its page is not the sign-in page (Origin).");
            await RespondAsync(stream, 403, "Forbidden", PlainNotFound, headTimeout.Token).ConfigureAwait(false);
            return;
        }

        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        await RespondAsync(stream, 101, "Switching Protocols", null, headTimeout.Token,
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept)).ConfigureAwait(false);
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(20) });
        verbose?.Invoke($"Phone connected from {client}.");
        var buffer = new byte[ViewerProtocol.MaxMessageBytes];
        var first = await ReceiveAsync(socket, buffer, headTimeout.Token).ConfigureAwait(false);
        var hello = first is { Type: WebSocketMessageType.Text } message ? ViewerProtocol.ParseHello(buffer.AsSpan(0, message.Length)) : null;
        if (hello is { Resume: true })
        {
            if (MayResume(hello.Secret))
            {
                verbose?.Invoke($"The phone reconnected from {client}.");
                await RunPhoneAsync(socket, hello, buffer).ConfigureAwait(false);
            }
            else
            {
                verbose?.Invoke($"Refused a client from {client}: it tried to rejoin the session without its token.");
                await RefuseAsync(socket, "claimed", headTimeout.Token).ConfigureAwait(false);
            }

            return;
        }

        var result = Link.TryClaim(hello?.Secret, clock.GetUtcNow());
        switch (result)
        {
            case ClaimResult.Claimed when hello is not null && Own(hello):
                verbose?.Invoke($"Link claimed by the phone at {client}.");
                await RunSessionAsync(socket, hello, buffer).ConfigureAwait(false);
                return;
            case ClaimResult.Claimed:
                await RefuseAsync(socket, "expired", headTimeout.Token).ConfigureAwait(false);
                return;
            case ClaimResult.AlreadyClaimed:
                verbose?.Invoke($"Refused a client from {client}: the link was already used.");
                await RefuseAsync(socket, "claimed", headTimeout.Token).ConfigureAwait(false);
                return;
            case ClaimResult.Expired:
                verbose?.Invoke($"Refused a client from {client}: the link has expired.");
                await RefuseAsync(socket, "expired", headTimeout.Token).ConfigureAwait(false);
                return;
            case ClaimResult.Wrong:
                var count = Interlocked.Increment(ref badSecrets);
                verbose?.Invoke($"Refused a client from {client}: wrong secret ({count} of {SignInLink.MaxBadSecrets}).");
                await RefuseAsync(socket, "wrong", headTimeout.Token).ConfigureAwait(false);
                return;
            default:
                var total = Interlocked.Increment(ref badSecrets);
                if (total <= SignInLink.MaxBadSecrets)
                {
                    verbose?.Invoke($"Refused a client from {client}: wrong secret ({total} of {SignInLink.MaxBadSecrets}); the link is locked and the listener stops.");
                    LockDown(total);
                }

                await RefuseAsync(socket, "locked", headTimeout.Token).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>The claiming phone's viewport is known before anyone awaiting <see cref="Claimed"/> looks at it.</summary>
    private bool Own(ViewerHello hello)
    {
        lock (gate)
        {
            viewport = (hello.Width, hello.Height);
        }

        return claimed.TrySetResult();
    }

    private async Task RunSessionAsync(WebSocket socket, ViewerHello hello, byte[] buffer)
    {
        Volatile.Write(ref resumeToken, Encoding.ASCII.GetBytes(Base64Url(RandomNumberGenerator.GetBytes(SignInLink.SecretBytes))));
        Volatile.Write(ref sessionStarted, 1);
        expiry.Dispose();
        sessionCap = clock.CreateTimer(_ => OnSessionCap(), null, SignInLink.SessionCap, Timeout.InfiniteTimeSpan);
        applier = SwallowAsync(ApplyLoopAsync(endSession.Token));
        await RunPhoneAsync(socket, hello, buffer).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="token"/> rejoins the claimed session: a phone that left for its authenticator app comes back on
    /// a new connection. Compared in constant time; never once the session is over or its phone broke the protocol.
    /// </summary>
    private bool MayResume(string token)
    {
        var expected = Volatile.Read(ref resumeToken);
        return expected is not null && !closing && !sessionOver.Task.IsCompleted && token.Length == expected.Length
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token), expected);
    }

    /// <summary>One connection of the phone that owns the session; a newer one (it came back) replaces it.</summary>
    private async Task RunPhoneAsync(WebSocket socket, ViewerHello hello, byte[] buffer)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(endSession.Token, stopAll.Token);
        var previous = Interlocked.Exchange(ref currentPhone, connection);
        if (previous is not null)
        {
            CancelQuietly(previous);
        }

        bool resized;
        lock (gate)
        {
            // The first connection always sizes the page: a browser started before the phone came has a viewport of its own.
            resized = previous is null || (viewport is not null && viewport != (hello.Width, hello.Height));
            viewport = (hello.Width, hello.Height);
        }

        if (resized)
        {
            inputs.Writer.TryWrite(new ResizeInput(hello.Width, hello.Height));
        }

        // Before the writer starts: the socket takes one send at a time.
        await socket.SendAsync(ViewerProtocol.Session(Encoding.ASCII.GetString(Volatile.Read(ref resumeToken)!)), WebSocketMessageType.Text, true, connection.Token)
            .ConfigureAwait(false);
        wake.Writer.TryWrite(true);
        var writer = WriteLoopAsync(socket, connection.Token);
        try
        {
            var reason = await ReadLoopAsync(socket, buffer, connection.Token).ConfigureAwait(false);
            if (reason is not null)
            {
                // A phone that broke the rules does not come back.
                Volatile.Write(ref resumeToken, null);
                verbose?.Invoke($"Closed the phone's connection: {reason}; nothing of that message was applied.");
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, null, connection.Token).ConfigureAwait(false);
            }
            else if (!closing)
            {
                verbose?.Invoke("The phone disconnected; it may come back on a new connection until the session ends.");
            }
        }
        finally
        {
            Interlocked.CompareExchange(ref currentPhone, null, connection);
            CancelQuietly(connection);
            await SwallowAsync(writer).ConfigureAwait(false);
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That connection has ended already.
        }
    }

    private static string Base64Url(byte[] bytes)
    {
        var text = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CryptographicOperations.ZeroMemory(bytes);
        return text;
    }

    /// <summary>Reads the phone's inputs until it closes (null) or breaks a rule (what it broke).</summary>
    private async Task<string?> ReadLoopAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var bucket = new TokenBucket(clock);
        while (true)
        {
            var message = await ReceiveAsync(socket, buffer, cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                return null;
            }

            if (message.Value.Length < 0)
            {
                return $"a message over {ViewerProtocol.MaxMessageBytes / 1024} KB";
            }

            if (!bucket.TryTake())
            {
                return "too many messages a second";
            }

            double width;
            double height;
            lock (gate)
            {
                width = Math.Max(viewport?.Width ?? 0, frameCssWidth);
                height = Math.Max(viewport?.Height ?? 0, frameCssHeight);
            }

            var input = message.Value.Type == WebSocketMessageType.Text
                ? ViewerProtocol.ParseInput(buffer.AsSpan(0, message.Value.Length), width, height)
                : null;
            if (input is null)
            {
                return "a message outside the protocol";
            }

            if (input is ResizeInput resize)
            {
                lock (gate)
                {
                    viewport = (resize.Width, resize.Height);
                }
            }

            inputs.Writer.TryWrite(input);
        }
    }

    /// <summary>The one writer of the socket: queued messages in order, then the newest frame (older ones were replaced).</summary>
    private async Task WriteLoopAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            await wake.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            while (messages.TryDequeue(out var text))
            {
                await socket.SendAsync(text, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }

            if (closing)
            {
                while (messages.TryDequeue(out var last))
                {
                    await socket.SendAsync(last, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                }

                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (Interlocked.Exchange(ref newestFrame, null) is { } frame)
            {
                lock (gate)
                {
                    frameCssWidth = frame.CssWidth;
                    frameCssHeight = frame.CssHeight;
                }

                await socket.SendAsync(ViewerProtocol.FrameMessage(frame), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
                FramesSent++;
            }
        }
    }

    /// <summary>How many frames went to the phone (the rest were replaced by newer ones first).</summary>
    internal int FramesSent { get; private set; }

    private async Task ApplyLoopAsync(CancellationToken cancellationToken)
    {
        var remote = await control.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var input in inputs.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await remote.ApplyAsync(input, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The contract says it never throws; if it does, the next input still goes. Only the type: the message may quote typed text.
                verbose?.Invoke($"An input from the phone could not be applied ({e.GetType().Name}).");
            }
        }
    }

    /// <summary>One whole message into <paramref name="buffer"/>: its type and length, length -1 when it is too big, null when the peer closed.</summary>
    private static async Task<(WebSocketMessageType Type, int Length)?> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, length);
            }

            if (length == buffer.Length)
            {
                return (result.MessageType, -1);
            }
        }
    }

    private static async Task RefuseAsync(WebSocket socket, string reason, CancellationToken cancellationToken)
    {
        await socket.SendAsync(ViewerProtocol.Refused(reason), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RespondAsync(Stream stream, int status, string reason, byte[]? body, CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append(' ').Append(reason).Append("\r\n")
            .Append("Cache-Control: no-store\r\n")
            .Append("Referrer-Policy: no-referrer\r\n")
            .Append("X-Content-Type-Options: nosniff\r\n")
            .Append("X-Frame-Options: DENY\r\n")
            .Append("Content-Security-Policy: ").Append(ViewerPage.ContentSecurityPolicy).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (body is not null)
        {
            if (!headers.Any(h => h.Name == "Content-Type"))
            {
                head.Append("Content-Type: text/plain; charset=utf-8\r\n");
            }

            head.Append("Content-Length: ").Append(body.Length).Append("\r\nConnection: close\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
        if (body is not null)
        {
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsWebSocketKey(string key)
    {
        Span<byte> bytes = stackalloc byte[24];
        return Convert.TryFromBase64String(key, bytes, out var count) && count == 16;
    }

    private static async Task SwallowAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException or ChannelClosedException)
        {
            // The session ended: its loops stop however they stop.
        }
    }
}
