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
/// network failures back off; both a bounded number of times, all within one total timeout. Other 4xx fail at once:
/// retrying cannot help. Replies are read only for a retry_after, and only up to <see cref="ReplyLimits.Webhook"/>.
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

    /// <param name="timeout">The whole send: every attempt and every wait between them.</param>
    public async Task<(int StatusCode, int Attempts)> SendAsync(
        Uri webhook, string json, int maxRetries, TimeSpan timeout, Action<string>? onRetry, CancellationToken cancellationToken)
    {
        var masked = WebhookAddress.Mask(webhook);
        var backoff = FirstBackoff;
        var deadline = DateTimeOffset.UtcNow + timeout;
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        whole.CancelAfter(timeout);
        OneFlexException NoAnswerInTime(int attempts) =>
            new(ErrorIds.NotificationUnreachable, ErrorCategory.OperationTimeout, Messages.NotificationUnreachable(masked, Messages.NotificationNoAnswer(timeout), attempts));

        // Waits before the next attempt, unless no retry is left or the wait would end after the deadline.
        async Task<bool> WaitAsync(TimeSpan wait, bool retriesLeft)
        {
            if (!retriesLeft || DateTimeOffset.UtcNow + wait >= deadline)
            {
                return false;
            }

            await Task.Delay(wait, whole.Token).ConfigureAwait(false);
            return true;
        }

        for (var attempt = 1; ; attempt++)
        {
            var retriesLeft = attempt <= maxRetries;
            try
            {
                HttpResponseMessage response;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, webhook)
                    {
                        Content = new StringContent(json, Encoding.UTF8, "application/json"),
                    };
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, whole.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    var reason = e.Message;
                    if (!await WaitAsync(backoff, retriesLeft).ConfigureAwait(false))
                    {
                        throw new OneFlexException(ErrorIds.NotificationUnreachable, ErrorCategory.ConnectionError, Messages.NotificationUnreachable(masked, reason, attempt));
                    }

                    onRetry?.Invoke(Messages.NotificationRetrying(masked, reason, backoff, attempt));
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
                        var wait = await RetryAfterAsync(response, whole.Token).ConfigureAwait(false) ?? backoff;
                        if (wait > LongestRetryAfter || !await WaitAsync(wait, retriesLeft).ConfigureAwait(false))
                        {
                            throw new OneFlexException(ErrorIds.NotificationRateLimited, ErrorCategory.LimitsExceeded, Messages.NotificationRateLimited(masked, wait, attempt));
                        }

                        onRetry?.Invoke(Messages.NotificationRetrying(masked, "HTTP 429 (rate limited)", wait, attempt));
                        continue;
                    }

                    if (status >= 500)
                    {
                        if (!await WaitAsync(backoff, retriesLeft).ConfigureAwait(false))
                        {
                            throw new OneFlexException(ErrorIds.NotificationServiceError, ErrorCategory.InvalidResult, Messages.NotificationServiceError(masked, status, attempt));
                        }

                        onRetry?.Invoke(Messages.NotificationRetrying(masked, $"HTTP {status}", backoff, attempt));
                        backoff *= 2;
                        continue;
                    }

                    throw new OneFlexException(ErrorIds.NotificationRejected, ErrorCategory.InvalidOperation, Messages.NotificationRejected(masked, status));
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw NoAnswerInTime(attempt);
            }
        }
    }

    internal static async Task<TimeSpan?> RetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return Seconds(seconds);
        }

        if (response.Headers.RetryAfter is RetryConditionHeaderValue { Date: { } date })
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        try
        {
            var body = await ReplyLimits.ReadBodyAsync(response, ReplyLimits.Webhook, cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("retry_after", out var field) && field.ValueKind == JsonValueKind.Number
                && field.TryGetDouble(out var fromBody) && fromBody >= 0)
            {
                return Seconds(fromBody);
            }
        }
        catch (Exception e) when (e is JsonException || ReplyLimits.Find(e) is not null)
        {
            // No usable retry_after: the caller backs off as for a server error.
        }

        return null;
    }

    /// <summary>A wait the server asked for, capped at a day: any longer is refused anyway, and a huge number must not overflow.</summary>
    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
}
