using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsDiagnostic.Test, "OneFlexToken", DefaultParameterSetName = TokenSet, HelpUri = HelpUris.TestOneFlexToken)]
[OutputType(typeof(bool))]
[OutputType(typeof(TokenStatus))]
[OutputType(typeof(OneFlexToken))]
public sealed class TestOneFlexTokenCommand : OneFlexCmdlet
{
    // Each input (a token, -AccessToken, -EnvPath) with each output (a bool, -Detailed, -PassThru): the syntax then
    // shows that -Detailed and -PassThru exclude each other, and the binder refuses them together.
    private const string TokenSet = "Token";
    private const string TokenDetailedSet = "TokenDetailed";
    private const string TokenPassThruSet = "TokenPassThru";
    private const string AccessTokenSet = "AccessToken";
    private const string AccessTokenDetailedSet = "AccessTokenDetailed";
    private const string AccessTokenPassThruSet = "AccessTokenPassThru";
    private const string EnvPathSet = "EnvPath";
    private const string EnvPathDetailedSet = "EnvPathDetailed";
    private const string EnvPathPassThruSet = "EnvPathPassThru";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TokenSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TokenDetailedSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TokenPassThruSet)]
    public OneFlexToken? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenDetailedSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenPassThruSet)]
    [AllowEmptyString]
    public string? AccessToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = EnvPathSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = EnvPathDetailedSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = EnvPathPassThruSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string EnvPath { get; set; } = "";

    [Parameter]
    [TimeoutTransformation]
    public TimeSpan MinimumValidity { get; set; } = TimeSpan.Zero;

    [Parameter]
    public SwitchParameter Online { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaseUrl { get; set; }

    /// <summary>The whole online check, reply included.</summary>
    [Parameter]
    [Alias("TimeoutSeconds")]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    [Parameter(Mandatory = true, ParameterSetName = TokenDetailedSet)]
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenDetailedSet)]
    [Parameter(Mandatory = true, ParameterSetName = EnvPathDetailedSet)]
    public SwitchParameter Detailed { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = TokenPassThruSet)]
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenPassThruSet)]
    [Parameter(Mandatory = true, ParameterSetName = EnvPathPassThruSet)]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        CheckDuration(TimeoutRange.Wait, nameof(Timeout), Timeout);
        CheckDuration(TokenCheck.MinimumValidityRange, nameof(MinimumValidity), MinimumValidity);
    }

    protected override void ProcessRecord()
    {
        var token = ReadInput(out var emptyBecause);
        if (token is null)
        {
            return;
        }

        var decision = TokenCheck.Decide(token, MinimumValidity, DateTimeOffset.UtcNow, Online ? () => ProbeOnline(token) : null, emptyBecause);
        if (Detailed)
        {
            WriteObject(decision.Status);
        }
        else if (decision.Verdict is null || (PassThru && !decision.IsValid))
        {
            // Not a verdict (the service was not reached): an error, never a $false that reads as "rejected".
            WriteError(decision.Failure(decision.Status)!);
        }
        else
        {
            WriteObject(PassThru ? token : decision.IsValid);
        }
    }

    /// <param name="emptyBecause">Why the token is empty when a cause more specific than "none given" is known.</param>
    private OneFlexToken? ReadInput(out string? emptyBecause)
    {
        emptyBecause = null;
        switch (ParameterSetName)
        {
            case TokenSet or TokenDetailedSet or TokenPassThruSet:
                return InputObject;
            case AccessTokenSet or AccessTokenDetailedSet or AccessTokenPassThruSet:
                return new OneFlexToken(AccessToken ?? "", null, BaseUrl, TokenSource.Parameter);
            default:
                try
                {
                    var path = EnvPaths.ForReading(SessionState, EnvPath);
                    var tokens = EnvFileReader.ReadTokens(path);
                    if (tokens.KeyBehindByteOrderMark == EnvKeys.AccessToken)
                    {
                        emptyBecause = Messages.EnvKeyAfterByteOrderMark(path, EnvKeys.AccessToken);
                    }

                    return new OneFlexToken(tokens.AccessToken ?? "", tokens.RefreshToken, BaseUrl, TokenSource.EnvFile);
                }
                catch (OneFlexException failure)
                {
                    WriteError(failure);
                    return null;
                }
        }
    }

    private OnlineAnswer ProbeOnline(OneFlexToken token)
    {
        OneFlexBaseUrl baseUrl;
        try
        {
            baseUrl = OneFlexBaseUrl.Resolve(BaseUrl ?? token.BaseUrl, HostPlatform.Current);
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
            throw;
        }

        PostVerbose($"Asking {baseUrl} who token {token.AccessTokenMasked} belongs to.");
        return new OnlineAnswer(RunAsync(ct => OneFlexApiClient.ProbeMeAsync(baseUrl, token.AccessToken, Timeout, ct)), baseUrl.Text);
    }
}
