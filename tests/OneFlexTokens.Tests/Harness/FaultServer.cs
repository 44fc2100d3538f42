using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OneFlexTokens.Tests.Harness;

/// <summary>One request as the fault server read it.</summary>
public sealed record FaultRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1, written on a bare socket so that it can misbehave in ways a web framework
/// will not: endless chunked bodies, a Content-Length of hundreds of MB, bodies that trickle, no answer at all. Each
/// request gets its answer from a responder; every connection is closed after one answer. It counts the body bytes
/// it managed to send, which says how much of a reply a client really read.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    /// <summary>Writes the whole answer (status line, headers, body) to the connection.</summary>
    public delegate Task Responder(FaultRequest request, Stream connection, CancellationToken cancellationToken);

    private const int ChunkSize = 64 * 1024;
    private static readonly byte[] Filler = Enumerable.Repeat((byte)'a', ChunkSize).ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<FaultRequest> _received = new();
    private readonly ConcurrentBag<Task> _connections = new();
    private readonly Task _accepting;
    private long _bytesSent;

    public FaultServer(Responder respond)
    {
        Respond = respond;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>What the next requests get; tests may change it between runs.</summary>
    public Responder Respond { get; set; }

    public Uri Url { get; }

    /// <summary>The server's origin without the final '/', as -BaseUrl takes it.</summary>
    public string Origin => Url.ToString().TrimEnd('/');

    public string TcpHost => $"tcp://127.0.0.1:{Url.Port}";

    public IReadOnlyList<FaultRequest> Received => _received.ToArray();

    /// <summary>Bytes written to clients so far (heads and bodies): a reply nobody reads stops once the socket buffers are full.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    // ---- Responders ----

    public static Responder Json(int status, string body) => (_, connection, ct) =>
        WriteAsync(connection, Head(status, "application/json", Encoding.UTF8.GetByteCount(body)) + body, ct);

    public static Responder Bytes(int status, string contentType, byte[] body) => async (_, connection, ct) =>
    {
        await WriteAsync(connection, Head(status, contentType, body.Length), ct);
        await connection.WriteAsync(body, ct);
    };

    public static Responder Html(int status) => Bytes(status, "text/html", Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><h1>It works!</h1></body></html>"));

    /// <summary>A chunked body that starts with <paramref name="prefix"/> and then never ends.</summary>
    public static Responder Endless(int status, string prefix) => async (_, connection, ct) =>
    {
        await WriteAsync(connection, $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", ct);
        await WriteChunkAsync(connection, Encoding.UTF8.GetBytes(prefix), ct);
        while (true)
        {
            await WriteChunkAsync(connection, Filler, ct);
        }
    };

    /// <summary>A body that declares <paramref name="length"/> bytes, starts with <paramref name="prefix"/> and sends filler up to that length.</summary>
    public static Responder Declared(int status, long length, string prefix) => async (_, connection, ct) =>
    {
        await WriteAsync(connection, Head(status, "application/json", length), ct);
        var head = Encoding.UTF8.GetBytes(prefix);
        await connection.WriteAsync(head, ct);
        for (var left = length - head.Length; left > 0; left -= ChunkSize)
        {
            await connection.WriteAsync(Filler.AsMemory(0, (int)Math.Min(ChunkSize, left)), ct);
        }
    };

    /// <summary>Reads the request and never answers.</summary>
    public static Responder Hang => (_, _, ct) => Task.Delay(Timeout.Infinite, ct);

    /// <summary>Answers 200 at once, then one byte of body now and then, forever.</summary>
    public static Responder Trickle(TimeSpan every) => async (_, connection, ct) =>
    {
        await WriteAsync(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", ct);
        await WriteChunkAsync(connection, "{"u8.ToArray(), ct);
        while (true)
        {
            await Task.Delay(every, ct);
            await WriteChunkAsync(connection, " "u8.ToArray(), ct);
        }
    };

    private static string Head(int status, string contentType, long length) =>
        $"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n";

    private static Task WriteAsync(Stream connection, string text, CancellationToken ct) =>
        connection.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

    private static async Task WriteChunkAsync(Stream connection, byte[] data, CancellationToken ct)
    {
        await WriteAsync(connection, data.Length.ToString("x") + "\r\n", ct);
        await connection.WriteAsync(data, ct);
        await WriteAsync(connection, "\r\n", ct);
    }

    // ---- Serving ----

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception)
            {
                return;
            }

            _connections.Add(Task.Run(() => ServeAsync(client)));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = new CountingStream(client.GetStream(), this);
                var request = await ReadRequestAsync(stream, _stopping.Token);
                if (request is null)
                {
                    return;
                }

                _received.Enqueue(request);
                await Respond(request, stream, _stopping.Token);
                await stream.FlushAsync(_stopping.Token);
            }
            catch (Exception)
            {
                // The client went away (it stopped reading, or timed out) or the server is stopping: both are the point.
            }
        }
    }

    private static async Task<FaultRequest?> ReadRequestAsync(Stream stream, CancellationToken ct)
    {
        var requestLine = await ReadLineAsync(stream, ct);
        if (string.IsNullOrEmpty(requestLine))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await ReadLineAsync(stream, ct); !string.IsNullOrEmpty(line); line = await ReadLineAsync(stream, ct))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = new MemoryStream();
        if (headers.TryGetValue("Content-Length", out var length) && int.TryParse(length, out var bytes))
        {
            await CopyExactlyAsync(stream, body, bytes, ct);
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            for (var size = Convert.ToInt32((await ReadLineAsync(stream, ct)).Split(';')[0], 16); size > 0; size = Convert.ToInt32((await ReadLineAsync(stream, ct)).Split(';')[0], 16))
            {
                await CopyExactlyAsync(stream, body, size, ct);
                await ReadLineAsync(stream, ct);
            }

            await ReadLineAsync(stream, ct);
        }

        var parts = requestLine.Split(' ');
        return new FaultRequest(parts[0], parts.Length > 1 ? parts[1] : "/", headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (line.Length < 64 * 1024 && await stream.ReadAsync(one, ct) == 1)
        {
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }

        return line.ToString();
    }

    private static async Task CopyExactlyAsync(Stream from, Stream to, int count, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(count, 64 * 1024) + 1];
        while (count > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, Math.Min(count, buffer.Length)), ct);
            if (read == 0)
            {
                return;
            }

            to.Write(buffer, 0, read);
            count -= read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections);
        _stopping.Dispose();
    }

    /// <summary>Counts what the server writes.</summary>
    private sealed class CountingStream(Stream inner, FaultServer server) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Interlocked.Add(ref server._bytesSent, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Interlocked.Add(ref server._bytesSent, buffer.Length);
        }
    }
}
