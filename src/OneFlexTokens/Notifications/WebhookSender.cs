using System.Management.Automation;
using System.Net;
using System.Text;
using System.Text.Json;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;

namespace OneFlexTokens.Notifications;

/// <summary>
/// Posts a payload to a webhook. 429 waits for Retry-After (header, else Discord's retry_after field) and 5xx or
/// network failures back off; both a bounded number of times, all within one total timeout (<see cref="RetryPolicy"/>).
/// Other 4xx fail at once: retrying cannot help. Replies are read only for a retry_after, and only up to <see cref="ReplyLimits.Webhook"/>.
/// The URL only ever appears masked.
/// </summary>
internal sealed class WebhookSender
{
    private readonly HttpClient _http;

    public WebhookSender(HttpClient? http = null, TimeSpan? firstBackoff = null, TimeSpan? longestRetryAfter = null)
    {
        _http = http ?? SharedHttp.Client;
        FirstBackoff = firstBackoff ?? TimeSpan.FromSeconds(1);
        LongestRetryAfter = longestRetryAfter ?? TimeSpan.FromSeconds(60);
    }

    public TimeSpan FirstBackoff { get; }

    public TimeSpan LongestRetryAfter { get; }

    /// <param name="timeout">The whole send: every attempt and every wait between them.</param>
    public Task<(int StatusCode, int Attempts)> SendAsync(
        Uri webhook, string json, int maxRetries, TimeSpan timeout, Action<string>? onRetry, CancellationToken cancellationToken)
    {
        var masked = WebhookAddress.Mask(webhook);
        var retry = new RetryPolicy(maxRetries + 1, FirstBackoff, timeout, longestServerWait: LongestRetryAfter);
        return retry.RunAsync(
            attempt => PostOnceAsync(webhook, masked, json, attempt),
            attempts => new OneFlexException(ErrorIds.NotificationUnreachable, ErrorCategory.OperationTimeout,
                Messages.NotificationUnreachable(masked, Messages.NoAnswerWithin(timeout), attempts)),
            notice => onRetry?.Invoke(Messages.NotificationRetrying(masked, notice.Reason, notice.Wait, notice.Attempt)),
            cancellationToken);
    }

    private async Task<AttemptOutcome<(int StatusCode, int Attempts)>> PostOnceAsync(Uri webhook, string masked, string json, RetryAttempt attempt)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return AttemptOutcome<(int, int)>.Retry(
                new OneFlexException(ErrorIds.NotificationUnreachable, ErrorCategory.ConnectionError, Messages.NotificationUnreachable(masked, e.Message, attempt.Number)),
                e.Message);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return AttemptOutcome<(int, int)>.Success((status, attempt.Number));
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var asked = RetryAfter.Of(response) ?? await RetryAfterInBodyAsync(response, attempt.Token).ConfigureAwait(false);
                return AttemptOutcome<(int, int)>.Retry(
                    new OneFlexException(ErrorIds.NotificationRateLimited, ErrorCategory.LimitsExceeded, Messages.NotificationRateLimited(masked, asked ?? attempt.Backoff, attempt.Number)),
                    "HTTP 429 (rate limited)",
                    asked);
            }

            if (status >= 500)
            {
                return AttemptOutcome<(int, int)>.Retry(
                    new OneFlexException(ErrorIds.NotificationServiceError, ErrorCategory.InvalidResult, Messages.NotificationServiceError(masked, status, attempt.Number)),
                    $"HTTP {status}");
            }

            throw new OneFlexException(ErrorIds.NotificationRejected, ErrorCategory.InvalidOperation, Messages.NotificationRejected(masked, status));
        }
    }

    /// <summary>Discord also says how long to wait in its JSON body (retry_after, seconds).</summary>
    private static async Task<TimeSpan?> RetryAfterInBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ReplyLimits.ReadBodyAsync(response, ReplyLimits.Webhook, cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (JsonFields.Number(json.RootElement, "retry_after") is double seconds && seconds >= 0)
            {
                return RetryAfter.FromSeconds(seconds);
            }
        }
        catch (Exception e) when (e is JsonException || ReplyLimits.Find(e) is not null)
        {
            // No usable retry_after: the caller backs off as for a server error.
        }

        return null;
    }
}
