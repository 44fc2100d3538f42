using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsCommon.Get, "OneFlexRenewal")]
[OutputType(typeof(RenewalStatus))]
public sealed class GetOneFlexRenewalCommand : OneFlexCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] BotFolder { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    [Parameter]
    [ValidateRange(1, 1000)]
    public int Last { get; set; } = 5;

    protected override void ProcessRecord()
    {
        foreach (var folder in BotFolder)
        {
            var options = new RenewalOptions
            {
                BotFolder = ResolvePath(folder),
                StatePath = StatePath is null ? null : ResolvePath(StatePath),
                LogPath = LogPath is null ? null : ResolvePath(LogPath),
            };
            if (!Directory.Exists(options.BotFolder))
            {
                WriteError(new OneFlexException(ErrorIds.RenewalBotFolderNotFound, ErrorCategory.ObjectNotFound,
                    Messages.RenewalBotFolderNotFound(options.BotFolder), folder));
                continue;
            }

            WriteObject(RenewalStatus.Read(options, Last, () => SignInCommand.For(options, HostPlatform.Current), DateTimeOffset.Now));
        }
    }
}
