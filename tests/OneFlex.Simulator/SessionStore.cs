using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace OneFlex.Simulator;

internal sealed record SsoSession(string Id, string Email, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Persistent);

internal sealed record PendingCode(string SessionId, string RedirectUri, DateTimeOffset ExpiresAt);

/// <summary>Server-side SSO sessions, one-time authorization codes and the refresh tokens bound to sessions. Thread-safe.</summary>
internal sealed class SessionStore
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, SsoSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);

    public SsoSession OpenSession(string email, TimeSpan lifetime, bool persistent, DateTimeOffset now)
    {
        var session = new SsoSession(RandomNumberGenerator.GetHexString(32, lowercase: true), email, now, now + lifetime, persistent);
        _sessions[session.Id] = session;
        return session;
    }

    public SsoSession? LiveSession(string? sessionId, DateTimeOffset now)
    {
        if (sessionId is null || !_sessions.TryGetValue(sessionId, out var session))
        {
            return null;
        }

        if (now < session.ExpiresAt)
        {
            return session;
        }

        _sessions.TryRemove(session.Id, out _);
        return null;
    }

    public int LiveSessionCount(DateTimeOffset now) => _sessions.Values.Count(s => now < s.ExpiresAt);

    public void EndAllSessions()
    {
        _sessions.Clear();
        _codes.Clear();
        _refreshTokens.Clear();
    }

    public string IssueCode(SsoSession session, string redirectUri, DateTimeOffset now)
    {
        var code = RandomNumberGenerator.GetHexString(32, lowercase: true);
        _codes[code] = new PendingCode(session.Id, redirectUri, now + CodeLifetime);
        return code;
    }

    /// <summary>Redeems a code once; null when unknown, used, expired, or its session is gone.</summary>
    public SsoSession? RedeemCode(string? code, DateTimeOffset now)
    {
        if (code is null || !_codes.TryRemove(code, out var pending) || now >= pending.ExpiresAt)
        {
            return null;
        }

        return LiveSession(pending.SessionId, now);
    }

    public string IssueRefreshToken(SsoSession session)
    {
        var token = RandomNumberGenerator.GetHexString(20, lowercase: true);
        _refreshTokens[token] = session.Id;
        return token;
    }

    /// <summary>The live session a refresh token belongs to, else null.</summary>
    public SsoSession? SessionOfRefreshToken(string refreshToken, DateTimeOffset now) =>
        _refreshTokens.TryGetValue(refreshToken, out var sessionId) ? LiveSession(sessionId, now) : null;
}
