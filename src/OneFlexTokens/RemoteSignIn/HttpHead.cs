using System.Text;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>A request line and its headers, read within bounds: the listener faces whatever reaches its port.</summary>
internal sealed class HttpHead
{
    public const int MaxBytes = 8 * 1024;
    public const int MaxHeaders = 100;

    private HttpHead(string method, string path, Dictionary<string, string> headers, bool extraBytes)
    {
        Method = method;
        Path = path;
        Headers = headers;
        ExtraBytes = extraBytes;
    }

    public string Method { get; }

    /// <summary>The request target's path, without its query.</summary>
    public string Path { get; }

    /// <summary>Names case-insensitive; a repeated header's values joined by ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Bytes came after the head before any answer: nothing this server serves has a body.</summary>
    public bool ExtraBytes { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The head, or null when it is malformed, too large, has too many headers, or the peer closed first.</summary>
    public static async Task<HttpHead?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBytes];
        var length = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            var searchFrom = Math.Max(0, length - 3);
            length += read;
            var end = buffer.AsSpan(searchFrom, length - searchFrom).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var headLength = searchFrom + end + 4;
                return Parse(Encoding.Latin1.GetString(buffer, 0, headLength - 4), headLength < length);
            }

            if (length == buffer.Length)
            {
                return null;
            }
        }
    }

    private static HttpHead? Parse(string text, bool extraBytes)
    {
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[2] is not ("HTTP/1.1" or "HTTP/1.0") || !requestLine[1].StartsWith('/')
            || requestLine[0].Length == 0 || !requestLine[0].All(char.IsAsciiLetterUpper) || lines.Length - 1 > MaxHeaders)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(c => c <= ' ' || c >= 127))
            {
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        var target = requestLine[1];
        var query = target.IndexOf('?');
        return new HttpHead(requestLine[0], query < 0 ? target : target[..query], headers, extraBytes);
    }
}
