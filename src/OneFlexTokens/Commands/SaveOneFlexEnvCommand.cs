using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsData.Save, "OneFlexEnv", SupportsShouldProcess = true, DefaultParameterSetName = TokenSet, HelpUri = HelpUris.SaveOneFlexEnv)]
[OutputType(typeof(EnvSaveResult))]
public sealed class SaveOneFlexEnvCommand : OneFlexCmdlet
{
    // The token comes as an object or as values; the files as -Path (wildcards) or -LiteralPath: four sets.
    private const string TokenSet = "Token";
    private const string ValuesSet = "Values";
    private const string TokenLiteralSet = "TokenLiteralPath";
    private const string ValuesLiteralSet = "ValuesLiteralPath";

    private readonly HashSet<string> _gitChecked = new(StringComparer.Ordinal);
    private readonly EnvFileWriter _writer = new();

    [Parameter(ParameterSetName = TokenSet, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = TokenLiteralSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public OneFlexToken? InputObject { get; set; }

    [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ValuesLiteralSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? AccessToken { get; set; }

    [Parameter(ParameterSetName = ValuesSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ValuesLiteralSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? RefreshToken { get; set; }

    [Parameter(Position = 0, ParameterSetName = TokenSet)]
    [Parameter(Position = 0, ParameterSetName = ValuesSet)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = { "./.env" };

    [Parameter(Mandatory = true, ParameterSetName = TokenLiteralSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = ValuesLiteralSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Creates a missing folder (owner-only), as New-Item -Force does; without it a missing folder refuses the whole save.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private bool IsLiteral => ParameterSetName is TokenLiteralSet or ValuesLiteralSet;

    protected override void ProcessRecord()
    {
        var settings = Settings();
        var targets = Targets();
        if (!Force)
        {
            RefuseMissingFolders(targets);
        }

        foreach (var target in targets)
        {
            try
            {
                Save(target, settings);
            }
            catch (OneFlexException failure)
            {
                WriteError(failure);
            }
        }
    }

    /// <summary>Every file the paths name, resolved under the file policy; a path that cannot be is a non-terminating error.</summary>
    private List<EnvTarget> Targets()
    {
        var targets = new List<EnvTarget>();
        foreach (var path in IsLiteral ? LiteralPath! : Path)
        {
            IReadOnlyList<string> files;
            try
            {
                files = EnvPaths.ForSaving(SessionState, path, IsLiteral);
            }
            catch (OneFlexException failure)
            {
                WriteError(failure);
                continue;
            }

            foreach (var file in files)
            {
                try
                {
                    targets.Add(EnvFileAccess.Resolve(file));
                }
                catch (OneFlexException failure)
                {
                    WriteError(failure);
                }
            }
        }

        return targets;
    }

    /// <summary>
    /// A missing folder is a typo until -Force says otherwise: then nothing is saved, to any file, and the error is
    /// terminating, so that a pipeline never goes on to restart the bot on a half-done save. Each such path is named.
    /// </summary>
    private void RefuseMissingFolders(IReadOnlyList<EnvTarget> targets)
    {
        var refusals = EnvFileWriter.MissingFolders(targets);
        if (refusals.Count == 0)
        {
            return;
        }

        foreach (var refusal in refusals.SkipLast(1))
        {
            WriteError(refusal);
        }

        ThrowTerminatingError(refusals[^1]);
    }

    /// <summary>The tokens to save, checked once for all files: an unsafe value ends the command before any file is touched.</summary>
    private EnvSettings Settings()
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
            return EnvSettings.Create(settings);
        }
        catch (OneFlexException unsafeValue)
        {
            ThrowTerminatingError(unsafeValue);
            throw;
        }
    }

    /// <param name="target">Its errors go to the caller, which reports them and goes on with the next file.</param>
    private void Save(EnvTarget target, EnvSettings settings)
    {
        EnvSaveResult? result;
        try
        {
            // ShouldProcess decides, asked by the writer with the change it computed under the folder's lock: -WhatIf and
            // -Confirm show exactly what would change, and a save reads and edits the file once.
            result = _writer.Save(target, settings, change => ShouldProcess(target.Path, change.Summary), CancellationToken,
                folder => WriteVerbose($"{target.Path}: waiting for another save in {folder} to finish."));
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        if (result is null)
        {
            return;
        }

        WriteVerbose($"{target.Path}: {result.Summary}.");
        WarnIfCommittable(target);
        if (PassThru)
        {
            WriteObject(result);
        }
    }

    private void WarnIfCommittable(EnvTarget target)
    {
        if (!_gitChecked.Add(target.File) || GitWorkTree.FindRoot(target.File) is not { } root)
        {
            return;
        }

        var ignored = GitWorkTree.IsIgnored(root, target.File, out var problem);
        if (ignored == false)
        {
            WriteWarning(Messages.EnvFileInGitWorkTree(target.Path, root));
        }
        else if (ignored is null)
        {
            WriteWarning(Messages.EnvFileInGitWorkTreeUnchecked(target.Path, root, problem));
        }
    }
}
