using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsCommon.Get, "OneFlexToken", DefaultParameterSetName = BrowserSet, HelpUri = HelpUris.GetOneFlexToken)]
[OutputType(typeof(OneFlexToken))]
public sealed class GetOneFlexTokenCommand : OneFlexCmdlet
{
    private const string BrowserSet = "Browser";
    private const string RefreshTokenSet = "RefreshToken";
    private const string EnvPathSet = "EnvPath";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? BaseUrl { get; set; }

    [Parameter]
    public SwitchParameter Headless { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfilePath { get; set; }

    [Parameter]
    [Alias("TimeoutSeconds")]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; }

    [Parameter]
    public BrowserKind Browser { get; set; } = BrowserKind.Auto;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BrowserPath { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = RefreshTokenSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? RefreshToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = EnvPathSet)]
    [ValidateNotNullOrEmpty]
    public string? EnvPath { get; set; }

    [Parameter(ParameterSetName = RefreshTokenSet)]
    [Parameter(ParameterSetName = EnvPathSet)]
    public SwitchParameter NoBrowser { get; set; }

    protected override void BeginProcessing()
    {
        // The assembly may have been loaded from the host's folder; the module's own folder is where the driver is.
        PlaywrightDriver.UseModuleFolder(MyInvocation.MyCommand.Module?.ModuleBase);
    }

    protected override void ProcessRecord()
    {
        var callbacks = new SignInCallbacks
        {
            Verbose = PostVerbose,
            Warning = PostWarning,
            Progress = report => PostProgress(report),
            Token = token => Post(() => WriteObject(token)),
        };

        try
        {
            var request = new TokenRequest
            {
                BaseUrl = BaseUrl,
                RefreshToken = ParameterSetName == RefreshTokenSet ? RefreshToken : null,
                EnvPath = ParameterSetName == EnvPathSet ? EnvPaths.ForReading(SessionState, EnvPath!) : null,
                NoBrowser = NoBrowser,
                Headless = Headless,
                ProfilePath = ProfilePath is null ? null : ResolvePath(ProfilePath),
                Browser = Browser,
                BrowserPath = BrowserPath is null ? null : ResolvePath(BrowserPath),
                Timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null,
            };
            RunAsync(ct => new TokenAcquisition(HostPlatform.Current).GetAsync(request, callbacks, ct));
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }
}
