using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using OneFlexTokens.Errors;

namespace OneFlexTokens.Http;

/// <summary>How one attempt ended: with a result, or with a failure that another attempt may cure.</summary>
internal readonly record struct AttemptOutcome<T>
{
    private AttemptOutcome(T? value, OneFlexException? failure, string? reason, TimeSpan? serverWait)
    {
        Value = value;
        Failure = failure;
        Reason = reason;
        ServerWait = serverWait;
    }

    public T? Value { get; }

    /// <summary>What the caller gets when no attempt is left; null for a success.</summary>
    public OneFlexException? Failure { get; }

    /// <summary>What went wrong, as the retry notice says it ("HTTP 503").</summary>
    public string? Reason { get; }

    /// <summary>The pause the server asked for (Retry-After); null to back off.</summary>
    public TimeSpan? ServerWait { get; }

    public static AttemptOutcome<T> Success(T value) => new(value, null, null, null);

    public static AttemptOutcome<T> Retry(OneFlexException failure, string reason, TimeSpan? serverWait = null) => new(default, failure, reason, serverWait);
}

/// <summary>One attempt as <see cref="RetryPolicy"/> runs it.</summary>
internal sealed class RetryAttempt
{
    private readonly CancellationToken _whole;

    internal RetryAttempt(int number, int maxAttempts, TimeSpan backoff, CancellationToken whole, CancellationToken token)
    {
        Number = number;
        MaxAttempts = maxAttempts;
        Backoff = backoff;
        _whole = whole;
        Token = token;
    }

    /// <summary>From 1.</summary>
    public int Number { get; }

    public int MaxAttempts { get; }

    /// <summary>The pause before the next attempt unless the server names one: for messages that say how long.</summary>
    public TimeSpan Backoff { get; }

    /// <summary>Cancelled by the caller (Ctrl+C), by the whole deadline, or by this attempt's own bound.</summary>
    public CancellationToken Token { get; }

    /// <summary>Only this attempt's own bound ended it: the attempt reports it as a failure to retry.</summary>
    public bool TimedOut => Token.IsCancellationRequested && !_whole.IsCancellationRequested;
}

/// <summary>What is said before a retry.</summary>
internal sealed record RetryNotice(int Attempt, int MaxAttempts, string Reason, TimeSpan Wait);

/// <summary>
/// The one retry loop of the module: a bounded number of attempts with exponential backoff (or the pause the server
/// asks for, up to <see cref="LongestServerWait"/>), all within one total deadline, each attempt optionally within its
/// own bound, and cancellation honoured throughout. A pause that would end after the deadline is not taken: the last
/// failure is reported at once.
/// </summary>
internal sealed class RetryPolicy
{
    public RetryPolicy(int maxAttempts, TimeSpan firstBackoff, TimeSpan timeout, TimeSpan? attemptTimeout = null, TimeSpan? longestServerWait = null)
    {
        MaxAttempts = Math.Max(1, maxAttempts);
        FirstBackoff = firstBackoff;
        Timeout = timeout;
        AttemptTimeout = attemptTimeout;
        LongestServerWait = longestServerWait ?? TimeSpan.FromSeconds(60);
    }

    public int MaxAttempts { get; }

    public TimeSpan FirstBackoff { get; }

    /// <summary>Every attempt and every pause between them.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>One attempt, within <see cref="Timeout"/>; null for no bound of its own.</summary>
    public TimeSpan? AttemptTimeout { get; }

    /// <summary>A server asking for a longer pause gets the attempt's failure at once.</summary>
    public TimeSpan LongestServerWait { get; }

    /// <param name="attempt">Makes one attempt: returns an outcome, or throws a failure no retry can cure.</param>
    /// <param name="outOfTime">The failure when the whole deadline ends an attempt, given how many were made.</param>
    /// <param name="onRetry">Told before each pause.</param>
    public async Task<T> RunAsync<T>(
        Func<RetryAttempt, Task<AttemptOutcome<T>>> attempt,
        Func<int, OneFlexException> outOfTime,
        Action<RetryNotice>? onRetry,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        whole.CancelAfter(Timeout);
        var backoff = FirstBackoff;
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AttemptOutcome<T> outcome;
            using (var own = CancellationTokenSource.CreateLinkedTokenSource(whole.Token))
            {
                if (AttemptTimeout is { } bound)
                {
                    own.CancelAfter(bound);
                }

                try
                {
                    outcome = await attempt(new RetryAttempt(number, MaxAttempts, backoff, whole.Token, own.Token)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && whole.IsCancellationRequested)
                {
                    throw outOfTime(number);
                }
            }

            if (outcome.Failure is not { } failure)
            {
                return outcome.Value!;
            }

            var wait = outcome.ServerWait ?? backoff;
            if (number >= MaxAttempts || outcome.ServerWait > LongestServerWait || clock.Elapsed + wait >= Timeout)
            {
                throw failure;
            }

            onRetry?.Invoke(new RetryNotice(number, MaxAttempts, outcome.Reason ?? failure.Message, wait));
            try
            {
                await Task.Delay(wait, whole.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw failure;
            }

            if (outcome.ServerWait is null)
            {
                backoff *= 2;
            }
        }
    }
}

/// <summary>The pause a server asks for with Retry-After: seconds (fractions accepted) or an HTTP date.</summary>
internal static class RetryAfter
{
    public static TimeSpan? Of(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Retry-After", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return FromSeconds(seconds);
        }

        if (response.Headers.RetryAfter is RetryConditionHeaderValue { Date: { } date })
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Capped at a day: any longer is refused anyway, and a huge number must not overflow.</summary>
    public static TimeSpan FromSeconds(double seconds) => TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
}
