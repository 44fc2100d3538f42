using System.Management.Automation;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Docker.DotNet;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Docker;

/// <summary>Turns what the Docker client throws into the module's failures, each with its own id and a fix.</summary>
internal static class DockerFailures
{
    public static OneFlexException Map(Exception failure, DockerEndpoint endpoint, string? container = null)
    {
        if (failure is OneFlexException known)
        {
            return known;
        }

        if (failure is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            return Map(aggregate.InnerExceptions[0], endpoint, container);
        }

        if (ReplyLimits.Find(failure) is { } tooLarge)
        {
            return NotAnEngine(endpoint, Messages.DockerReplyTooLarge(ReplyLimits.Describe(tooLarge.Limit)), failure);
        }

        if (Find<System.Text.Json.JsonException>(failure) is not null)
        {
            return NotAnEngine(endpoint, Messages.DockerReplyNotJson, failure);
        }

        if (Find<SocketException>(failure) is { } socket)
        {
            return socket.SocketErrorCode == SocketError.AccessDenied || socket.NativeErrorCode == 13
                ? PermissionDenied(endpoint, failure)
                : Unreachable(endpoint, SocketReason(socket, endpoint), failure);
        }

        if (Find<UnauthorizedAccessException>(failure) is not null)
        {
            return PermissionDenied(endpoint, failure);
        }

        return failure switch
        {
            DockerContainerNotFoundException => new OneFlexException(ErrorIds.ContainerNotFound, ErrorCategory.ObjectNotFound,
                Messages.ContainerGone(container, endpoint.Display), container, failure),
            DockerApiException api when EngineMessage(api) is null =>
                NotAnEngine(endpoint, Messages.DockerReplyNotEngineError((int)api.StatusCode), failure),
            DockerApiException api => new OneFlexException(ErrorIds.DockerEngineError, ErrorCategory.InvalidOperation,
                Messages.DockerEngineError(container ?? "the bot", endpoint.Display, (int)api.StatusCode, EngineMessage(api)), container, failure),
            AuthenticationException tls => Unreachable(endpoint, Messages.DockerTlsFailed + " " + tls.Message, failure),
            HttpRequestException http => Unreachable(endpoint, Find<AuthenticationException>(http) is { } tls ? Messages.DockerTlsFailed + " " + tls.Message : http.Message, failure),
            TimeoutException or TaskCanceledException => Unreachable(endpoint, Messages.DockerNoAnswer, failure),
            IOException io => Unreachable(endpoint, io.Message, failure),
            _ => new OneFlexException(ErrorIds.DockerEngineError, ErrorCategory.InvalidOperation,
                Messages.DockerEngineError(container ?? "the bot", endpoint.Display, 0, failure.Message), container, failure),
        };
    }

    /// <summary>
    /// What a socket error means for this endpoint, in the module's words: the OS text for a missing unix socket is
    /// "Cannot assign requested address", which sends users the wrong way.
    /// </summary>
    internal static string SocketReason(SocketException socket, DockerEndpoint endpoint) => endpoint.Transport switch
    {
        DockerTransport.Unix => UnixSocketReason(socket, endpoint.Address),
        DockerTransport.Tcp => socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => Messages.DockerPortRefused(endpoint.Address),
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => Messages.DockerHostNotFound(endpoint.Address),
            SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable => Messages.DockerHostNoRoute(endpoint.Address),
            _ => socket.Message,
        },
        _ => socket.Message,
    };

    /// <summary>The OS reports both a missing socket and a dead one oddly (AddressNotAvailable): the file itself says which.</summary>
    private static string UnixSocketReason(SocketException socket, string path)
    {
        try
        {
            return PlatformFiles.Inspect(path).Kind switch
            {
                FileKind.Missing => Messages.DockerSocketMissing(path),
                FileKind.Socket => Messages.DockerSocketRefused(path),
                _ => Messages.DockerSocketNotASocket(path),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return socket.Message;
        }
    }

    public static OneFlexException PermissionDenied(DockerEndpoint endpoint, Exception? inner = null) =>
        new(ErrorIds.DockerPermissionDenied, ErrorCategory.PermissionDenied, Messages.DockerPermissionDenied(endpoint.Display), endpoint.Display, inner);

    public static OneFlexException Unreachable(DockerEndpoint endpoint, string reason, Exception? inner = null)
    {
        var hint = endpoint.Transport switch
        {
            DockerTransport.Unix => Messages.DockerUnreachableUnixHint,
            DockerTransport.NamedPipe => Messages.DockerUnreachablePipeHint,
            _ => Messages.DockerUnreachableTcpHint,
        };
        return new OneFlexException(ErrorIds.DockerUnreachable, ErrorCategory.ResourceUnavailable,
            Messages.DockerUnreachable(endpoint.Display, reason.TrimEnd('.'), hint), endpoint.Display, inner);
    }

    public static OneFlexException NotAnEngine(DockerEndpoint endpoint, string what, Exception? inner = null) =>
        new(ErrorIds.DockerNotAnEngine, ErrorCategory.InvalidResult, Messages.DockerNotAnEngine(endpoint.Display, what), endpoint.Display, inner);

    /// <summary>The engine's own error text (its replies are JSON with a 'message'), bounded; null when the reply is not an engine's.</summary>
    private static string? EngineMessage(DockerApiException api)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(api.ResponseBody ?? "");
            if (JsonFields.String(json.RootElement, "message") is { } message)
            {
                return SecretScrubber.Quote(message, 500);
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return null;
    }

    private static T? Find<T>(Exception failure) where T : Exception
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(f => f is not null) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
