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
        var bound = MyInvocation.BoundParameters;
        var options = new RenewalOptions
        {
            BotFolder = ResolvePath(BotFolder),
            MinimumValidity = bound.ContainsKey(nameof(MinimumValidity)) ? MinimumValidity : RenewalOptions.DefaultMinimumValidity,
            BaseUrl = BaseUrl,
            ProfilePath = ProfilePath is null ? null : ResolvePath(ProfilePath),
            NoBrowser = NoBrowser,
            DockerHost = DockerHost,
            BotName = BotName,
            ProjectDirectory = ProjectDirectory is null ? null : ResolvePath(ProjectDirectory),
            StatePath = StatePath is null ? null : ResolvePath(StatePath),
            LogPath = LogPath is null ? null : ResolvePath(LogPath),
            WebhookUrl = WebhookUrl,
            LockTimeout = bound.ContainsKey(nameof(LockTimeout)) ? LockTimeout : RenewalOptions.DefaultLockTimeout,
            ModuleManifest = ModuleManifest(),
        };
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

    /// <summary>The manifest this cmdlet was imported from, for the sign-in command; null when it was not imported by one.</summary>
    private string? ModuleManifest()
    {
        var module = MyInvocation.MyCommand.Module;
        if (module is null)
        {
            return null;
        }

        var manifest = Path.Combine(module.ModuleBase, module.Name + ".psd1");
        return File.Exists(manifest) ? manifest : null;
    }
}
