using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.SignIn;
using Xunit;

namespace OneFlexTokens.Tests.RemoteSignIn;

/// <summary>A clock the test moves: timers fire when <see cref="Advance"/> passes their due time, never on their own.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly List<ManualTimer> timers = new();
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (timers)
        {
            return now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (timers)
        {
            now += by;
            due = timers.Where(t => t.DueAt <= now).ToList();
            foreach (var timer in due)
            {
                timers.Remove(timer);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.timers)
            {
                clock.timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = clock.now + dueTime;
                    clock.timers.Add(this);
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock.timers)
            {
                clock.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The thing that receives the phone's inputs, as the engine's browser would: it records them.</summary>
/// <summary>
/// What the listener applies. The first connection's sizing of the remote page (a ResizeInput the listener makes itself,
/// before anything the phone sends) is kept apart in <see cref="FirstSizing"/> unless <paramref name="keepSizing"/>: the
/// tests of the phone's own messages look at those alone, and one test looks at the sizing.
/// </summary>
internal sealed class RecordingControl(bool keepSizing = false) : IRemoteControl
{
    private readonly ConcurrentQueue<ViewerInput> inputs = new();
    private readonly SemaphoreSlim arrived = new(0);
    private int applied;

    public IReadOnlyList<ViewerInput> Inputs => inputs.ToArray();

    public ResizeInput? FirstSizing { get; private set; }

    public Task ApplyAsync(ViewerInput input, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref applied) == 1 && !keepSizing && input is ResizeInput sizing)
        {
            FirstSizing = sizing;
            return Task.CompletedTask;
        }

        inputs.Enqueue(input);
        arrived.Release();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ViewerInput>> WaitForAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        while (inputs.Count < count)
        {
            await arrived.WaitAsync(timeout.Token);
        }

        return Inputs;
    }
}

internal static class Viewer
{
    public static readonly DateTimeOffset StartTime = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    public static ViewerServer Start(
        ManualClock? clock = null, RemoteSignInSettings? settings = null, List<string>? said = null, ViewerLimits? limits = null) =>
        ViewerServer.Start(
            settings ?? new RemoteSignInSettings { ListenAddress = "127.0.0.1:0" },
            clock ?? new ManualClock(StartTime),
            text => { lock (said ?? new List<string>()) { said?.Add(text); } },
            text => { lock (said ?? new List<string>()) { said?.Add(text); } },
            HostPlatform.Current,
            limits ?? new ViewerLimits());

    public static string SecretOf(ViewerServer server) => new Uri(server.Link.Link).Fragment.TrimStart('#');

    public static string Origin(ViewerServer server) => server.Link.PublicUrl.GetLeftPart(UriPartial.Authority);

    public static Uri WebSocketUri(ViewerServer server, string path = "ws") =>
        new($"ws://127.0.0.1:{server.Port}{server.Link.PublicUrl.AbsolutePath}{path}");

    public static async Task<ClientWebSocket> ConnectAsync(ViewerServer server, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin ?? Origin(server));
        await socket.ConnectAsync(WebSocketUri(server), CancellationToken.None);
        return socket;
    }

    public static Task SendAsync(ClientWebSocket socket, object message) =>
        SendTextAsync(socket, JsonSerializer.Serialize(message));

    public static Task SendTextAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public static async Task<ClientWebSocket> ClaimAsync(ViewerServer server, int width = 390, int height = 700) =>
        (await ClaimWithTokenAsync(server, width, height)).Socket;

    /// <summary>Claims the link; the session's first message is the token the phone rejoins with.</summary>
    public static async Task<(ClientWebSocket Socket, string Token)> ClaimWithTokenAsync(ViewerServer server, int width = 390, int height = 700)
    {
        var socket = await ConnectAsync(server);
        await SendAsync(socket, new { t = "hello", secret = SecretOf(server), w = width, h = height });
        await server.Claimed.WaitAsync(TimeSpan.FromSeconds(40));
        var session = await ReceiveTextAsync(socket);
        Assert.Equal("session", session.GetProperty("t").GetString());
        return (socket, session.GetProperty("resume").GetString()!);
    }

    /// <summary>The next message: (type, bytes), or null when the server closed.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)?> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        using var data = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            data.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, data.ToArray());
            }
        }
    }

    public static async Task<JsonElement> ReceiveTextAsync(ClientWebSocket socket)
    {
        var message = await ReceiveAsync(socket);
        Assert.NotNull(message);
        Assert.Equal(WebSocketMessageType.Text, message.Value.Type);
        return JsonDocument.Parse(message.Value.Data).RootElement.Clone();
    }

    /// <summary>Reads until the server closes; false when it is still open after the timeout.</summary>
    public static async Task<bool> ClosedByServerAsync(ClientWebSocket socket)
    {
        try
        {
            while (await ReceiveAsync(socket) is not null)
            {
            }

            return true;
        }
        catch (WebSocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
