using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>The refresh client's retry and mapping rules, against a real local HTTP endpoint that answers what each test scripts.</summary>
public sealed class RefreshGrantClientTests : IDisposable
{
    private const string RefreshToken = "0123456789abcdef0123";
    private static readonly string GrantedJwt = OneFlexTokens.Tests.Harness.TestJwt.Valid();
    private readonly ScriptedEndpoint _endpoint = new();

    public void Dispose() => _endpoint.Dispose();

    private static RefreshGrantClient Client(int attempts = 3) => new(maxAttempts: attempts, firstBackoff: TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task Success_sends_the_grant_as_json_and_keeps_the_refresh_token()
    {
        _endpoint.Answer(200, $"{{\"token_type\":\"bearer\",\"access_token\":\"{GrantedJwt}\"}}");
        var result = await Client().RequestAsync(_endpoint.BaseUrl, RefreshToken, null, CancellationToken.None);
        Assert.True(result.Granted);
        Assert.Equal(GrantedJwt, result.AccessToken);
        Assert.Equal(RefreshToken, result.RefreshToken);
        var (path, body) = Assert.Single(_endpoint.Requests);
        Assert.Equal("/api/auth/token", path);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("refresh_token", json.RootElement.GetProperty("grant_type").GetString());
        Assert.Equal(RefreshToken, json.RootElement.GetProperty("refresh_token").GetString());
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    public async Task Rejection_is_a_result_not_retried(int status)
    {
        _endpoint.Answer(status, "{\"error\":\"invalid_grant\"}");
        var result = await Client().RequestAsync(_endpoint.BaseUrl, RefreshToken, null, CancellationToken.None);
        Assert.False(result.Granted);
        Assert.Equal(status, result.StatusCode);
        Assert.Single(_endpoint.Requests);
    }

    [Fact]
    public async Task Server_errors_are_retried_then_succeed()
    {
        _endpoint.Answer(503, "busy");
        _endpoint.Answer(500, "oops");
        _endpoint.Answer(200, $"{{\"access_token\":\"{GrantedJwt}\",\"refresh_token\":\"fedcba9876543210fedc\"}}");
        var verbose = new List<string>();
        var result = await Client().RequestAsync(_endpoint.BaseUrl, RefreshToken, verbose.Add, CancellationToken.None);
        Assert.True(result.Granted);
        Assert.Equal("fedcba9876543210fedc", result.RefreshToken);
        Assert.Equal(3, _endpoint.Requests.Count);
        Assert.Contains(verbose, v => v.Contains("attempt 1 of 3"));
        Assert.DoesNotContain(verbose, v => v.Contains(RefreshToken) || v.Contains(GrantedJwt));
    }

    [Fact]
    public async Task A_rate_limit_is_retried_after_the_pause_its_Retry_After_asks_for()
    {
        _endpoint.Answer(429, "slow down", retryAfter: "0.3");
        _endpoint.Answer(200, $"{{\"access_token\":\"{GrantedJwt}\"}}");
        var verbose = new List<string>();

        var result = await Client().RequestAsync(_endpoint.BaseUrl, RefreshToken, verbose.Add, CancellationToken.None);

        Assert.True(result.Granted);
        Assert.Equal(2, _endpoint.Requests.Count);
        Assert.Contains(verbose, v => v.Contains("(HTTP 429); retrying in 300 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Persistent_server_errors_end_in_ServiceError_after_a_bounded_number_of_attempts()
    {
        for (var i = 0; i < 5; i++)
        {
            _endpoint.Answer(500, "oops " + RefreshToken);
        }

        var failure = await Assert.ThrowsAsync<OneFlexException>(() => Client(attempts: 2).RequestAsync(_endpoint.BaseUrl, RefreshToken, null, CancellationToken.None));
        Assert.Equal(ErrorIds.ServiceError, failure.ErrorId);
        Assert.Contains("HTTP 500", failure.Message);
        Assert.Contains("2 attempt", failure.Message);
        Assert.DoesNotContain(RefreshToken, failure.ToString());
        Assert.Equal(2, _endpoint.Requests.Count);
    }

    [Fact]
    public async Task Unreachable_service_ends_in_ServiceUnreachable()
    {
        var closedPort = OneFlexBaseUrl.Validate($"http://127.0.0.1:{ScriptedEndpoint.FreePort()}");
        var failure = await Assert.ThrowsAsync<OneFlexException>(() => Client(attempts: 2).RequestAsync(closedPort, RefreshToken, null, CancellationToken.None));
        Assert.Equal(ErrorIds.ServiceUnreachable, failure.ErrorId);
        Assert.Contains("2 attempt", failure.Message);
        Assert.DoesNotContain(RefreshToken, failure.ToString());
    }

    [Fact]
    public async Task A_200_without_an_access_token_is_a_clear_error()
    {
        _endpoint.Answer(200, "<html>a login page</html>");
        var failure = await Assert.ThrowsAsync<OneFlexException>(() => Client().RequestAsync(_endpoint.BaseUrl, RefreshToken, null, CancellationToken.None));
        Assert.Equal(ErrorIds.ServiceError, failure.ErrorId);
        Assert.Contains("-BaseUrl", failure.Message);
    }

    [Fact]
    public async Task Cancellation_stops_the_retries()
    {
        for (var i = 0; i < 5; i++)
        {
            _endpoint.Answer(500, "oops");
        }

        using var cancel = new CancellationTokenSource();
        var client = new RefreshGrantClient(maxAttempts: 5, firstBackoff: TimeSpan.FromMinutes(1), timeout: TimeSpan.FromMinutes(10));
        var running = client.RequestAsync(_endpoint.BaseUrl, RefreshToken, _ => cancel.Cancel(), cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Single(_endpoint.Requests);
    }

    /// <summary>A real HTTP listener on loopback that answers from a queue and records what it got.</summary>
    private sealed class ScriptedEndpoint : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly System.Collections.Concurrent.ConcurrentQueue<(int Status, string Body, string? RetryAfter)> _answers = new();

        public ScriptedEndpoint()
        {
            var port = FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            BaseUrl = OneFlexBaseUrl.Validate($"http://127.0.0.1:{port}");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public OneFlexBaseUrl BaseUrl { get; }

        public void Answer(int status, string body, string? retryAfter = null) => _answers.Enqueue((status, body, retryAfter));

        public List<(string Path, string Body)> Requests { get; } = new();

        public static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (Requests)
                {
                    Requests.Add((context.Request.Url!.AbsolutePath, body));
                }

                var (status, text, retryAfter) = _answers.TryDequeue(out var answer) ? answer : (404, "", null);
                context.Response.StatusCode = status;
                if (retryAfter is not null)
                {
                    context.Response.Headers["Retry-After"] = retryAfter;
                }

                context.Response.ContentType = text.StartsWith('{') ? "application/json" : "text/html";
                var bytes = Encoding.UTF8.GetBytes(text);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
        }
    }
}
