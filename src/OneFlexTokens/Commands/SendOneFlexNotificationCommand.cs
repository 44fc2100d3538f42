using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Notifications;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsCommunications.Send, "OneFlexNotification", SupportsShouldProcess = true, HelpUri = HelpUris.SendOneFlexNotification)]
[OutputType(typeof(NotificationResult))]
public sealed class SendOneFlexNotificationCommand : OneFlexCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Message { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "OneFlexTokens";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public NotificationLevel Level { get; set; } = NotificationLevel.Info;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WebhookUrl { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EnvPath { get; set; }

    [Parameter]
    public WebhookFormat Format { get; set; } = WebhookFormat.Auto;

    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The whole send: every attempt and every pause between them.</summary>
    [Parameter]
    [Alias("TimeoutSeconds")]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private Uri? _webhook;

    protected override void BeginProcessing()
    {
        CheckDuration(TimeoutRange.Wait, nameof(Timeout), Timeout);
        try
        {
            _webhook = WebhookNotification.ResolveWebhook(WebhookUrl, EnvPath is null ? null : EnvPaths.ForReading(SessionState, EnvPath));
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }

    protected override void ProcessRecord()
    {
        var webhook = _webhook!;
        var text = new WebhookMessage(Level, Title, Message);
        if (!ShouldProcess(WebhookAddress.Mask(webhook), $"Send {Level} notification '{text.Title}' ({WebhookAddress.Detect(webhook, Format)})"))
        {
            return;
        }

        try
        {
            var result = RunAsync(ct => WebhookNotification.SendAsync(webhook, Format, text, MaxRetries, Timeout, PostVerbose, ct));
            if (PassThru)
            {
                WriteObject(result);
            }
        }
        catch (OneFlexException failure)
        {
            WriteError(failure);
        }
    }
}
