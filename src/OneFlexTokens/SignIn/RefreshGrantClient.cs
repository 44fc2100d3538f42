using System.Management.Automation;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneFlexTokens.Common;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.SignIn;

/// <summary>What the refresh grant gave: a new access token, or a rejection (the SSO session behind it is gone).</summary>
public sealed record RefreshGrantResult(bool Granted, string? AccessToken, string? RefreshToken, int StatusCode)
{
    public static RefreshGrantResult Rejected(int status) => new(false, null, null, status);
}

/// <summary>
/// POST {base}/api/auth/token with the refresh token. 400/401/403 are a rejection (the caller may fall back to the
/// browser); network failures, timeouts and 5xx are retried a bounded number of times, all within one total deadline,
/// then reported. The reply is read up to <see cref="ReplyLimits.Json"/> and the tokens in it are checked before
/// they are returned. Token text never goes into an exception or a message.
/// </summary>
public sealed class RefreshGrantClient
{
    /// <summary>The whole grant, retries included, when the caller gives no timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public RefreshGrantClient(HttpClient? http = null, int maxAttempts = 3, TimeSpan? firstBackoff = null, TimeSpan? attemptTimeout = null, TimeSpan? timeout = null)
    {
        _http = http ?? SharedHttp.Client;
        MaxAttempts = Math.Max(1, maxAttempts);
        FirstBackoff = firstBackoff ?? TimeSpan.FromMilliseconds(500);
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(20);
        Timeout = timeout ?? DefaultTimeout;
    }

    public int MaxAttempts { get; }

    public TimeSpan FirstBackoff { get; }

    /// <summary>One attempt, within <see cref="Timeout"/>.</summary>
    public TimeSpan AttemptTimeout { get; }

    /// <summary>The whole grant: every attempt and every pause between them.</summary>
    public TimeSpan Timeout { get; }

    public static Uri TokenEndpoint(Uri baseUrl) => new(baseUrl, "api/auth/token");

    public async Task<RefreshGrantResult> RequestAsync(Uri baseUrl, string refreshToken, Action<string>? verbose, CancellationToken cancellationToken)
    {
        var endpoint = TokenEndpoint(baseUrl);
        var shownUrl = UrlPolicy.Display(new Uri(endpoint.GetLeftPart(UriPartial.Path)));
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        whole.CancelAfter(Timeout);
        OneFlexException NoAnswerInTime(int attempts) => new(
            ErrorIds.ServiceUnreachable, ErrorCategory.OperationTimeout,
            Messages.RefreshServiceUnreachable(shownUrl, Messages.NoAnswerWithin(Timeout), attempts), shownUrl);

        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            OneFlexException lastFailure;
            string failure;
            try
            {
                using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(whole.Token);
                attemptCancellation.CancelAfter(AttemptTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
                {
                    Content = JsonContent.Create(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }),
                };
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCancellation.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    var body = await ReplyLimits.ReadBodyAsync(response, ReplyLimits.Json, attemptCancellation.Token).ConfigureAwait(false);
                    var (access, rotated) = ReadTokens(body);
                    if (string.IsNullOrEmpty(access))
                    {
                        throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.RefreshBadResponse(shownUrl), shownUrl);
                    }

                    IssuedTokens.Check(access, rotated, Messages.RefreshGrantAt(shownUrl));
                    verbose?.Invoke($"Refresh grant at {shownUrl}: HTTP {status}, new access token {SecretMask.Mask(access)}.");
                    return new RefreshGrantResult(true, access, rotated ?? refreshToken, status);
                }

                if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    verbose?.Invoke($"Refresh grant at {shownUrl}: HTTP {status}, the refresh token was rejected.");
                    return RefreshGrantResult.Rejected(status);
                }

                if (status < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.RefreshServiceError(shownUrl, status, attempt), shownUrl);
                }

                failure = $"HTTP {status}";
                lastFailure = new OneFlexException(ErrorIds.ServiceError, ErrorCategory.ConnectionError, Messages.RefreshServiceError(shownUrl, status, attempt), shownUrl);
            }
            catch (Exception e) when (ReplyLimits.Find(e) is { } tooLarge)
            {
                throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.ReplyTooLarge(Messages.RefreshGrantAt(shownUrl), tooLarge.Limit), shownUrl);
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
                lastFailure = new OneFlexException(ErrorIds.ServiceUnreachable, ErrorCategory.ConnectionError, Messages.RefreshServiceUnreachable(shownUrl, e.Message, attempt), shownUrl);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (whole.IsCancellationRequested)
                {
                    throw NoAnswerInTime(attempt);
                }

                failure = Messages.NoAnswerWithin(AttemptTimeout).TrimEnd('.');
                lastFailure = new OneFlexException(ErrorIds.ServiceUnreachable, ErrorCategory.OperationTimeout, Messages.RefreshServiceUnreachable(shownUrl, failure + ".", attempt), shownUrl);
            }

            if (attempt >= MaxAttempts)
            {
                throw lastFailure;
            }

            var backoff = FirstBackoff * Math.Pow(2, attempt - 1);
            verbose?.Invoke($"Refresh grant attempt {attempt} of {MaxAttempts} failed ({failure}); retrying in {backoff.TotalMilliseconds:0} ms.");
            try
            {
                await Task.Delay(backoff, whole.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw lastFailure;
            }
        }
    }

    private static (string? Access, string? Refresh) ReadTokens(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            return (StringProperty(document.RootElement, "access_token"), StringProperty(document.RootElement, "refresh_token"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or strings that are not text (invalid UTF-8, lone surrogates): no usable token.
            return (null, null);
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
