using OneFlexTokens.Docker;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Renewal;

/// <summary>How a scheduled renewal ended; each has its exit code (<see cref="RenewalResult.ExitCodeOf"/>).</summary>
public enum RenewalOutcome
{
    /// <summary>The token had more than the minimum validity left: nothing was changed. Exit 0.</summary>
    NothingDue,

    /// <summary>New tokens saved to both files and the bot restarted. Exit 0.</summary>
    Renewed,

    /// <summary>The SSO session has ended: a human must sign in again (<see cref="RenewalResult.SignInCommand"/>). Exit 2.</summary>
    SignInRequired,

    /// <summary>Anything else (<see cref="RenewalResult.ErrorId"/> says what); the next run tries again. Exit 1.</summary>
    Failed,

    /// <summary>
    /// A sign-in from a phone already waits for this bot folder (-RemoteSignIn): its alert carried the link, so this run
    /// ended at once, with no browser and no alert. A human is still needed. Exit 2.
    /// </summary>
    SignInWaiting,
}

/// <summary>What one run of the scheduled renewal did. Holds no token text.</summary>
public sealed class RenewalResult
{
    public required RenewalOutcome Outcome { get; init; }

    /// <summary>0 nothing due or renewed, 2 a human must sign in again (or a sign-in from a phone waits for one), 1 anything else.</summary>
    public int ExitCode => ExitCodeOf(Outcome);

    /// <summary>The module error id of what failed; null when nothing failed.</summary>
    public string? ErrorId { get; init; }

    public required string Message { get; init; }

    /// <summary>When the token in config/.env expires: the new one when renewed, the current one when nothing was due.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Where the new token came from (Refresh or Browser) when renewed.</summary>
    public TokenSource? Source { get; init; }

    public IReadOnlyList<EnvSaveResult> FilesSaved { get; init; } = Array.Empty<EnvSaveResult>();

    public IReadOnlyList<BotContainerStatus> ContainersRestarted { get; init; } = Array.Empty<BotContainerStatus>();

    public required string BotFolder { get; init; }

    public required string LogPath { get; init; }

    private Lazy<string> _signInCommand = new(string.Empty);

    /// <summary>The one command a human runs on this machine (in pwsh) to sign in again, with this bot's paths and profile.</summary>
    public string SignInCommand
    {
        get => _signInCommand.Value;
        init => _signInCommand = new Lazy<string>(value);
    }

    /// <summary>Makes <see cref="SignInCommand"/> when first read: a nothing-due run never needs it.</summary>
    internal Func<string> SignInCommandSource
    {
        init => _signInCommand = new Lazy<string>(value);
    }

    public DateTimeOffset StartedAt { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>The failure as it happened, for the cmdlet's error record.</summary>
    internal OneFlexException? Failure { get; init; }

    /// <summary>A run that failed before it could start (its options are wrong) or was stopped: nothing more was done.</summary>
    internal static RenewalResult NotStarted(OneFlexException failure, string botFolder, string? logPath = null) => new()
    {
        Outcome = RenewalOutcome.Failed,
        ErrorId = failure.ErrorId,
        Message = failure.Message,
        BotFolder = botFolder,
        LogPath = logPath ?? "",
        StartedAt = DateTimeOffset.Now,
        Failure = failure,
    };

    public static int ExitCodeOf(RenewalOutcome outcome) => outcome switch
    {
        RenewalOutcome.SignInRequired or RenewalOutcome.SignInWaiting => 2,
        RenewalOutcome.Failed => 1,
        _ => 0,
    };

    /// <summary>The summary line the scheduled script prints; after SignInRequired, with the command to run.</summary>
    public override string ToString() => Outcome == RenewalOutcome.SignInRequired
        ? $"{Outcome} (exit {ExitCode}): {Message} Sign in again, in pwsh on this machine: {SignInCommand}"
        : $"{Outcome} (exit {ExitCode}): {Message}";
}
