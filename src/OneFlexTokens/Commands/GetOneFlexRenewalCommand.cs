using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsCommon.Get, "OneFlexRenewal", HelpUri = HelpUris.GetOneFlexRenewal)]
[OutputType(typeof(RenewalStatus))]
public sealed class GetOneFlexRenewalCommand : OneFlexCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? BotFolder { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    [Parameter]
    [ValidateRange(1, 1000)]
    public int Last { get; set; } = 5;

    private readonly IRenewalRegistrar _registrar = RenewalRegistrar.For(HostPlatform.Current);
    private IReadOnlyList<RenewalRegistration>? _registered;
    private string? _registrationNote;
    private bool _sawBotFolder;
    private string? _statePath;
    private string? _logPath;

    protected override void BeginProcessing()
    {
        _statePath = StatePath is null ? null : ResolvePath(StatePath);
        _logPath = LogPath is null ? null : ResolvePath(LogPath);
    }

    protected override void ProcessRecord()
    {
        if (BotFolder is null)
        {
            return;
        }

        _sawBotFolder = true;
        foreach (var folder in BotFolder)
        {
            var full = ResolvePath(folder);
            if (RenewalOptions.MissingBotFolder(full, folder) is { } missing)
            {
                WriteError(missing);
                continue;
            }

            var ids = RenewalSetup.IdsOf(full, HostPlatform.Current);
            WriteStatus(full, ids.Select(id => Registered().FirstOrDefault(r => r.Id == id)).FirstOrDefault(r => r is not null));
        }
    }

    protected override void EndProcessing()
    {
        if (_sawBotFolder)
        {
            return;
        }

        var registered = Registered();
        if (registered.Count == 0)
        {
            WriteWarning(_registrationNote ?? Messages.RenewalNoneRegistered);
        }

        foreach (var registration in registered)
        {
            if (registration.ReadBackProblem is { } problem)
            {
                WriteWarning(problem);
                WriteObject(RenewalStatus.OfUnreadableLine(registration, DateTimeOffset.Now));
                continue;
            }

            WriteStatus(registration.BotFolder, registration);
        }
    }

    private void WriteStatus(string botFolder, RenewalRegistration? registration)
    {
        var options = new RenewalOptions
        {
            BotFolder = botFolder,
            // Where the registered runs keep them (their -StatePath, -LogPath), unless the caller says.
            StatePath = _statePath ?? registration?.RunOptions?.StatePath,
            LogPath = _logPath ?? registration?.RunOptions?.LogPath,
        };
        // Never a command read from disk: the registration's own options, or without one the caller's.
        var signInOptions = registration?.RunOptions ?? options;
        try
        {
            WriteObject(RenewalStatus.Read(options, Last, () => SignInCommand.For(signInOptions, HostPlatform.Current), DateTimeOffset.Now,
                registration, registration is null ? _registrationNote ?? Messages.RenewalNotRegisteredHere(SignInCommand.Quote(botFolder)) : registration.ReadBackProblem));
        }
        catch (OneFlexException untrusted)
        {
            // StateNotTrusted: a log or state another account controls is not shown; the other bot folders still are.
            WriteError(untrusted);
        }
    }

    /// <summary>The renewals registered here, read once per call; none, with a note saying why, when they cannot be read.</summary>
    private IReadOnlyList<RenewalRegistration> Registered()
    {
        if (_registered is not null)
        {
            return _registered;
        }

        try
        {
            _registered = _registrar.Find();
            _registrationNote = _registrar.FindNote;
        }
        catch (OneFlexException failure)
        {
            _registered = Array.Empty<RenewalRegistration>();
            _registrationNote = Messages.RenewalRegistrationsUnreadable(failure.ErrorId, failure.Message);
        }

        return _registered;
    }
}
