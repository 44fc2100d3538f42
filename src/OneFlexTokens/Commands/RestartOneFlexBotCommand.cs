using System.Management.Automation;
using OneFlexTokens.Common;
using OneFlexTokens.Docker;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Restart, "OneFlexBot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(BotContainerStatus))]
public sealed class RestartOneFlexBotCommand : OneFlexCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByComposeProjectSet = "ByComposeProject";
    private const string ByProjectDirectorySet = "ByProjectDirectory";
    public const string DefaultBotName = "oneflex-bot";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan DefaultStopGracePeriod = TimeSpan.FromSeconds(10);

    private int _inputCount;

    [Parameter(ParameterSetName = ByNameSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[] Name { get; set; } = { DefaultBotName };

    [Parameter(ParameterSetName = ByComposeProjectSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    public string ComposeProject { get; set; } = "";

    [Parameter(ParameterSetName = ByProjectDirectorySet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string ProjectDirectory { get; set; } = "";

    [Parameter(ParameterSetName = ByComposeProjectSet)]
    [Parameter(ParameterSetName = ByProjectDirectorySet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[] Service { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DockerHost { get; set; }

    /// <summary>The whole wait: from the restart requests until every container runs (and is healthy) again.</summary>
    [Parameter]
    [Alias("WaitTimeoutSeconds", "WaitTimeout")]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>How long the engine lets a running container stop before it kills it.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan StopGracePeriod { get; set; } = DefaultStopGracePeriod;

    /// <summary>Anything from the pipeline (tokens, Save-OneFlexEnv results): it only says that the pipeline ran.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    protected override void BeginProcessing()
    {
        CheckDuration(TimeoutRange.Wait, nameof(Timeout), Timeout);
        CheckDuration(TimeoutRange.StopGrace, nameof(StopGracePeriod), StopGracePeriod);
    }

    protected override void ProcessRecord()
    {
        if (MyInvocation.ExpectingInput)
        {
            _inputCount++;
        }
    }

    protected override void EndProcessing()
    {
        if (MyInvocation.ExpectingInput && _inputCount == 0)
        {
            WriteWarning(Messages.NoPipelineInput);
            return;
        }

        try
        {
            var endpoint = DockerEndpointResolver.Resolve(HostPlatform.Current, DockerHost);
            var selection = ResolveSelection();
            WriteVerbose($"Docker engine: {endpoint}; selecting {selection}.");
            using var service = new DockerBotService(endpoint, StopGracePeriod + TimeSpan.FromSeconds(60));
            RestartSelected(service, selection);
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }

    private BotSelection ResolveSelection() => ParameterSetName switch
    {
        ByComposeProjectSet => BotSelection.ByProject(ComposeProject, Service),
        ByProjectDirectorySet => BotSelection.ByProject(Docker.ComposeProject.NameFor(HostPlatform.Current, ResolvePath(ProjectDirectory)), Service),
        _ => BotSelection.ByName(Name),
    };

    private void RestartSelected(DockerBotService service, BotSelection selection)
    {
        var found = RunAsync(async ct =>
        {
            await service.PingAsync(ct).ConfigureAwait(false);
            return await service.FindAsync(selection, ct).ConfigureAwait(false);
        });

        foreach (var missing in selection.Unmatched(found))
        {
            WriteError(new OneFlexException(ErrorIds.ContainerNotFound, ErrorCategory.ObjectNotFound,
                string.Format(Messages.ContainerNameNotFound, missing, service.Endpoint), missing));
        }

        var approved = found
            .Where(c => ShouldProcess($"{c.Name} ({c.State})", c.IsRunning ? "Restart" : "Start"))
            .ToArray();
        if (approved.Length == 0)
        {
            return;
        }

        var limits = new RestartLimits(StopGracePeriod, Timeout);
        var results = RunAsync(ct => Task.WhenAll(approved.Select((container, index) => RestartOne(service, container, limits, index + 1, ct))));
        foreach (var (status, failure) in results)
        {
            if (failure is not null)
            {
                WriteError(failure);
            }
            else
            {
                WriteObject(status);
            }
        }
    }

    private async Task<(BotContainerStatus? Status, OneFlexException? Failure)> RestartOne(DockerBotService service, BotContainer container, RestartLimits limits, int activityId, CancellationToken ct)
    {
        var activity = $"Restarting {container.Name}";
        void Report(string text) => PostProgress(new ProgressRecord(activityId, activity, text));
        try
        {
            var status = await service.RestartAsync(container, limits, Report, PostWarning, ct).ConfigureAwait(false);
            PostVerbose($"{status.Name}: {status.PreviousState} -> {status.State} in {status.Duration.TotalSeconds:0.0} s.");
            return (status, null);
        }
        catch (OneFlexException failure)
        {
            return (null, failure);
        }
        finally
        {
            PostProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
