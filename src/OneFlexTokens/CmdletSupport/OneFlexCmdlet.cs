using System.Collections.Concurrent;
using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.CmdletSupport;

/// <summary>
/// What every cmdlet shares: a cancellation token cancelled by Ctrl+C, async work run while its
/// progress and verbose text are written on the pipeline thread, and error helpers with stable ids.
/// Public only because PowerShell needs a cmdlet's base class to be; its helpers are private protected, the module's own.
/// </summary>
public abstract class OneFlexCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pipelineWork;

    private protected CancellationToken CancellationToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Runs <paramref name="work"/> off the pipeline thread and pumps what it posts through
    /// <see cref="Post"/> (progress, verbose, warnings) on this thread until it ends.
    /// </summary>
    private protected T RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        using var queue = new BlockingCollection<Action>();
        var outer = _pipelineWork;
        _pipelineWork = queue;
        try
        {
            var task = Task.Run(() => work(CancellationToken));
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            Exception? writeFailed = null;
            foreach (var action in queue.GetConsumingEnumerable())
            {
                if (writeFailed is not null)
                {
                    continue;
                }

                try
                {
                    action();
                }
                catch (Exception e)
                {
                    // A write failed (the pipeline is stopping, or downstream threw): cancel the work and let it
                    // clean up (close browsers, connections) before this returns, instead of leaving it running.
                    writeFailed = e;
                    _stopping.Cancel();
                }
            }

            // The loop ends only once the work has ended (its continuation completes the queue), cleanup included.
            if (writeFailed is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(writeFailed).Throw();
            }

            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
        finally
        {
            _pipelineWork = outer;
        }
    }

    private protected void RunAsync(Func<CancellationToken, Task> work) =>
        RunAsync<bool>(async token => { await work(token).ConfigureAwait(false); return true; });

    /// <summary>Runs <paramref name="write"/> on the pipeline thread: at once if called there, else queued.</summary>
    private protected void Post(Action write)
    {
        var queue = _pipelineWork;
        if (queue is null)
        {
            write();
            return;
        }

        try
        {
            queue.Add(write);
        }
        catch (InvalidOperationException)
        {
            // The work already finished; its late messages have nowhere to go.
        }
    }

    /// <summary>
    /// Asks <paramref name="question"/> (ShouldProcess, which prompts) on the pipeline thread from work that runs off it,
    /// and waits for the answer; Ctrl+C or a failed write ends the wait.
    /// </summary>
    private protected T Ask<T>(Func<T> question)
    {
        if (_pipelineWork is null)
        {
            return question();
        }

        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                answer.SetResult(question());
            }
            catch (Exception e)
            {
                answer.SetException(e);
                throw;
            }
        });
        return answer.Task.WaitAsync(CancellationToken).GetAwaiter().GetResult();
    }

    private protected void PostVerbose(string text) => Post(() => WriteVerbose(text));

    private protected void PostWarning(string text) => Post(() => WriteWarning(text));

    private protected void PostProgress(ProgressRecord record) => Post(() => WriteProgress(record));

    /// <summary>Shows a report of the core as a progress record of <paramref name="activityId"/>.</summary>
    private protected void PostProgress(ProgressReport report, int activityId = 1)
    {
        var record = new ProgressRecord(activityId, report.Activity, report.Status)
        {
            RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            CurrentOperation = report.CurrentOperation,
        };
        if (report.SecondsRemaining is { } seconds)
        {
            record.SecondsRemaining = seconds;
        }

        if (report.PercentComplete is { } percent)
        {
            record.PercentComplete = percent;
        }

        PostProgress(record);
    }

    private protected void WriteError(OneFlexException failure) => WriteError(failure.ToErrorRecord());

    /// <summary>The one duration rule (<see cref="TimeoutRange"/>), as a terminating InvalidTimeout error before any work starts.</summary>
    private protected void CheckDuration(TimeoutRange range, string parameter, TimeSpan value)
    {
        if (!range.Contains(value))
        {
            ThrowTerminatingError(range.Refusal(parameter, value));
        }
    }

    private protected void ThrowTerminatingError(OneFlexException failure) => ThrowTerminatingError(failure.ToErrorRecord());

    /// <summary>
    /// A file-system path as the user meant it (<see cref="FileSystemPath"/>): relative to PowerShell's location, not the
    /// process's. A path of another provider, or one no provider can read, is a terminating PathNotFileSystem error.
    /// </summary>
    private protected string ResolvePath(string path)
    {
        try
        {
            var full = FileSystemPath.Resolve(SessionState, path, out var provider);
            if (FileSystemPath.IsFileSystem(provider))
            {
                return full;
            }

            ThrowTerminatingError(new OneFlexException(ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, Messages.PathNotFileSystem(path, provider!.Name), path));
        }
        catch (Exception e) when (FileSystemPath.IsPathError(e))
        {
            ThrowTerminatingError(new OneFlexException(ErrorIds.PathNotFileSystem, ErrorCategory.InvalidArgument, Messages.PathNotResolved(path, e.Message), path, e));
        }

        throw new InvalidOperationException("unreachable: ThrowTerminatingError throws");
    }

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
