using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.Docker;
using OneFlexTokens.Renewal;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "OneFlexRenewal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(RenewalResult))]
public sealed class InvokeOneFlexRenewalCommand : OneFlexCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByProjectDirectorySet = "ByProjectDirectory";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string BotFolder { get; set; } = "";

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan MinimumValidity { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUrl { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfilePath { get; set; }

    [Parameter]
    public SwitchParameter NoBrowser { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DockerHost { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string BotName { get; set; } = RenewalOptions.DefaultBotName;

    [Parameter(Mandatory = true, ParameterSetName = ByProjectDirectorySet)]
    [ValidateNotNullOrEmpty]
    public string? ProjectDirectory { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WebhookUrl { get; set; }

    [Parameter]
    [Alias("LockTimeoutSeconds")]
    [TimeoutTransformation]
    public TimeSpan LockTimeout { get; set; }

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

        var callbacks = new WorkCallbacks
        {
            Verbose = PostVerbose,
            Warning = PostWarning,
            Progress = report => PostProgress(report),
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
