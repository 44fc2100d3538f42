using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;

namespace OneFlexTokens.Tokens;

/// <summary>What the online probe answered, and the base URL it asked (shown in the status instead of the token's own).</summary>
internal sealed record OnlineAnswer(ProbeResult Probe, string BaseUrl);

/// <summary>
/// The decision about one token: the status Test-OneFlexToken -Detailed reports and, for an unusable token, the error
/// (id, category, message) that Test-OneFlexToken -PassThru writes and the renewal fails with.
/// </summary>
internal sealed record TokenDecision(TokenStatus Status)
{
    public bool IsValid => Status.IsValid;

    /// <summary>
    /// Whether the token is usable, or null when that could not be decided: the service that has the last word was not
    /// reached, or failed. Test-OneFlexToken answers $true/$false only with a verdict, and writes the error otherwise.
    /// </summary>
    public bool? Verdict => Status.Reason is TokenValidity.Unreachable or TokenValidity.ServiceError ? null : IsValid;

    /// <summary>Null for a valid token.</summary>
    public string? ErrorId => IsValid ? null : TokenValidator.ErrorIdOf(Status.Reason);

    /// <summary>NotSpecified for a valid token.</summary>
    public ErrorCategory Category => TokenCheck.CategoryOf(Status.Reason);

    public string Message => Status.Message;

    /// <summary>The error for an unusable token, about <paramref name="target"/>; null for a valid one.</summary>
    public OneFlexException? Failure(object? target) => ErrorId is { } id ? new OneFlexException(id, Category, Message, target) : null;
}

/// <summary>
/// The one token check, for Test-OneFlexToken and the scheduled renewal alike: the offline JWT rules
/// (<see cref="TokenValidator"/>), then, only for a token that passes them, the online probe's answer, which has the
/// last word; the error id and category follow from the reason alone.
/// </summary>
internal static class TokenCheck
{
    /// <summary>-MinimumValidity: from 0 (the token just has to be unexpired) to a day, the longest renewal interval.</summary>
    public static TimeoutRange MinimumValidityRange { get; } = new(TimeSpan.FromDays(1), ZeroAllowed: true);

    /// <summary>Decides about <paramref name="token"/>; its source and base URL go into the status.</summary>
    /// <param name="online">Asks the service; called only when the offline rules pass. Null for the offline check only.</param>
    /// <param name="emptyBecause">Why the token is empty when a cause more specific than "none given" is known.</param>
    /// <exception cref="OneFlexException">InvalidTimeout: <paramref name="minimumValidity"/> is outside <see cref="MinimumValidityRange"/>.</exception>
    public static TokenDecision Decide(OneFlexToken token, TimeSpan minimumValidity, DateTimeOffset now, Func<OnlineAnswer>? online = null, string? emptyBecause = null)
    {
        var status = Decide(token.AccessToken, minimumValidity, now, online, emptyBecause).Status;
        return new TokenDecision(status with { Source = token.Source, BaseUrl = status.BaseUrl ?? token.BaseUrl });
    }

    /// <inheritdoc cref="Decide(OneFlexToken, TimeSpan, DateTimeOffset, Func{OnlineAnswer}?, string?)"/>
    public static TokenDecision Decide(string? accessToken, TimeSpan minimumValidity, DateTimeOffset now, Func<OnlineAnswer>? online = null, string? emptyBecause = null)
    {
        MinimumValidityRange.Check("MinimumValidity", minimumValidity);
        var status = TokenValidator.Evaluate(accessToken, minimumValidity, now);
        if (status.Reason == TokenValidity.Empty && emptyBecause is not null)
        {
            status = status with { Message = emptyBecause };
        }

        if (status.IsValid && online?.Invoke() is { } answer)
        {
            status = status with
            {
                Reason = answer.Probe.Validity,
                Message = answer.Probe.Message,
                Email = answer.Probe.Email ?? status.Email,
                CheckedOnline = true,
                User = answer.Probe.FullName,
                BaseUrl = answer.BaseUrl,
            };
        }

        return new TokenDecision(status);
    }

    /// <summary>
    /// A token past its time (or not yet in it) and a service that answers with an error are invalid results; a rejection
    /// is an authentication error; a service not reached (no connection, no answer in time, 5xx, a reply that is not the
    /// API's) a connection error: the way to the service failed, whatever stood at its end, which is not a resource of
    /// this machine (ResourceUnavailable); a token that cannot be read is invalid data.
    /// </summary>
    public static ErrorCategory CategoryOf(TokenValidity reason) => reason switch
    {
        TokenValidity.Valid => ErrorCategory.NotSpecified,
        TokenValidity.Expired or TokenValidity.ExpiresTooSoon or TokenValidity.NotYetValid => ErrorCategory.InvalidResult,
        TokenValidity.Rejected => ErrorCategory.AuthenticationError,
        TokenValidity.ServiceError => ErrorCategory.InvalidResult,
        TokenValidity.Unreachable => ErrorCategory.ConnectionError,
        _ => ErrorCategory.InvalidData,
    };
}
