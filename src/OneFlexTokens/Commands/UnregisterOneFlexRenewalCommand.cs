using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Scheduling;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Unregister, "OneFlexRenewal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet, HelpUri = HelpUris.UnregisterOneFlexRenewal)]
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
        var ids = botFolder is null ? new[] { Id } : RenewalSetup.IdsOf(botFolder, host);
        var registrar = RenewalRegistrar.For(host);
        try
        {
            if (registrar.RemovalSteps(ids[0]) is { } steps)
            {
                // Nothing can be removed from here: the steps are the result, shown like Write-Host.
                WriteInformation(new HostInformationMessage { Message = steps }, new[] { "PSHOST" });
                return;
            }

            var found = ids.SelectMany(id => registrar.Find(id)).ToList();
            if (found.Count == 0)
            {
                WriteError(new OneFlexException(ErrorIds.RenewalNotRegistered, ErrorCategory.ObjectNotFound,
                    Messages.RenewalNotRegistered(botFolder ?? ids[0]), (object?)botFolder ?? ids[0]));
                return;
            }

            foreach (var registration in found)
            {
                var named = registration.BotFolder.Length > 0 ? registration.BotFolder : botFolder ?? Messages.RenewalLineById(registration.Id);
                if (!ShouldProcess(Messages.RenewalUnregisterWhatIf(registration.Where, named, registration.Command),
                        Messages.RenewalUnregisterConfirm(named, registration.Where), Messages.RenewalUnregisterCaption))
                {
                    continue;
                }

                foreach (var leftAlone in registrar.Unregister(registration.Id, botFolder).Warnings)
                {
                    WriteWarning(leftAlone);
                }

                WriteVerbose(Messages.RenewalUnregistered(registration.Where, named));
            }
        }
        catch (OneFlexException failure)
        {
            WriteError(failure);
        }
    }
}
