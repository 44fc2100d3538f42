namespace OneFlexTokens.Tokens;

/// <summary>What Test-OneFlexToken -Detailed reports about one token. Holds no token text.</summary>
public sealed record TokenStatus
{
    public bool IsValid => Reason == TokenValidity.Valid;

    public TokenValidity Reason { get; init; }

    public string Message { get; init; } = "";

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Remaining lifetime when tested (negative once expired).</summary>
    public TimeSpan? ExpiresIn { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    public string? Subject { get; init; }

    public string? Email { get; init; }

    /// <summary>True when the service was asked (-Online).</summary>
    public bool CheckedOnline { get; init; }

    /// <summary>The signed-in user's full name, as the service reported it with -Online.</summary>
    public string? User { get; init; }

    public TokenSource? Source { get; init; }

    public string? BaseUrl { get; init; }

    public string AccessTokenMasked { get; init; } = "";

    public override string ToString() => IsValid ? $"Valid until {ExpiresAt:u}" : $"{Reason}: {Message}";
}
