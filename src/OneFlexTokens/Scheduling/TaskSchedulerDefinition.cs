using System.Text;
using System.Xml;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Scheduling;

/// <summary>How a Windows task signs in: S4U runs it whether or not the user is signed in, without a stored password.</summary>
internal enum TaskLogonType
{
    S4U,
    InteractiveToken,
}

/// <summary>What a Windows scheduled task runs, how often, and as whom.</summary>
internal sealed record TaskSchedulerRequest(
    string TaskPath,
    string Description,
    string Command,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    RenewalInterval Interval,
    string UserId,
    TaskLogonType LogonType,
    DateTime StartBoundary)
{
    /// <summary>How long a run may take before Task Scheduler stops it (<see cref="TaskSchedulerDefinition.ExecutionTimeLimitFor"/>).</summary>
    public TimeSpan ExecutionTimeLimit { get; init; } = TaskSchedulerDefinition.ExecutionTimeLimit;
}

/// <summary>
/// The task definition (Task Scheduler schema 1.2) that <c>schtasks.exe /Create /XML</c> registers: a time trigger
/// repeating forever, no overlapping runs, runs on battery, catches up after a missed start, bounded run time.
/// </summary>
internal static class TaskSchedulerDefinition
{
    public const string Namespace = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    public static readonly TimeSpan ExecutionTimeLimit = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The run time limit of a task running <paramref name="run"/>: <see cref="ExecutionTimeLimit"/>, or with -RemoteSignIn
    /// the link's lifetime and a claimed session's cap on top of it, so that Task Scheduler never stops a sign-in from a
    /// phone while its link still works or while someone signs in. (IgnoreNew keeps later runs from starting meanwhile.)
    /// </summary>
    public static TimeSpan ExecutionTimeLimitFor(RenewalOptions run) =>
        run.RemoteSignIn is { } remote ? remote.LinkLifetime + SignInLink.SessionCap + ExecutionTimeLimit : ExecutionTimeLimit;

    public static string ToXml(TaskSchedulerRequest request)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = Encoding.Unicode, OmitXmlDeclaration = true };
        using (var xml = XmlWriter.Create(text, settings))
        {
            xml.WriteStartElement("Task", Namespace);
            xml.WriteAttributeString("version", "1.2");

            xml.WriteStartElement("RegistrationInfo", Namespace);
            xml.WriteElementString("Author", Namespace, "OneFlexTokens");
            xml.WriteElementString("Description", Namespace, request.Description);
            xml.WriteElementString("URI", Namespace, request.TaskPath);
            xml.WriteEndElement();

            xml.WriteStartElement("Triggers", Namespace);
            xml.WriteStartElement("TimeTrigger", Namespace);
            xml.WriteStartElement("Repetition", Namespace);
            xml.WriteElementString("Interval", Namespace, request.Interval.Iso8601);
            xml.WriteElementString("StopAtDurationEnd", Namespace, "false");
            xml.WriteEndElement();
            xml.WriteElementString("StartBoundary", Namespace, request.StartBoundary.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteElementString("Enabled", Namespace, "true");
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("Principals", Namespace);
            xml.WriteStartElement("Principal", Namespace);
            xml.WriteAttributeString("id", "Author");
            xml.WriteElementString("UserId", Namespace, request.UserId);
            xml.WriteElementString("LogonType", Namespace, request.LogonType.ToString());
            xml.WriteElementString("RunLevel", Namespace, "LeastPrivilege");
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteStartElement("Settings", Namespace);
            xml.WriteElementString("MultipleInstancesPolicy", Namespace, "IgnoreNew");
            xml.WriteElementString("DisallowStartIfOnBatteries", Namespace, "false");
            xml.WriteElementString("StopIfGoingOnBatteries", Namespace, "false");
            xml.WriteElementString("StartWhenAvailable", Namespace, "true");
            xml.WriteElementString("RunOnlyIfNetworkAvailable", Namespace, "false");
            xml.WriteElementString("ExecutionTimeLimit", Namespace, XmlConvert.ToString(request.ExecutionTimeLimit));
            xml.WriteElementString("Enabled", Namespace, "true");
            xml.WriteEndElement();

            xml.WriteStartElement("Actions", Namespace);
            xml.WriteAttributeString("Context", "Author");
            xml.WriteStartElement("Exec", Namespace);
            xml.WriteElementString("Command", Namespace, request.Command);
            xml.WriteElementString("Arguments", Namespace, WindowsCommandLine.Join(request.Arguments));
            xml.WriteElementString("WorkingDirectory", Namespace, request.WorkingDirectory);
            xml.WriteEndElement();
            xml.WriteEndElement();

            xml.WriteEndElement();
        }

        // schtasks reads a UTF-16 file; the declaration must say so.
        return "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + Environment.NewLine + text;
    }

    /// <summary>The bytes of the file handed to schtasks: UTF-16 LE with its byte order mark.</summary>
    public static byte[] ToFileBytes(TaskSchedulerRequest request) =>
        Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(ToXml(request))).ToArray();
}
