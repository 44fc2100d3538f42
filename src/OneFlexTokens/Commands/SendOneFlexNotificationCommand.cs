using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Notifications;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsCommunications.Send, "OneFlexNotification", SupportsShouldProcess = true)]
[OutputType(typeof(NotificationResult))]
public sealed class SendOneFlexNotificationCommand : OneFlexCmdlet
{
    public const string WebhookEnvKey = "NOTIFICATION_WEBHOOK_URL";

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
            _webhook = WebhookAddress.Parse(ResolveWebhookText());
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }

    protected override void ProcessRecord()
    {
        var webhook = _webhook!;
        var masked = WebhookAddress.Mask(webhook);
        var format = WebhookAddress.Detect(webhook, Format);
        var title = SecretScrubber.Scrub(Title);
        var message = SecretScrubber.Scrub(Message);
        if (!ShouldProcess(masked, $"Send {Level} notification '{title}' ({format})"))
        {
            return;
        }

        var sentAt = DateTimeOffset.UtcNow;
        var payload = WebhookPayload.Build(format, Level, title, message, sentAt);
        PostVerbose($"Posting a {format} {Level} notification '{title}' to {masked}.");
        try
        {
            var (status, attempts) = RunAsync(ct => new WebhookSender().SendAsync(
                webhook, payload, MaxRetries, Timeout, PostVerbose, ct));
            PostVerbose($"The webhook {masked} accepted it (HTTP {status}, attempt {attempts}).");
            if (PassThru)
            {
                WriteObject(new NotificationResult(format, Level, title, status, attempts, masked, sentAt));
            }
        }
        catch (OneFlexException failure)
        {
            WriteError(failure);
        }
    }

    private string ResolveWebhookText()
    {
        if (!string.IsNullOrWhiteSpace(WebhookUrl))
        {
            return WebhookUrl;
        }

        if (EnvPath is not null)
        {
            var values = EnvFileReader.ReadValues(EnvPaths.ForReading(SessionState, EnvPath));
            if (values.TryGetValue(WebhookEnvKey, out var fromFile) && !string.IsNullOrWhiteSpace(fromFile))
            {
                return fromFile;
            }
        }

        throw new OneFlexException(ErrorIds.NotificationWebhookMissing, ErrorCategory.InvalidArgument, Messages.NotificationWebhookMissing);
    }
}
