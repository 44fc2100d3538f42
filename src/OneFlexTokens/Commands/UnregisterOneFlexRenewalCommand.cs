using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.Scheduling;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Unregister, "OneFlexRenewal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(void))]
public sealed class UnregisterOneFlexRenewalCommand : OneFlexCmdlet
{
    private const string ByBotFolderSet = "ByBotFolder";
    private const string ByIdSet = "ById";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByBotFolderSet)]
    [ValidateNotNullOrEmpty]
    public string BotFolder { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [ValidatePattern("^[0-9a-f]{12}$")]
    public string Id { get; set; } = "";

    protected override void ProcessRecord()
    {
        var host = HostPlatform.Current;
        var botFolder = ParameterSetName == ByBotFolderSet ? ResolvePath(BotFolder) : null;
        var id = botFolder is null ? Id : RenewalScheduler.IdFor(botFolder, host);
        var scheduler = new RenewalScheduler(host);
        try
        {
            if (scheduler.Platform == RenewalPlatform.SynologyDsm)
            {
                WriteInformation(new HostInformationMessage { Message = scheduler.Unregister(id).Instructions! }, new[] { "PSHOST" });
                return;
            }

            var found = scheduler.Find(id);
            if (found.Count == 0)
            {
                WriteError(new OneFlexException(ErrorIds.RenewalNotRegistered, ErrorCategory.ObjectNotFound,
                    Messages.RenewalNotRegistered(botFolder ?? id), (object?)botFolder ?? id));
                return;
            }

            foreach (var registration in found)
            {
                if (!ShouldProcess(Messages.RenewalUnregisterWhatIf(registration.Where, registration.BotFolder, registration.Command),
                        Messages.RenewalUnregisterConfirm(registration.BotFolder, registration.Where), Messages.RenewalUnregisterCaption))
                {
                    continue;
                }

                scheduler.Unregister(registration.Id);
                var folder = botFolder ?? registration.BotFolder;
                if (folder.Length > 0)
                {
                    RenewalSetup.RemoveWebhook(folder);
                    RenewalSetup.RemoveRegisteredAt(folder);
                }

                WriteVerbose(Messages.RenewalUnregistered(registration.Where, registration.BotFolder));
            }
        }
        catch (OneFlexException failure)
        {
            WriteError(failure);
        }
    }
}
