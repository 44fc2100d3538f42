using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Docker;
using OneFlexTokens.Renewal;

namespace OneFlexTokens.Commands;

/// <summary>
/// The renewal's parameters, declared once for the cmdlets that take them all (Invoke-OneFlexRenewal runs a renewal,
/// Register-OneFlexRenewal schedules one). They only bind: <see cref="RenewalOptions.FromParameters"/> reads the bound
/// values through the one schema (<see cref="RenewalParameters"/>), which a test holds these properties to.
/// </summary>
public abstract class RenewalParametersCmdlet : OneFlexCmdlet
{
    protected const string ByNameSet = "ByName";
    protected const string ByProjectDirectorySet = "ByProjectDirectory";

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

    [Parameter]
    public SwitchParameter RemoteSignIn { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ListenAddress { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PublicUrl { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan LinkLifetime { get; set; }

    [Parameter]
    public SwitchParameter AllowHttp { get; set; }
}
