namespace OneFlexTokens.CmdletSupport;

/// <summary>
/// How core work talks back to whoever runs it, instead of being handed the cmdlet: a cmdlet posts these to its
/// pipeline thread (<see cref="OneFlexCmdlet.Post"/>), the scheduled renewal also logs the warnings.
/// </summary>
internal record WorkCallbacks
{
    public Action<string>? Verbose { get; init; }

    public Action<string>? Warning { get; init; }

    public Action<ProgressReport>? Progress { get; init; }
}
