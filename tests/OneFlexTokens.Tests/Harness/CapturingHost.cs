using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace OneFlexTokens.Tests.Harness;

/// <summary>A PSHost that records everything written to it (WhatIf lines, progress, prompts) and answers prompts from a script.</summary>
public sealed class CapturingHost : PSHost
{
    private readonly CapturingHostUserInterface _ui = new();

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "OneFlexTokens.Tests";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);

    public string Text => _ui.Text;
    public IReadOnlyList<ProgressRecord> Progress => _ui.Progress;

    /// <summary>Answers for PromptForChoice (e.g. -Confirm), by choice label such as "&amp;Yes" or "&amp;No"; default is the default choice.</summary>
    public Queue<string> ChoiceAnswers => _ui.ChoiceAnswers;

    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }

    private sealed class CapturingHostUserInterface : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();
        private readonly List<ProgressRecord> _progress = new();

        public Queue<string> ChoiceAnswers { get; } = new();

        public string Text { get { lock (_text) { return _text.ToString(); } } }

        public IReadOnlyList<ProgressRecord> Progress { get { lock (_progress) { return _progress.ToArray(); } } }

        public override PSHostRawUserInterface RawUI { get; } = new RawUserInterface();

        private void Append(string text) { lock (_text) { _text.Append(text); } }

        public override void Write(string value) => Append(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);
        public override void WriteLine(string value) => Append(value + "\n");
        public override void WriteErrorLine(string value) => Append("ERROR: " + value + "\n");
        public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");
        public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");
        public override void WriteWarningLine(string message) => Append("WARNING: " + message + "\n");
        public override void WriteInformation(InformationRecord record) => Append("INFO: " + record + "\n");

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            lock (_progress) { _progress.Add(record); }
            Append($"PROGRESS: {record.Activity} | {record.StatusDescription} | {record.CurrentOperation} | {record.SecondsRemaining}\n");
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            Append($"PROMPT: {caption} {message}\n");
            throw new PSInvalidOperationException("The test host does not answer Prompt.");
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Append($"CHOICE: {caption} | {message}\n");
            if (ChoiceAnswers.Count == 0)
            {
                return defaultChoice;
            }

            var wanted = ChoiceAnswers.Dequeue();
            for (var i = 0; i < choices.Count; i++)
            {
                if (string.Equals(choices[i].Label.Replace("&", ""), wanted.Replace("&", ""), StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new InvalidOperationException($"No choice '{wanted}' among {string.Join(", ", choices.Select(c => c.Label))}.");
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PSInvalidOperationException("The test host does not answer credential prompts.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PSInvalidOperationException("The test host does not answer credential prompts.");

        public override string ReadLine() => throw new PSInvalidOperationException("The test host has no input.");

        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("The test host has no input.");
    }

    private sealed class RawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Size BufferSize { get; set; } = new(200, 50);
        public override Coordinates CursorPosition { get; set; }
        public override int CursorSize { get; set; }
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
        public override bool KeyAvailable => false;
        public override Size MaxPhysicalWindowSize => new(200, 50);
        public override Size MaxWindowSize => new(200, 50);
        public override Coordinates WindowPosition { get; set; }
        public override Size WindowSize { get; set; } = new(200, 50);
        public override string WindowTitle { get; set; } = "";
        public override void FlushInputBuffer() { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
