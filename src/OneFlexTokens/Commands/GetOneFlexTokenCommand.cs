using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
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
    [Alias("LinkLifetimeSeconds")]
    [TimeoutTransformation]
    public TimeSpan LinkLifetime { get; set; }

    [Parameter]
    public SwitchParameter AllowHttp { get; set; }

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
                Remote = RemoteRunner(),
            };
            RunAsync(ct => new TokenAcquisition(HostPlatform.Current).GetAsync(request, callbacks, ct));
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }

    /// <summary>The listener parameters as settings, or null without -RemoteSignIn (then none of them may be given).</summary>
    /// <exception cref="OneFlexException">RemoteSignInParameterWithoutSwitch.</exception>
    private RemoteSignInSettings? RemoteSettings()
    {
        var bound = MyInvocation.BoundParameters;
        RemoteSignInSettings.CheckNeedsSwitch(RemoteSignIn, bound.ContainsKey);
        if (!RemoteSignIn)
        {
            return null;
        }

        if (Headless || NoBrowser)
        {
            var other = Headless ? nameof(Headless) : nameof(NoBrowser);
            ThrowTerminatingError(new OneFlexException(ErrorIds.RemoteSignInConflict, ErrorCategory.InvalidArgument, Messages.RemoteSignInConflict(other), other));
        }

        if (bound.ContainsKey(nameof(LinkLifetime)))
        {
            CheckDuration(TimeoutRange.Wait, nameof(LinkLifetime), LinkLifetime);
        }

        return new RemoteSignInSettings
        {
            ListenAddress = ListenAddress ?? RemoteSignInSettings.DefaultListenAddress,
            PublicUrl = PublicUrl,
            CertificatePath = CertificatePath is null ? null : ResolvePath(CertificatePath),
            LinkLifetime = bound.ContainsKey(nameof(LinkLifetime)) ? LinkLifetime : RemoteSignInSettings.InteractiveLinkLifetime,
            AllowHttp = AllowHttp,
        };
    }

    /// <summary>
    /// The remote sign-in of this call: the browser starts at once (someone is at the terminal), the link and its QR code go to
    /// the information stream, and the phone is told it is over once the pipeline has taken the token.
    /// </summary>
    private RemoteSignInRunner? RemoteRunner()
    {
        if (RemoteSettings() is not { } settings)
        {
            return null;
        }

        var callbacks = new RemoteSignInCallbacks
        {
            Verbose = PostVerbose,
            Warning = PostWarning,
            Progress = report => PostProgress(report, activityId: 2),
            Announce = (announcement, _) =>
            {
                Post(() => RemoteSignInLinkRecord.Write(this, announcement));
                return Task.CompletedTask;
            },
            // Posted after the token itself: once it has run, everything downstream has had the token.
            Completed = (tokens, _) => Task.Run(() =>
            {
                Ask(() => true);
                return Messages.RemoteSignInPipelineTookToken(JwtReader.TryRead(tokens.AccessToken)?.ExpiresAt);
            }),
        };
        return new RemoteSignInFlow(HostPlatform.Current, settings, browserAtOnce: true, callbacks).Runner;
    }
}
