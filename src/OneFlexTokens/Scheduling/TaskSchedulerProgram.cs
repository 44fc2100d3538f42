using System.ComponentModel;
using System.Management.Automation;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Scheduling;

/// <summary>
/// Windows Task Scheduler through <c>schtasks.exe</c>: <c>/Create /XML</c> with a task definition file, <c>/Delete</c>,
/// and <c>/Query /XML ONE</c> to read the definitions back. The renewal tasks live in the \OneFlexTokens\ folder.
/// </summary>
internal sealed class TaskSchedulerProgram
{
    public const string Folder = "\\OneFlexTokens\\";
    public const string Executable = "schtasks.exe";
    public const int MaxBytes = 8 * 1024 * 1024;

    private static readonly XNamespace Task = TaskSchedulerDefinition.Namespace;
    private readonly Func<IReadOnlyList<string>, ProgramRun> _run;

    /// <param name="run">Runs schtasks with these arguments; null for the real program (bounded to 60 seconds).</param>
    public TaskSchedulerProgram(Func<IReadOnlyList<string>, ProgramRun>? run = null)
    {
        _run = run ?? RunSchtasks;
    }

    public static string TaskPath(string id) => Folder + "Renewal-" + id;

    public static IReadOnlyList<string> CreateArguments(string definitionFile, string taskPath) =>
        new[] { "/Create", "/XML", definitionFile, "/TN", taskPath, "/F" };

    public static IReadOnlyList<string> DeleteArguments(string taskPath) => new[] { "/Delete", "/TN", taskPath, "/F" };

    public static IReadOnlyList<string> QueryArguments() => new[] { "/Query", "/XML", "ONE" };

    /// <summary>Registers (or replaces) the task; false with schtasks' reason when it refused.</summary>
    public (bool Created, string Reason) Create(TaskSchedulerRequest request)
    {
        var file = Path.Combine(Path.GetTempPath(), "OneFlexTokens-" + Guid.NewGuid().ToString("N") + ".xml");
        try
        {
            AtomicFile.Write(file, stream => stream.Write(TaskSchedulerDefinition.ToFileBytes(request)));
            var run = Invoke(CreateArguments(file, request.TaskPath));
            return (run.ExitCode == 0, run.FirstErrorLine);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Delete(string taskPath)
    {
        var run = Invoke(DeleteArguments(taskPath));
        if (run.ExitCode != 0)
        {
            throw Failed("/Delete", run.FirstErrorLine);
        }
    }

    /// <summary>The definitions of every task schtasks lists, with their paths.</summary>
    public IReadOnlyList<(string TaskPath, XElement Definition)> Query()
    {
        var run = Invoke(QueryArguments());
        if (run.ExitCode != 0)
        {
            throw Failed("/Query", run.FirstErrorLine);
        }

        if (run.Output is null)
        {
            throw Failed("/Query", Messages.TaskSchedulerAnswerTooLarge(MaxBytes));
        }

        return ParseTasks(DecodeXml(run.Output));
    }

    /// <summary>The tasks of a <c>/Query /XML ONE</c> answer (a Tasks root, each Task after a comment with its path) or of one task's XML.</summary>
    public static IReadOnlyList<(string TaskPath, XElement Definition)> ParseTasks(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw Failed("/Query", e.Message);
        }

        var tasks = new List<(string, XElement)>();
        var root = document.Root!;
        var candidates = root.Name == Task + "Task" ? new[] { root } : root.Elements(Task + "Task");
        foreach (var task in candidates)
        {
            var path = (string?)task.Element(Task + "RegistrationInfo")?.Element(Task + "URI")
                ?? (task.NodesBeforeSelf().LastOrDefault() as XComment)?.Value.Trim();
            if (path is not null)
            {
                tasks.Add((path, task));
            }
        }

        return tasks;
    }

    private static string DecodeXml(byte[] output)
    {
        if (output.Length >= 2 && output[0] == 0xFF && output[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(output, 2, output.Length - 2);
        }

        return Encoding.UTF8.GetString(output);
    }

    private ProgramRun Invoke(IReadOnlyList<string> arguments)
    {
        var run = _run(arguments);
        if (run.TimedOut)
        {
            throw Failed(arguments[0], Messages.TaskSchedulerTimedOut);
        }

        return run;
    }

    private static ProgramRun RunSchtasks(IReadOnlyList<string> arguments)
    {
        try
        {
            return ExternalProgram.Run(Executable, arguments, null, TimeSpan.FromSeconds(60), MaxBytes);
        }
        catch (Win32Exception e)
        {
            throw new OneFlexException(ErrorIds.TaskSchedulerFailed, ErrorCategory.NotInstalled, Messages.TaskSchedulerFailed(arguments[0], e.Message), Executable, e);
        }
    }

    private static OneFlexException Failed(string argument, string reason) =>
        new(ErrorIds.TaskSchedulerFailed, ErrorCategory.InvalidOperation, Messages.TaskSchedulerFailed(argument, reason), Executable);
}
