using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsData.Save, "OneFlexEnv", SupportsShouldProcess = true, DefaultParameterSetName = TokenSet)]
[OutputType(typeof(EnvSaveResult))]
public sealed class SaveOneFlexEnvCommand : OneFlexCmdlet
{
    private const string TokenSet = "Token";
    private const string ValuesSet = "Values";

    private readonly HashSet<string> _gitChecked = new(StringComparer.Ordinal);
    private readonly EnvFileWriter _writer = new();

    [Parameter(ParameterSetName = TokenSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public OneFlexToken? InputObject { get; set; }

    [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? AccessToken { get; set; }

    [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? RefreshToken { get; set; }

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = { "./.env" };

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var settings = Settings();
        foreach (var path in Path)
        {
            var full = ResolvePath(path);
            try
            {
                Save(full, settings);
            }
            catch (OneFlexException failure)
            {
                WriteError(failure);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }

    private List<KeyValuePair<string, string>> Settings()
    {
        var access = InputObject?.AccessToken ?? AccessToken;
        var refresh = InputObject?.RefreshToken ?? RefreshToken;
        var settings = new List<KeyValuePair<string, string>>(2);
        if (!string.IsNullOrEmpty(access))
        {
            settings.Add(new(EnvKeys.AccessToken, access));
        }

        if (!string.IsNullOrEmpty(refresh))
        {
            settings.Add(new(EnvKeys.RefreshToken, refresh));
        }

        if (settings.Count == 0)
        {
            ThrowTerminatingError(new OneFlexException(ErrorIds.NoTokenInput, ErrorCategory.InvalidArgument, Messages.SaveEnvNoTokenInput));
        }

        try
        {
            foreach (var (key, value) in settings)
            {
                TokenValueRules.Validate(key, value);
            }
        }
        catch (OneFlexException unsafeValue)
        {
            ThrowTerminatingError(unsafeValue);
        }

        return settings;
    }

    private void Save(string path, List<KeyValuePair<string, string>> settings)
    {
        // The preview reads and edits the file once more; only -WhatIf and -Confirm need it to describe the change.
        if (ShouldProcessNeedsPreview())
        {
            var preview = _writer.Preview(path, settings);
            if (!preview.Changed)
            {
                Report(path, preview);
                return;
            }

            if (!ShouldProcess(path, preview.Summary))
            {
                return;
            }
        }
        else if (!ShouldProcess(path, Messages.SaveEnvAction))
        {
            return;
        }

        var result = _writer.Save(path, settings, CancellationToken,
            lockPath => WriteVerbose($"{path}: waiting for another save to finish (it holds {lockPath})."));
        Report(path, result);
    }

    private void Report(string path, EnvSaveResult result)
    {
        WriteVerbose($"{path}: {result.Summary}.");
        WarnIfCommittable(path);
        if (PassThru)
        {
            WriteObject(result);
        }
    }

    private bool ShouldProcessNeedsPreview() =>
        MyInvocation.BoundParameters.ContainsKey("WhatIf")
        || MyInvocation.BoundParameters.ContainsKey("Confirm")
        || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"))
        || (Enum.TryParse<ConfirmImpact>(GetVariableValue("ConfirmPreference")?.ToString(), true, out var preference)
            && preference != ConfirmImpact.None && preference <= ConfirmImpact.Medium);

    private void WarnIfCommittable(string path)
    {
        if (!_gitChecked.Add(path))
        {
            return;
        }

        var target = EnvFileWriter.ResolveTarget(path);
        if (GitWorkTree.FindRoot(target) is not { } root)
        {
            return;
        }

        var ignored = GitWorkTree.IsIgnored(root, target, out var problem);
        if (ignored == false)
        {
            WriteWarning(string.Format(Messages.EnvFileInGitWorkTree, path, root));
        }
        else if (ignored is null)
        {
            WriteWarning(string.Format(Messages.EnvFileInGitWorkTreeUnchecked, path, root, problem));
        }
    }
}
