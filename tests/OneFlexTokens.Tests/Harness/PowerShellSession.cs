using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OneFlexTokens.Tests.Harness;

/// <summary>
/// A real PowerShell engine in this process: one runspace with a <see cref="CapturingHost"/>, the laid-out
/// module imported by its manifest. Each Invoke returns everything the script produced.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession(bool importModule = true, string? workingDirectory = null)
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
        if (workingDirectory is not null)
        {
            Invoke("Set-Location -LiteralPath $args[0]", workingDirectory).ThrowOnError();
        }

        if (importModule)
        {
            Invoke("Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest).ThrowOnError();
        }
    }

    public CapturingHost Host { get; } = new();

    public Runspace Runspace => _runspace;

    /// <summary>Runs <paramref name="script"/>; its arguments are <c>$args</c>. Variables named in <paramref name="variables"/> are set first.</summary>
    public ScriptResult Invoke(string script, params object?[] args) => Start(script, null, args).Wait();

    public ScriptResult InvokeWith(string script, IDictionary variables, params object?[] args) => Start(script, variables, args).Wait();

    /// <summary>Starts <paramref name="script"/> without waiting, for tests that stop it or watch it run.</summary>
    public RunningScript Start(string script, IDictionary? variables = null, params object?[] args)
    {
        if (variables is not null)
        {
            foreach (DictionaryEntry variable in variables)
            {
                _runspace.SessionStateProxy.SetVariable((string)variable.Key, variable.Value);
            }
        }

        var hostTextBefore = Host.Text.Length;
        var progressBefore = Host.Progress.Count;
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var arg in args)
        {
            ps.AddArgument(arg);
        }

        return new RunningScript(ps, Host, hostTextBefore, progressBefore);
    }

    public void Dispose() => _runspace.Dispose();
}

public sealed class RunningScript
{
    private readonly PowerShell _ps;
    private readonly CapturingHost _host;
    private readonly int _hostTextBefore;
    private readonly int _progressBefore;
    private readonly PSDataCollection<PSObject> _output = new();
    private readonly IAsyncResult _async;

    internal RunningScript(PowerShell ps, CapturingHost host, int hostTextBefore, int progressBefore)
    {
        _ps = ps;
        _host = host;
        _hostTextBefore = hostTextBefore;
        _progressBefore = progressBefore;
        _async = ps.BeginInvoke<PSObject, PSObject>(null, _output);
    }

    public PowerShell PowerShell => _ps;

    public bool IsCompleted => _async.IsCompleted;

    public PSInvocationState State => _ps.InvocationStateInfo.State;

    /// <summary>What the script has written to the host so far.</summary>
    public string HostTextSoFar => _host.Text[_hostTextBefore..];

    public IReadOnlyList<ProgressRecord> ProgressSoFar => _ps.Streams.Progress.ToArray();

    public void Stop() => _ps.Stop();

    public ScriptResult Wait(TimeSpan? timeout = null)
    {
        if (!_async.AsyncWaitHandle.WaitOne(timeout ?? TimeSpan.FromMinutes(5)))
        {
            _ps.Stop();
            throw new TimeoutException("The script did not finish in time.");
        }

        Exception? terminating = null;
        try
        {
            _ps.EndInvoke(_async);
        }
        catch (Exception e)
        {
            terminating = e is RuntimeException or PipelineStoppedException ? e : e;
        }

        var result = new ScriptResult
        {
            Output = _output.ToArray(),
            Errors = _ps.Streams.Error.ToArray(),
            Verbose = _ps.Streams.Verbose.Select(r => r.Message).ToArray(),
            Warnings = _ps.Streams.Warning.Select(r => r.Message).ToArray(),
            Debug = _ps.Streams.Debug.Select(r => r.Message).ToArray(),
            Information = _ps.Streams.Information.Select(r => r.ToString()).ToArray(),
            Progress = _ps.Streams.Progress.Concat(_host.Progress.Skip(_progressBefore)).ToArray(),
            HostText = _host.Text[_hostTextBefore..],
            Terminating = terminating,
        };
        _ps.Dispose();
        return result;
    }
}

public static class ScriptResultExtensions
{
    public static ScriptResult ThrowOnError(this ScriptResult result)
    {
        if (result.AllErrors.Any())
        {
            throw new InvalidOperationException("Script failed: " + result.Describe());
        }

        return result;
    }
}
