using System.Collections.Concurrent;
using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.Commands;

[Cmdlet(VerbsLifecycle.Restart, "OneFlexBot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByNameSet, HelpUri = HelpUris.RestartOneFlexBot)]
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
            WriteVerbose($"Docker engine: {endpoint}, from {endpoint.Source}; selecting {selection}.");
            WriteResults(Restart(new BotRestartRequest(endpoint, selection, StopGracePeriod, Timeout)));
        }
        catch (OneFlexException failure)
        {
            ThrowTerminatingError(failure);
        }
    }

    private BotSelection ResolveSelection() => ParameterSetName switch
    {
        ByComposeProjectSet => BotSelection.ByProject(ComposeProject, Service),
        ByProjectDirectorySet => ByFolder(ResolvePath(ProjectDirectory)),
        _ => BotSelection.ByName(Name),
    };

    private BotSelection ByFolder(string folder) =>
        BotSelection.ByProjectDirectory(folder, Docker.ComposeProject.NameFor(HostPlatform.Current, folder), Service);

    /// <summary>The one restart, with ShouldProcess asked per container and each container's progress as its own activity.</summary>
    private IReadOnlyList<BotRestartResult> Restart(BotRestartRequest request)
    {
        var activityIds = new ConcurrentDictionary<string, int>();
        var lastId = 0;
        var callbacks = new WorkCallbacks
        {
            Verbose = PostVerbose,
            Warning = PostWarning,
            Progress = report => PostProgress(report, activityIds.GetOrAdd(report.Activity, _ => Interlocked.Increment(ref lastId))),
        };
        return RunAsync(ct => BotRestart.RunAsync(request, container => Ask(() => ShouldProcess($"{container.Name} ({container.State})", container.IsRunning ? "Restart" : "Start")), callbacks, ct));
    }

    /// <summary>A status object per container that runs again; an error per name not found and per container that failed.</summary>
    private void WriteResults(IReadOnlyList<BotRestartResult> results)
    {
        foreach (var result in results)
        {
            if (result.Failure is { } failure)
            {
                WriteError(failure);
            }
            else
            {
                WriteObject(result.Status);
            }
        }
    }
}
