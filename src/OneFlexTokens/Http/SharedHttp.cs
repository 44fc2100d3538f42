using System.Net;

namespace OneFlexTokens.Http;

/// <summary>
/// The one HttpClient of the module: pooled connections (a warm renewal reuses them), no redirects followed, no
/// cookies kept, and no reply longer than <see cref="ReplyLimits.Backstop"/>. Callers set per-request timeouts with
/// cancellation tokens, ask for headers only (HttpCompletionOption.ResponseHeadersRead) and read bodies through
/// <see cref="ReplyLimits.ReadBodyAsync"/>.
/// </summary>
internal static class SharedHttp
{
    private static HttpClient? _client;

    /// <summary>Made on first use, so that work without HTTP (a nothing-due renewal, an offline check) never builds one.</summary>
    public static HttpClient Client => LazyInitializer.EnsureInitialized(ref _client, Create);

    /// <summary>Whether anything has asked for <see cref="Client"/> yet in this process.</summary>
    internal static bool IsCreated => Volatile.Read(ref _client) is not null;

    private static HttpClient Create() => new(new LimitedReplyHandler(ReplyLimits.Backstop, new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
    }))
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}

/// <summary>How much of a reply the module reads: every server can be hostile, so no body is read without a bound.</summary>
internal static class ReplyLimits
{
    /// <summary>The OneFlex API's JSON answers (refresh grant, gql 'me') are a few hundred bytes.</summary>
    public const int Json = 256 * 1024;

    /// <summary>A webhook's answer (read only for a rate limit's retry_after).</summary>
    public const int Webhook = 64 * 1024;

    /// <summary>The Docker Engine API: a container list on a busy NAS is some hundred KB.</summary>
    public const int DockerEngine = 16 * 1024 * 1024;

    /// <summary>Whatever a caller forgets to bound is still bounded by this.</summary>
    public const int Backstop = 1024 * 1024;

    /// <summary>Reads the body, at most <paramref name="limit"/> bytes; a longer one (declared or sent) is a <see cref="ReplyTooLargeException"/>.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new ReplyTooLargeException(limit);
        }

        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return body.ToArray();
            }

            if (body.Length + read > limit)
            {
                throw new ReplyTooLargeException(limit);
            }

            body.Write(buffer, 0, read);
        }
    }

    /// <summary>The limit as people read it: "256 KB".</summary>
    public static string Describe(int limit) => limit >= 1024 * 1024 ? $"{limit / (1024 * 1024)} MB" : $"{limit / 1024} KB";

    /// <summary>The <see cref="ReplyTooLargeException"/> somewhere in <paramref name="failure"/>'s chain, if any.</summary>
    public static ReplyTooLargeException? Find(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is ReplyTooLargeException tooLarge)
            {
                return tooLarge;
            }
        }

        return null;
    }
}

/// <summary>A reply longer than the module reads; reading stopped at the limit.</summary>
internal sealed class ReplyTooLargeException : IOException
{
    public ReplyTooLargeException(int limit)
        : base($"The reply is longer than {ReplyLimits.Describe(limit)}.")
    {
        Limit = limit;
    }

    public int Limit { get; }
}

/// <summary>Gives every reply a body that cannot be read past a limit, whoever reads it (HttpClient's own buffering included); a reply nobody reads costs nothing.</summary>
internal sealed class LimitedReplyHandler : DelegatingHandler
{
    private readonly int _limit;

    public LimitedReplyHandler(int limit, HttpMessageHandler inner)
        : base(inner)
    {
        _limit = limit;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.Content = new LimitedContent(response.Content, _limit);
        return response;
    }

    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly int _limit;

        public LimitedContent(HttpContent inner, int limit)
        {
            _inner = inner;
            _limit = limit;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            using var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            // A reply that says it is too long is refused before a byte of it is read; one that does not, once it is.
            if (_inner.Headers.ContentLength is { } declared && declared > _limit)
            {
                throw new ReplyTooLargeException(_limit);
            }

            return new LimitedReadStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _limit);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class LimitedReadStream : Stream
    {
        private readonly Stream _inner;
        private readonly int _limit;
        private long _read;

        public LimitedReadStream(Stream inner, int limit)
        {
            _inner = inner;
            _limit = limit;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            if (_read > _limit)
            {
                throw new ReplyTooLargeException(_limit);
            }

            return read;
        }
    }
}
