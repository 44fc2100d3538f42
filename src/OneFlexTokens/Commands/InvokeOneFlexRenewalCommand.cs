using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "OneFlexRenewal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet, HelpUri = HelpUris.InvokeOneFlexRenewal)]
[OutputType(typeof(RenewalResult))]
public sealed class InvokeOneFlexRenewalCommand : RenewalParametersCmdlet
{
    protected override void BeginProcessing()
    {
        // The assembly may have been loaded from the host's folder; the module's own folder is where the driver is.
        PlaywrightDriver.UseModuleFolder(MyInvocation.MyCommand.Module?.ModuleBase);
    }

    protected override void ProcessRecord()
    {
        RenewalOptions options;
        try
        {
            options = RenewalOptions.FromParameters(MyInvocation.BoundParameters, ResolvePath, RenewalOptions.ManifestIn(MyInvocation.MyCommand.Module?.ModuleBase));
        }
        catch (OneFlexException invalid)
        {
            ThrowTerminatingError(invalid);
            throw;
        }

        if (!ShouldProcess(options.BotFolder, Messages.RenewalAction(options.BotFolder, options.NoBrowser)))
        {
            return;
        }

        var callbacks = new RenewalCallbacks
        {
            Verbose = PostVerbose,
            Warning = PostWarning,
            Progress = report => PostProgress(report),
            ShowLink = announcement => Post(() => RemoteSignInLinkRecord.Write(this, announcement)),
        };
        RenewalResult result;
        try
        {
            result = RunAsync(ct => new BotRenewal(HostPlatform.Current).RunAsync(options, callbacks, ct));
        }
        catch (OneFlexException unexpected)
        {
            // The service turns failures into results; this is only a safety net, so that none surfaces as a .NET type.
            ThrowTerminatingError(unexpected);
            throw;
        }

        WriteObject(result);
        if (result.Failure is { } failure)
        {
            WriteError(failure);
        }
    }
}
