using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.Renewal;

/// <summary>
/// Where a bot's scheduled renewal stands, as Get-OneFlexRenewal shows it: what is registered (schedule, command), the
/// last runs of its log, the token in config/.env and when it expires, and whether a human must sign in again, with the
/// command to do it. Holds no token.
/// </summary>
public sealed class RenewalStatus
{
    public required string BotFolder { get; init; }

    public required string LogPath { get; init; }

    /// <summary>The scheduled renewal of this bot folder (Register-OneFlexRenewal); null when none is registered here.</summary>
    public RenewalRegistration? Registration { get; init; }

    /// <summary>Why <see cref="Registration"/> could not be read (or read back), or where to look for it (DSM); null otherwise.</summary>
    public string? RegistrationNote { get; init; }

    /// <summary>The last runs the log records, oldest first.</summary>
    public required IReadOnlyList<RenewalRun> Runs { get; init; }

    public RenewalRun? LastRun => Runs.Count == 0 ? null : Runs[^1];

    /// <summary>When the token in config/.env expires; null when there is none or it cannot be read (<see cref="TokenProblem"/>).</summary>
    public DateTimeOffset? TokenExpiresAt { get; init; }

    /// <summary>Why <see cref="TokenExpiresAt"/> is unknown; null when it is known.</summary>
    public string? TokenProblem { get; init; }

    /// <summary>True when the renewal cannot go on without a human: its last run needed a sign-in (or found one waiting), or the bot has no token yet.</summary>
    public bool SignInRequired { get; init; }

    /// <summary>
    /// The one command to run in pwsh on this machine to sign in again; null when none is needed. Built from the
    /// registration (or the caller's options), never read from a file.
    /// </summary>
    public string? SignInCommand { get; init; }

    /// <summary>Until when the link of the sign-in from a phone that waits for this bot folder works; null when none waits.</summary>
    public DateTimeOffset? SignInWaitingUntil { get; init; }

    /// <summary>Where the waiting sign-in from a phone listens (host:port; never its link); null when none waits.</summary>
    public string? SignInListening { get; init; }

    /// <summary>True when the registered runs do not start: none logged since it was registered, more than two intervals ago.</summary>
    public bool RunsNotStarting { get; init; }

    /// <summary>What <see cref="RunsNotStarting"/> means and what to do; null when the runs start.</summary>
    public string? RunsProblem { get; init; }

    public required DateTimeOffset ReadAt { get; init; }

    /// <summary>How long the token has left when this status was read; negative once it has expired.</summary>
    public TimeSpan? TokenExpiresIn => TokenExpiresAt - ReadAt;

    /// <summary>
    /// Reads the status of the renewal <paramref name="options"/> describes; reads only, never fails on a missing or broken
    /// file, but fails with StateNotTrusted rather than show a log or state file another account controls.
    /// </summary>
    /// <param name="signInCommand">The command for a bot that has no token yet (built from the registration's options, or the caller's without one).</param>
    internal static RenewalStatus Read(RenewalOptions options, int lastRuns, Func<string> signInCommand, DateTimeOffset now,
        RenewalRegistration? registration = null, string? registrationNote = null)
    {
        var runs = RenewalLog.ReadRuns(options.LogFile, lastRuns);
        var (expiresAt, problem, hasToken) = ReadToken(options.ConfigEnvFile);
        var lastOutcome = runs.Count == 0 ? (RenewalOutcome?)null : runs[^1].Outcome;
        var required = lastOutcome is RenewalOutcome.SignInRequired or RenewalOutcome.SignInWaiting || !hasToken;
        var waiting = WaitingSignIn.Read(new RenewalState(options.StateFolder));
        var notStarting = registration is { Every: var every } && every > TimeSpan.Zero
            && new RenewalState(options.StateFolder).RegisteredAt is { } registeredAt && now - registeredAt > 2 * every
            && (runs.Count == 0 || runs[^1].Time < registeredAt);
        return new RenewalStatus
        {
            BotFolder = options.BotFolder,
            LogPath = options.LogFile,
            Registration = registration,
            RegistrationNote = registrationNote,
            Runs = runs,
            TokenExpiresAt = expiresAt,
            TokenProblem = DisplayText.Escape(problem),
            SignInRequired = required,
            SignInCommand = required ? signInCommand() : null,
            SignInWaitingUntil = waiting?.LinkExpiresAt,
            SignInListening = waiting?.Listening,
            RunsNotStarting = notStarting,
            RunsProblem = notStarting ? Messages.RenewalRunsNotStarting(2 * registration!.Every) : null,
            ReadAt = now,
        };
    }

    /// <summary>
    /// The status of a registered line whose bot folder cannot be read back: its registration (Id, raw command) and why,
    /// nothing read from disk (there is no folder to read).
    /// </summary>
    public static RenewalStatus OfUnreadableLine(RenewalRegistration registration, DateTimeOffset now) => new()
    {
        BotFolder = registration.BotFolder,
        LogPath = string.Empty,
        Registration = registration,
        RegistrationNote = registration.ReadBackProblem,
        Runs = Array.Empty<RenewalRun>(),
        TokenProblem = Messages.RenewalStatusNoBotFolder,
        ReadAt = now,
    };

    private static (DateTimeOffset? ExpiresAt, string? Problem, bool HasToken) ReadToken(string configEnvFile)
    {
        try
        {
            var token = EnvFileReader.ReadTokens(configEnvFile).AccessToken;
            if (string.IsNullOrEmpty(token))
            {
                return (null, Messages.RenewalStatusNoToken(configEnvFile), false);
            }

            return JwtReader.TryRead(token)?.ExpiresAt is { } expiresAt
                ? (expiresAt, null, true)
                : (null, Messages.RenewalStatusTokenUnreadable(configEnvFile), true);
        }
        catch (OneFlexException failure)
        {
            var missing = failure.ErrorId == ErrorIds.EnvFileNotFound;
            return (null, missing ? Messages.RenewalStatusNoToken(configEnvFile) : $"{failure.ErrorId}: {failure.Message}", !missing);
        }
    }
}
