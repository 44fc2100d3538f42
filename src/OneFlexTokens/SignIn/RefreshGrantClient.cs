using System.Management.Automation;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.SignIn;

/// <summary>What the refresh grant gave: a new access token, or a rejection (the SSO session behind it is gone).</summary>
internal sealed record RefreshGrantResult(bool Granted, string? AccessToken, string? RefreshToken, int StatusCode)
{
    public static RefreshGrantResult Rejected(int status) => new(false, null, null, status);
}

/// <summary>
/// POST {base}/api/auth/token with the refresh token. 400/401/403 are a rejection (the caller may fall back to the
/// browser); network failures, timeouts, 429 and 5xx are retried by <see cref="RetryPolicy"/> (a bounded number of
/// times, Retry-After honoured, all within one total deadline), then reported. The reply is read up to <see cref="ReplyLimits.Json"/> and the tokens in it are checked before
/// they are returned. Token text never goes into an exception or a message.
/// </summary>
internal sealed class RefreshGrantClient
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

    public static Uri TokenEndpoint(OneFlexBaseUrl baseUrl) => baseUrl.Endpoint("api/auth/token");

    public async Task<RefreshGrantResult> RequestAsync(OneFlexBaseUrl baseUrl, string refreshToken, Action<string>? verbose, CancellationToken cancellationToken)
    {
        var endpoint = TokenEndpoint(baseUrl);
        var shownUrl = endpoint.ToString();
        var retry = new RetryPolicy(MaxAttempts, FirstBackoff, Timeout, AttemptTimeout);
        return await retry.RunAsync(
            attempt => GrantOnceAsync(endpoint, shownUrl, refreshToken, attempt, verbose),
            attempts => new OneFlexException(ErrorIds.ServiceUnreachable, ErrorCategory.OperationTimeout,
                Messages.RefreshServiceUnreachable(shownUrl, Messages.NoAnswerWithin(Timeout), attempts), shownUrl),
            notice => verbose?.Invoke($"Refresh grant attempt {notice.Attempt} of {notice.MaxAttempts} failed ({notice.Reason}); retrying in {notice.Wait.TotalMilliseconds:0} ms."),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<AttemptOutcome<RefreshGrantResult>> GrantOnceAsync(Uri endpoint, string shownUrl, string refreshToken, RetryAttempt attempt, Action<string>? verbose)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = JsonContent.Create(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }),
            };
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var body = await ReplyLimits.ReadBodyAsync(response, ReplyLimits.Json, attempt.Token).ConfigureAwait(false);
                var (access, rotated) = ReadTokens(body);
                if (string.IsNullOrEmpty(access))
                {
                    throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.RefreshBadResponse(shownUrl), shownUrl);
                }

                IssuedTokens.Check(access, rotated, Messages.RefreshGrantAt(shownUrl));
                verbose?.Invoke($"Refresh grant at {shownUrl}: HTTP {status}, new access token {SecretMask.Mask(access)}.");
                return AttemptOutcome<RefreshGrantResult>.Success(new RefreshGrantResult(true, access, rotated ?? refreshToken, status));
            }

            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                verbose?.Invoke($"Refresh grant at {shownUrl}: HTTP {status}, the refresh token was rejected.");
                return AttemptOutcome<RefreshGrantResult>.Success(RefreshGrantResult.Rejected(status));
            }

            if (status < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.RefreshServiceError(shownUrl, status, attempt.Number), shownUrl);
            }

            return AttemptOutcome<RefreshGrantResult>.Retry(
                new OneFlexException(ErrorIds.ServiceError, ErrorCategory.ConnectionError, Messages.RefreshServiceError(shownUrl, status, attempt.Number), shownUrl),
                $"HTTP {status}",
                RetryAfter.Of(response));
        }
        catch (Exception e) when (ReplyLimits.Find(e) is { } tooLarge)
        {
            throw new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.ReplyTooLarge(Messages.RefreshGrantAt(shownUrl), tooLarge.Limit), shownUrl);
        }
        catch (HttpRequestException e)
        {
            return AttemptOutcome<RefreshGrantResult>.Retry(
                new OneFlexException(ErrorIds.ServiceUnreachable, ErrorCategory.ConnectionError, Messages.RefreshServiceUnreachable(shownUrl, e.Message, attempt.Number), shownUrl),
                e.Message);
        }
        catch (OperationCanceledException) when (attempt.TimedOut)
        {
            var noAnswer = Messages.NoAnswerWithin(AttemptTimeout);
            return AttemptOutcome<RefreshGrantResult>.Retry(
                new OneFlexException(ErrorIds.ServiceUnreachable, ErrorCategory.OperationTimeout, Messages.RefreshServiceUnreachable(shownUrl, noAnswer, attempt.Number), shownUrl),
                noAnswer.TrimEnd('.'));
        }
    }

    private static (string? Access, string? Refresh) ReadTokens(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return (JsonFields.String(document.RootElement, "access_token"), JsonFields.String(document.RootElement, "refresh_token"));
        }
        catch (JsonException)
        {
            // Not JSON: no usable token.
            return (null, null);
        }
    }
}
