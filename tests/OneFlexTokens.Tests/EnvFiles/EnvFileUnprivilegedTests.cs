using System.Diagnostics;
using System.Runtime.Versioning;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// The .env file policy for a user who is not root: a throwaway user runs the real saver and reader
/// (tests/OneFlexTokens.EnvWriter) on files root prepared, and root checks what is on disk afterwards.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class EnvFileUnprivilegedTests : IClassFixture<ThrowawayUser>
{
    private const string Original = "# bot\nDESK_ID=42\nONEFLEX_TOKEN=old\n";
    private const UnixFileMode Mode640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode Mode666 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    private readonly ThrowawayUser _user;

    public EnvFileUnprivilegedTests(ThrowawayUser user)
    {
        _user = user;
    }

    // The user runs a copy it can read: the build output may sit in a folder it cannot enter.
    private string HelperDll => _user.EnvWriterDll;

    private string Save(string path) => _user.Run(ProcessTimeout, "dotnet", HelperDll, "save", path, "7").Trim();

    private string Read(string path) => _user.Run(ProcessTimeout, "dotnet", HelperDll, "read", path).Trim();

    private FileScene Scene()
    {
        Requirements.RequireUnix();
        _user.Require();
        return new FileScene();
    }

    private string AccessTokenOf(long n) => WriterTokens.For(n)[0].Value;

    [SkippableFact]
    public void The_users_own_link_to_a_file_of_root_is_refused_even_when_root_lets_everyone_write_it()
    {
        using var scene = Scene();
        var rootFile = scene.Write("root/.env", Original, mode: Mode666);
        scene.Folder("user", _user.Uid);
        var link = scene.Link("user/.env", rootFile, _user.Uid);
        var before = scene.Snapshot();

        Assert.Equal("EnvFileLinkRefused SecurityError", Save(link));
        Assert.Equal("EnvFileLinkRefused SecurityError", Read(link));

        Assert.Equal(before, scene.Snapshot());
    }

    [SkippableFact]
    public void A_link_root_made_to_the_users_own_file_is_followed_and_the_file_stays_the_users()
    {
        using var scene = Scene();
        scene.Folder("user", _user.Uid);
        var own = scene.Write("user/.env", Original, _user.Uid, _user.Gid, Mode640);
        var link = scene.Link("config/.env", own);

        Assert.Equal("saved", Save(link));

        Assert.Equal($"read {AccessTokenOf(7)}", Read(link));
        Assert.Equal((_user.Uid, _user.Gid, Mode640), FileScene.OwnerOf(own));
        Assert.Equal(own, new FileInfo(link).LinkTarget);
        Assert.Equal(new[] { ".env" }, EnvFileWriterTests.FilesIn(scene["user"]));
    }

    [SkippableFact]
    public void A_file_of_root_the_user_may_write_is_not_taken_over_by_a_save()
    {
        using var scene = Scene();
        scene.Folder("shared", _user.Uid);
        var rootFile = scene.Write("shared/.env", Original, mode: Mode666);
        var before = scene.Snapshot();

        Assert.Equal("EnvFileOwnerNotKept PermissionDenied", Save(rootFile));

        Assert.Equal(before, scene.Snapshot());
        Assert.Equal("read old", Read(rootFile));
    }

    [SkippableFact]
    public void A_fifo_is_refused_for_the_user_too_and_a_linked_old_lock_file_is_never_followed()
    {
        using var scene = Scene();
        scene.Folder("user", _user.Uid);
        var fifo = scene.Fifo("user/fifo.env");
        FileScene.Chown(fifo, _user.Uid, _user.Gid);
        var rootFile = scene.Write("root.txt", "root's file\n", mode: Mode666);
        var own = scene.Write("user/.env", Original, _user.Uid, _user.Gid, Mode640);
        scene.Link("user/.env.lock", rootFile, _user.Uid);
        var before = scene.Snapshot();

        Assert.Equal("EnvFileNotRegular InvalidArgument", Save(fifo));
        Assert.Equal("EnvFileNotRegular InvalidArgument", Read(fifo));
        Assert.Equal(before, scene.Snapshot());

        Assert.Equal("saved", Save(own));
        Assert.Equal($"read {AccessTokenOf(7)}", Read(own));
        Assert.Equal("root's file\n", File.ReadAllText(rootFile));
        Assert.Equal(rootFile, new FileInfo(scene["user/.env.lock"]).LinkTarget);
        Assert.Equal((_user.Uid, _user.Gid, Mode640), FileScene.OwnerOf(own));
    }

    [SkippableFact]
    public void Roots_save_and_the_users_save_of_one_file_wait_for_each_other()
    {
        using var scene = Scene();
        var folder = scene.Folder("user", _user.Uid);
        var own = scene.Write("user/.env", Original, _user.Uid, _user.Gid, Mode640);

        // Root holds the folder's lock: the user's save waits for it, then saves.
        using (var held = new FlockHolder(folder))
        using (var userSave = Process.Start(_user.StartInfo("dotnet", HelperDll, "save", own, "7"))!)
        {
            var waiting = userSave.StandardOutput.ReadLineAsync();
            Assert.True(waiting.Wait(ProcessTimeout), "the user's save did not start");
            Assert.Equal("waiting", waiting.Result);
            Assert.Equal("read old", Read(own));
            held.Dispose();
            Assert.True(userSave.WaitForExit(ProcessTimeout), "the user's save did not end after the lock was released");
            Assert.Equal("saved", userSave.StandardOutput.ReadToEnd().Trim());
        }

        Assert.Equal($"read {AccessTokenOf(7)}", Read(own));

        // The user holds it: root's save waits, and gives up with EnvFileBusy, the file untouched.
        using (new FlockHolder(folder, _user.StartInfo))
        {
            var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter(TimeSpan.FromMilliseconds(300)).SaveTo(own, WriterTokens.For(8)));
            Assert.Equal(ErrorIds.EnvFileBusy, e.ErrorId);
        }

        Assert.Equal($"read {AccessTokenOf(7)}", Read(own));
        new EnvFileWriter().SaveTo(own, WriterTokens.For(8));
        Assert.Equal($"read {AccessTokenOf(8)}", Read(own));
        Assert.Equal((_user.Uid, _user.Gid, Mode640), FileScene.OwnerOf(own));
    }

    [SkippableFact]
    public void A_new_file_and_the_folders_created_for_it_are_the_users_and_owner_only()
    {
        using var scene = Scene();
        scene.Folder("user", _user.Uid);
        var path = scene["user/bot/config/.env"];

        Assert.Equal("saved", Save(path));

        const UnixFileMode ownerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal((_user.Uid, _user.Gid, ownerOnlyFolder), FileScene.OwnerOf(scene["user/bot"]));
        Assert.Equal((_user.Uid, _user.Gid, ownerOnlyFolder), FileScene.OwnerOf(scene["user/bot/config"]));
        Assert.Equal((_user.Uid, _user.Gid, UnixFileMode.UserRead | UnixFileMode.UserWrite), FileScene.OwnerOf(path));
        Assert.Equal(new EnvTokens(AccessTokenOf(7), WriterTokens.For(7)[1].Value), EnvFileReader.ReadTokens(path));
    }
}
