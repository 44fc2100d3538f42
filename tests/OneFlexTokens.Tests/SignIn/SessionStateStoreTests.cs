using System.Management.Automation;
using System.Runtime.Versioning;
using OneFlexTokens.Errors;
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
    [UnsupportedOSPlatform("windows")]
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

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void An_existing_shared_folder_keeps_its_mode_with_a_warning_and_only_created_folders_are_owner_only()
    {
        Requirements.RequireUnix();
        const UnixFileMode shared = (UnixFileMode)0b1_111_111_111;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var folder = Directory.CreateDirectory(Path.Combine(_root, "shared")).FullName;
        File.SetUnixFileMode(folder, shared);
        var store = new SessionStateStore(folder);

        Assert.Contains("mode 1777", store.CheckProfilePath());
        store.EnsureProfileDirectory();
        store.Save(new[] { new SavedCookie("sso_session", "s1", "localhost", "/", -1, true, false, "Lax") });
        Assert.Equal(shared, File.GetUnixFileMode(folder));

        var nested = new SessionStateStore(Path.Combine(folder, "mine", "profile"));
        Assert.Null(nested.CheckProfilePath());
        nested.EnsureProfileDirectory();
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(folder, "mine")));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(nested.ProfileDirectory));
        Assert.Null(nested.CheckProfilePath());
        Assert.Equal(shared, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void A_profile_path_that_is_a_file_or_lies_under_one_is_ProfilePathInvalid_and_the_file_untouched()
    {
        var file = Path.Combine(_root, "profile.txt");
        File.WriteAllText(file, "not a folder");

        foreach (var path in new[] { file, Path.Combine(file, "profile") })
        {
            var store = new SessionStateStore(path);
            var checkedFirst = Assert.Throws<OneFlexException>(() => store.CheckProfilePath());
            var created = Assert.Throws<OneFlexException>(() => store.EnsureProfileDirectory());
            Assert.Equal(ErrorIds.ProfilePathInvalid, checkedFirst.ErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, checkedFirst.Category);
            Assert.Equal(ErrorIds.ProfilePathInvalid, created.ErrorId);
            Assert.Contains(path, created.Message);
        }

        using var session = new PowerShellSession();
        foreach (var path in new[] { file, Path.Combine(file, "profile") })
        {
            var result = session.Invoke("Get-OneFlexToken -BaseUrl http://127.0.0.1:9 -Headless -ProfilePath $args[0]", path);
            var error = Assert.Single(result.AllErrors);
            Assert.StartsWith(ErrorIds.ProfilePathInvalid + ",", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }

        Assert.Equal("not a folder", File.ReadAllText(file));
        Assert.Equal(new[] { file }, Directory.GetFileSystemEntries(_root));
    }

    [SkippableFact]
    public void A_profile_folder_that_cannot_be_created_is_ProfilePathInvalid()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "uses /proc, where no one, root included, can make a folder");
        var store = new SessionStateStore("/proc/oneflex-profile/profile");

        Assert.Null(store.CheckProfilePath());
        var e = Assert.Throws<OneFlexException>(() => store.EnsureProfileDirectory());

        Assert.Equal(ErrorIds.ProfilePathInvalid, e.ErrorId);
        Assert.Contains("could not be created", e.Message);
        Assert.Contains(store.ProfileDirectory, e.Message);
        Assert.False(Directory.Exists("/proc/oneflex-profile"));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_state_file_planted_as_a_link_a_fifo_or_by_another_user_is_not_read()
    {
        Requirements.RequireUnix();
        var store = new SessionStateStore(Path.Combine(_root, "profile"));
        store.Save(new[] { new SavedCookie("sso_session", "planted", "localhost", "/", -1, true, false, "Lax") });
        var planted = Path.Combine(_root, "planted.json");
        File.Move(store.FilePath, planted);

        File.CreateSymbolicLink(store.FilePath, planted);
        Assert.Empty(store.Load(DateTimeOffset.UtcNow));
        File.Delete(store.FilePath);

        EnvFiles.FileScene.Run("mkfifo", store.FilePath);
        var loading = Task.Run(() => store.Load(DateTimeOffset.UtcNow));
        Assert.True(loading.Wait(TimeSpan.FromSeconds(2)), "reading a FIFO as the state file blocked");
        Assert.Empty(loading.Result);
        File.Delete(store.FilePath);

        File.Copy(planted, store.FilePath);
        Assert.Single(store.Load(DateTimeOffset.UtcNow));
        Requirements.Require(Environment.UserName == "root", "giving the state file another owner needs root (CI runs as root)");
        EnvFiles.FileScene.Chown(store.FilePath, 2000, 2000);
        Assert.Empty(store.Load(DateTimeOffset.UtcNow));
    }
}
