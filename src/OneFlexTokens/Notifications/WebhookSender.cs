using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OneFlexTokens.Common;

namespace OneFlexTokens.Notifications;

/// <summary>
/// Posts a payload to a webhook. 429 waits for Retry-After (header, else Discord's retry_after field) and 5xx or
/// network failures back off; both a bounded number of times. Other 4xx fail at once: retrying cannot help.
/// The URL only ever appears masked.
/// </summary>
public sealed class WebhookSender
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

    public async Task<(int StatusCode, int Attempts)> SendAsync(
        Uri webhook, string json, int maxRetries, TimeSpan attemptTimeout, Action<string>? onRetry, CancellationToken cancellationToken)
    {
        var masked = WebhookAddress.Mask(webhook);
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var retriesLeft = attempt <= maxRetries;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(attemptTimeout);
            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, webhook)
                {
                    Content = new StringContent(json, Encoding.UTF8, "application/json"),
                };
                response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
            {
                var reason = e is OperationCanceledException ? Messages.NotificationNoAnswer(attemptTimeout) : e.Message;
                if (!retriesLeft)
                {
                    throw new OneFlexException(ErrorIds.NotificationUnreachable, ErrorCategory.ConnectionError, Messages.NotificationUnreachable(masked, reason, attempt));
                }

                onRetry?.Invoke(Messages.NotificationRetrying(masked, reason, backoff, attempt));
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff *= 2;
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    return (status, attempt);
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    var wait = await RetryAfterAsync(response, cancellationToken).ConfigureAwait(false) ?? backoff;
                    if (!retriesLeft || wait > LongestRetryAfter)
                    {
                        throw new OneFlexException(ErrorIds.NotificationRateLimited, ErrorCategory.LimitsExceeded, Messages.NotificationRateLimited(masked, wait, attempt));
                    }

                    onRetry?.Invoke(Messages.NotificationRetrying(masked, "HTTP 429 (rate limited)", wait, attempt));
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (status >= 500)
                {
                    if (!retriesLeft)
                    {
                        throw new OneFlexException(ErrorIds.NotificationServiceError, ErrorCategory.InvalidResult, Messages.NotificationServiceError(masked, status, attempt));
                    }

                    onRetry?.Invoke(Messages.NotificationRetrying(masked, $"HTTP {status}", backoff, attempt));
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                    backoff *= 2;
                    continue;
                }

                throw new OneFlexException(ErrorIds.NotificationRejected, ErrorCategory.InvalidOperation, Messages.NotificationRejected(masked, status));
            }
        }
    }

    internal static async Task<TimeSpan?> RetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (response.Headers.RetryAfter is RetryConditionHeaderValue { Date: { } date })
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("retry_after", out var field) && field.TryGetDouble(out var fromBody) && fromBody >= 0)
            {
                return TimeSpan.FromSeconds(fromBody);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
