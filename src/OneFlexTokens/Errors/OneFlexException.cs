using System.Management.Automation;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Errors;

/// <summary>A failure the user can meet, carrying the stable error id and category its ErrorRecord gets.</summary>
internal class OneFlexException : Exception
{
    public OneFlexException(string errorId, ErrorCategory category, string message, object? targetObject = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        TargetObject = targetObject;
    }

    public string ErrorId { get; }

    /// <summary>What the user reads: it quotes paths, file content and replies, so its control characters are shown escaped.</summary>
    public override string Message => DisplayText.Escape(base.Message, keepLineBreaks: true);

    public ErrorCategory Category { get; }

    public object? TargetObject { get; }

    public ErrorRecord ToErrorRecord() => new(this, ErrorId, Category, TargetObject);
}
