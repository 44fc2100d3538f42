using System.Management.Automation;
using System.Text;

namespace OneFlexTokens.Tests.Harness;

/// <summary>Everything one script run produced: output objects, error records, and the text of every stream and of the host.</summary>
public sealed class ScriptResult
{
    public required IReadOnlyList<PSObject> Output { get; init; }
    public required IReadOnlyList<ErrorRecord> Errors { get; init; }
    public required IReadOnlyList<string> Verbose { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required IReadOnlyList<string> Debug { get; init; }
    public required IReadOnlyList<string> Information { get; init; }
    public required IReadOnlyList<ProgressRecord> Progress { get; init; }
    public required string HostText { get; init; }

    /// <summary>The exception that ended the script, if one did (a terminating error).</summary>
    public Exception? Terminating { get; init; }

    public ErrorRecord? TerminatingRecord => (Terminating as IContainsErrorRecord)?.ErrorRecord;

    /// <summary>All errors, non-terminating and terminating.</summary>
    public IEnumerable<ErrorRecord> AllErrors => TerminatingRecord is { } t ? Errors.Append(t) : Errors;

    public IReadOnlyList<T> OutputOf<T>() => Output.Select(o => o.BaseObject).OfType<T>().ToArray();

    public IEnumerable<object> Objects => Output.Select(o => o.BaseObject);

    /// <summary>Every piece of text the run let out: streams, host, errors (with their exception chains and records), and output rendered as strings.</summary>
    public string AllText
    {
        get
        {
            var text = new StringBuilder();
            foreach (var line in Verbose.Concat(Warnings).Concat(Debug).Concat(Information))
            {
                text.AppendLine(line);
            }

            foreach (var progress in Progress)
            {
                text.AppendLine($"{progress.Activity} {progress.StatusDescription} {progress.CurrentOperation}");
            }

            text.AppendLine(HostText);
            foreach (var error in AllErrors)
            {
                text.AppendLine(error.ToString());
                text.AppendLine(error.FullyQualifiedErrorId);
                text.AppendLine(error.ErrorDetails?.Message);
                text.AppendLine(error.CategoryInfo.ToString());
                text.AppendLine(error.TargetObject?.ToString());
                for (var e = error.Exception; e is not null; e = e.InnerException)
                {
                    text.AppendLine(e.ToString());
                }
            }

            for (var e = Terminating; e is not null; e = e.InnerException)
            {
                text.AppendLine(e.ToString());
            }

            foreach (var item in Output)
            {
                text.AppendLine(item?.ToString());
            }

            return text.ToString();
        }
    }

    public string Describe() =>
        $"Output: {Output.Count}, Errors: [{string.Join("; ", AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e.Exception.Message))}]\nHost: {HostText}";
}
