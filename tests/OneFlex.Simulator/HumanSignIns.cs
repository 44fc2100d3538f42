using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace OneFlex.Simulator;

internal enum HumanStep
{
    Password,
    Mfa,

    /// <summary>The code was verified in the pop-up; the opener still has to finish.</summary>
    Verified,
}

/// <summary>One human sign-in in progress, from an accepted username to the SSO session. Immutable: a step replaces it.</summary>
/// <param name="MfaSequence">When its MFA step began: the newest pending one is the one a test reads.</param>
internal sealed record HumanSignIn(
    string Id, string RedirectUri, string State, DateTimeOffset ExpiresAt, HumanStep Step, string? MfaCode, long MfaSequence);

/// <summary>The human sign-ins in progress, keyed by an unguessable id that the pages carry. Thread-safe.</summary>
internal sealed class HumanSignIns
{
    // Long enough for a person on a phone through a remote viewer, short enough that stale ids die.
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, HumanSignIn> _flows = new(StringComparer.Ordinal);
    private long _mfaSequence;

    public HumanSignIn Start(string redirectUri, string state, DateTimeOffset now)
    {
        var flow = new HumanSignIn(RandomNumberGenerator.GetHexString(32, lowercase: true), redirectUri, state, now + Lifetime, HumanStep.Password, null, 0);
        _flows[flow.Id] = flow;
        return flow;
    }

    /// <summary>The live sign-in with this id, else null (unknown, finished or expired).</summary>
    public HumanSignIn? Find(string? id, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || !_flows.TryGetValue(id, out var flow))
        {
            return null;
        }

        if (now < flow.ExpiresAt)
        {
            return flow;
        }

        _flows.TryRemove(id, out _);
        return null;
    }

    /// <summary>The password was accepted: a fresh 6-digit code for this attempt becomes the pending one.</summary>
    public bool BeginMfa(HumanSignIn flow) => Advance(flow, flow with
    {
        Step = HumanStep.Mfa,
        MfaCode = RandomNumberGenerator.GetInt32(1_000_000).ToString("D6", CultureInfo.InvariantCulture),
        MfaSequence = Interlocked.Increment(ref _mfaSequence),
    });

    /// <summary>The code was verified in the pop-up: the opener may finish.</summary>
    public bool MarkVerified(HumanSignIn flow) => Advance(flow, flow with { Step = HumanStep.Verified });

    /// <summary>Removes the sign-in so that its id cannot finish twice; false when another request already moved it on.</summary>
    public bool Finish(HumanSignIn flow) => _flows.TryRemove(new KeyValuePair<string, HumanSignIn>(flow.Id, flow));

    /// <summary>The code of the newest sign-in waiting at its MFA step, else null.</summary>
    public string? PendingMfaCode(DateTimeOffset now) =>
        _flows.Values
            .Where(f => f.Step == HumanStep.Mfa && now < f.ExpiresAt)
            .MaxBy(f => f.MfaSequence)?.MfaCode;

    // Compare-and-swap: two tabs submitting the same step cannot both move it on.
    private bool Advance(HumanSignIn current, HumanSignIn next) => _flows.TryUpdate(current.Id, next, current);
}
