using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

public sealed class SessionStateStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-state-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void Saved_cookies_come_back_except_expired_ones_and_session_cookies_stay_session_cookies()
    {
        var store = new SessionStateStore(Path.Combine(_root, "profile"));
        var now = DateTimeOffset.UtcNow;
        store.Save(new[]
        {
            new SavedCookie("sso_session", "s1", "localhost", "/", -1, true, false, "Lax"),
            new SavedCookie("sso_persistent", "p1", "localhost", "/", now.AddHours(1).ToUnixTimeSeconds(), true, true, "None"),
            new SavedCookie("old", "o1", "localhost", "/", now.AddHours(-1).ToUnixTimeSeconds(), false, false, null),
        });
        var loaded = store.Load(now);
        Assert.Equal(new[] { "sso_session", "sso_persistent" }, loaded.Select(c => c.Name).ToArray());
        Assert.Equal(-1, loaded[0].Expires);
        Assert.Equal("None", loaded[1].SameSite);
    }

    [SkippableFact]
    public void State_file_and_profile_folder_are_owner_only()
    {
        Requirements.RequireUnix();
        var store = new SessionStateStore(Path.Combine(_root, "profile"));
        store.Save(new[] { new SavedCookie("sso_session", "s1", "localhost", "/", -1, true, false, "Lax") });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.ProfileDirectory));
        Assert.Single(Directory.GetFiles(store.ProfileDirectory));
    }

    [Fact]
    public void Missing_or_damaged_state_reads_as_none()
    {
        var store = new SessionStateStore(Path.Combine(_root, "profile"));
        Assert.Empty(store.Load(DateTimeOffset.UtcNow));
        store.EnsureProfileDirectory();
        File.WriteAllText(store.FilePath, "{ not json");
        Assert.Empty(store.Load(DateTimeOffset.UtcNow));
    }
}
