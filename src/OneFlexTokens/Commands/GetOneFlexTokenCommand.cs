using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsCommon.Get, "OneFlexToken", DefaultParameterSetName = BrowserSet)]
[OutputType(typeof(OneFlexToken))]
public sealed class GetOneFlexTokenCommand : OneFlexCmdlet
{
    private const string BrowserSet = "Browser";
    private const string RefreshTokenSet = "RefreshToken";
    private const string EnvPathSet = "EnvPath";

    public static readonly TimeSpan DefaultInteractiveTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultHeadlessTimeout = TimeSpan.FromSeconds(60);

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
        try
        {
            var platform = HostPlatform.Current;
            var baseUrl = OneFlexBaseUrl.Resolve(BaseUrl, platform);
            var refreshToken = ParameterSetName switch
            {
                RefreshTokenSet => RefreshToken,
                EnvPathSet => ReadRefreshTokenFromEnvFile(EnvPaths.ForReading(SessionState, EnvPath!)),
                _ => null,
            };

            var timeoutGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout));
            if (timeoutGiven)
            {
                TimeoutRange.Wait.Check(nameof(Timeout), Timeout);
            }

            if (refreshToken is not null)
            {
                var grantClient = new RefreshGrantClient(timeout: timeoutGiven ? Timeout : RefreshGrantClient.DefaultTimeout);
                var grant = RunAsync(ct => grantClient.RequestAsync(baseUrl, refreshToken, PostVerbose, ct));
                if (grant.Granted)
                {
                    WriteObject(new OneFlexToken(grant.AccessToken!, grant.RefreshToken, baseUrl.Text, TokenSource.Refresh));
                    return;
                }

                if (NoBrowser)
                {
                    ThrowTerminatingError(new OneFlexException(ErrorIds.RefreshTokenRejected, ErrorCategory.AuthenticationError, Messages.RefreshTokenRejected, baseUrl.Text));
                }

                WriteWarning(Messages.RefreshTokenRejectedFallingBack(grant.StatusCode));
            }
            else if (NoBrowser)
            {
                ThrowTerminatingError(new OneFlexException(ErrorIds.EnvKeyMissing, ErrorCategory.ObjectNotFound, Messages.RefreshTokenMissingInEnvFile, EnvPath));
            }
            else if (ParameterSetName == EnvPathSet)
            {
                WriteVerbose($"'{EnvPath}' has no {EnvKeys.RefreshToken}; signing in with the browser.");
            }

            SignInWithBrowser(platform, baseUrl);
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }

    private void SignInWithBrowser(HostPlatform platform, OneFlexBaseUrl baseUrl)
    {
        SignInEnvironment.EnsureDisplay(platform, Headless);
        var profile = ProfilePath is null ? SignInEnvironment.DefaultProfilePath(platform) : ResolvePath(ProfilePath);
        if (new SessionStateStore(profile).CheckProfilePath() is { } sharedFolder)
        {
            WriteWarning(sharedFolder);
        }

        var browser = new BrowserLocator(platform).Locate(Browser, BrowserPath is null ? null : ResolvePath(BrowserPath));
        var timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : Headless ? DefaultHeadlessTimeout : DefaultInteractiveTimeout;

        var request = new SignInRequest(baseUrl, browser, profile, Headless, timeout);
        var activity = Headless ? "Renewing OneFlex tokens (headless)" : "Signing in to OneFlex";
        var signIn = new BrowserSignIn(platform, PostVerbose);
        var written = false;
        try
        {
            RunAsync(ct => signIn.SignInAsync(
                request,
                p => PostProgress(new ProgressRecord(1, activity, p.Status)
                {
                    SecondsRemaining = (int)Math.Ceiling(p.Remaining.TotalSeconds),
                    PercentComplete = (int)Math.Clamp(100 * (1 - (p.Remaining / p.Timeout)), 0, 100),
                    CurrentOperation = $"{baseUrl.Text} — {(int)Math.Ceiling(p.Remaining.TotalSeconds)} s left",
                }),
                tokens =>
                {
                    // Out at once, before the browser has closed: the rest of the pipeline need not wait for it.
                    var token = new OneFlexToken(tokens.AccessToken, tokens.RefreshToken, baseUrl.Text, TokenSource.Browser);
                    written = true;
                    Post(() => WriteObject(token));
                },
                ct));
        }
        finally
        {
            WriteProgress(new ProgressRecord(1, activity, written ? "Signed in" : "Stopped") { RecordType = ProgressRecordType.Completed });
        }
    }

    private static string? ReadRefreshTokenFromEnvFile(string path) => EnvFileReader.ReadTokens(path).RefreshToken;
}
