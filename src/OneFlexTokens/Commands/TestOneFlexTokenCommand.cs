using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsDiagnostic.Test, "OneFlexToken", DefaultParameterSetName = TokenSet)]
[OutputType(typeof(bool))]
[OutputType(typeof(TokenStatus))]
[OutputType(typeof(OneFlexToken))]
public sealed class TestOneFlexTokenCommand : OneFlexCmdlet
{
    private const string TokenSet = "Token";
    private const string AccessTokenSet = "AccessToken";
    private const string EnvPathSet = "EnvPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TokenSet)]
    public OneFlexToken? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = AccessTokenSet)]
    [AllowEmptyString]
    public string? AccessToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = EnvPathSet, ValueFromPipelineByPropertyName = true)]
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

    [Parameter]
    public SwitchParameter Detailed { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        CheckDuration(TimeoutRange.Wait, nameof(Timeout), Timeout);
        CheckDuration(TokenCheck.MinimumValidityRange, nameof(MinimumValidity), MinimumValidity);
        if (Detailed && PassThru)
        {
            ThrowTerminatingError(new OneFlexException(ErrorIds.DetailedAndPassThru, ErrorCategory.InvalidArgument, Messages.DetailedAndPassThru));
        }
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
        else if (!PassThru)
        {
            WriteObject(decision.IsValid);
        }
        else if (decision.Failure(decision.Status) is { } failure)
        {
            WriteError(failure);
        }
        else
        {
            WriteObject(token);
        }
    }

    /// <param name="emptyBecause">Why the token is empty when a cause more specific than "none given" is known.</param>
    private OneFlexToken? ReadInput(out string? emptyBecause)
    {
        emptyBecause = null;
        switch (ParameterSetName)
        {
            case TokenSet:
                return InputObject;
            case AccessTokenSet:
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
