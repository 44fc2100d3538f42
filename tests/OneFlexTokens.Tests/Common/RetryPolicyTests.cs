using System.Diagnostics;
using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Http;
using Xunit;

namespace OneFlexTokens.Tests.Common;

/// <summary>The one retry loop: what it waits, when it stops, and what it throws. Attempts here are plain delegates: the HTTP clients that use it are tested against real servers.</summary>
public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(10);

    private static OneFlexException Failure(int attempt) => new("TestFailure", ErrorCategory.ConnectionError, $"failed on attempt {attempt}");

    private static OneFlexException OutOfTime(int attempts) => new("TestOutOfTime", ErrorCategory.OperationTimeout, $"out of time after {attempts}");

    /// <summary>Fails the first <paramref name="failures"/> attempts, each with the server wait given for it, then succeeds.</summary>
    private static Func<RetryAttempt, Task<AttemptOutcome<int>>> FailingFirst(int failures, params TimeSpan?[] serverWaits) => attempt =>
        Task.FromResult(attempt.Number <= failures
            ? AttemptOutcome<int>.Retry(Failure(attempt.Number), $"HTTP 50{attempt.Number}", serverWaits.ElementAtOrDefault(attempt.Number - 1))
            : AttemptOutcome<int>.Success(attempt.Number));

    [Fact]
    public async Task The_backoff_doubles_after_each_failure_and_each_retry_is_announced()
    {
        var notices = new List<RetryNotice>();

        var attempts = await new RetryPolicy(4, Short, TimeSpan.FromSeconds(30)).RunAsync(FailingFirst(3), OutOfTime, notices.Add, CancellationToken.None);

        Assert.Equal(4, attempts);
        Assert.Equal(new[] { Short, Short * 2, Short * 4 }, notices.Select(n => n.Wait));
        Assert.Equal(new[] { "HTTP 501", "HTTP 502", "HTTP 503" }, notices.Select(n => n.Reason));
        Assert.All(notices, n => Assert.Equal(4, n.MaxAttempts));
    }

    [Fact]
    public async Task A_pause_the_server_asks_for_is_taken_as_given_and_does_not_grow_the_backoff()
    {
        var notices = new List<RetryNotice>();
        var asked = TimeSpan.FromMilliseconds(30);

        await new RetryPolicy(3, Short, TimeSpan.FromSeconds(30)).RunAsync(FailingFirst(2, asked, null), OutOfTime, notices.Add, CancellationToken.None);

        Assert.Equal(new[] { asked, Short }, notices.Select(n => n.Wait));
    }

    [Fact]
    public async Task The_last_failure_is_thrown_when_no_attempt_is_left()
    {
        var thrown = await Assert.ThrowsAsync<OneFlexException>(() =>
            new RetryPolicy(2, Short, TimeSpan.FromSeconds(30)).RunAsync(FailingFirst(5), OutOfTime, null, CancellationToken.None));

        Assert.Equal("failed on attempt 2", thrown.Message);
    }

    [Fact]
    public async Task A_server_asking_for_a_longer_pause_than_allowed_gets_the_failure_at_once()
    {
        var notices = new List<RetryNotice>();
        var policy = new RetryPolicy(5, Short, TimeSpan.FromSeconds(30), longestServerWait: TimeSpan.FromSeconds(1));

        var thrown = await Assert.ThrowsAsync<OneFlexException>(() => policy.RunAsync(FailingFirst(5, TimeSpan.FromHours(1)), OutOfTime, notices.Add, CancellationToken.None));

        Assert.Equal("failed on attempt 1", thrown.Message);
        Assert.Empty(notices);
    }

    [Fact]
    public async Task A_pause_that_would_end_after_the_deadline_is_not_taken()
    {
        var policy = new RetryPolicy(5, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();

        var thrown = await Assert.ThrowsAsync<OneFlexException>(() => policy.RunAsync(FailingFirst(5), OutOfTime, null, CancellationToken.None));

        Assert.Equal("failed on attempt 1", thrown.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"waited {clock.Elapsed.TotalSeconds:0.0} s for a pause it could not finish");
    }

    [Fact]
    public async Task An_attempt_still_running_at_the_deadline_ends_in_the_out_of_time_failure()
    {
        var policy = new RetryPolicy(3, Short, TimeSpan.FromMilliseconds(200));

        var thrown = await Assert.ThrowsAsync<OneFlexException>(() => policy.RunAsync<int>(
            async attempt => { await Task.Delay(Timeout.Infinite, attempt.Token); return AttemptOutcome<int>.Success(0); },
            OutOfTime, null, CancellationToken.None));

        Assert.Equal("out of time after 1", thrown.Message);
    }

    [Fact]
    public async Task An_attempt_ended_by_its_own_bound_knows_it_and_is_retried()
    {
        var timedOut = new List<bool>();
        var policy = new RetryPolicy(3, Short, TimeSpan.FromSeconds(30), attemptTimeout: TimeSpan.FromMilliseconds(100));

        var attempts = await policy.RunAsync<int>(
            async attempt =>
            {
                if (attempt.Number > 1)
                {
                    return AttemptOutcome<int>.Success(attempt.Number);
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, attempt.Token);
                    return AttemptOutcome<int>.Success(0);
                }
                catch (OperationCanceledException)
                {
                    timedOut.Add(attempt.TimedOut);
                    return AttemptOutcome<int>.Retry(Failure(attempt.Number), "no answer");
                }
            },
            OutOfTime, null, CancellationToken.None);

        Assert.Equal(2, attempts);
        Assert.Equal(new[] { true }, timedOut);
    }

    [Fact]
    public async Task Cancellation_stops_the_retries_with_OperationCanceledException_not_a_failure()
    {
        using var cancel = new CancellationTokenSource();
        var made = 0;
        var policy = new RetryPolicy(5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.RunAsync(
            attempt => { made++; return FailingFirst(5)(attempt); },
            OutOfTime, _ => cancel.Cancel(), cancel.Token));

        Assert.Equal(1, made);
    }
}
