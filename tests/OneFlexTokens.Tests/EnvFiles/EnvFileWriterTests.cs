using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.Versioning;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

public class EnvFileWriterTests
{
    private const string Access = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    private const string Refresh = "0123456789abcdef0123";
    private const string Original = "# Réglages du bot\r\nDESK_ID=42\r\nONEFLEX_TOKEN='old'\r\n";

    private static readonly List<KeyValuePair<string, string>> Both = new()
    {
        new(EnvKeys.AccessToken, Access),
        new(EnvKeys.RefreshToken, Refresh),
    };

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Creates_a_missing_file_and_folder_owner_only_and_nothing_else()
    {
        Requirements.RequireUnix();
        var folder = TempEnv.Folder();
        var path = Path.Combine(folder, "config", "nested", ".env");

        var result = new EnvFileWriter().SaveTo(path, Both);

        Assert.True(result.Created);
        Assert.True(result.Changed);
        Assert.Equal(new[] { EnvKeys.AccessToken, EnvKeys.RefreshToken }, result.KeysAdded);
        Assert.Equal($"ONEFLEX_TOKEN={Access}\nONEFLEX_REFRESH_TOKEN={Refresh}\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "config")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "config", "nested")));
        Assert.Equal(new[] { ".env" }, FilesIn(Path.GetDirectoryName(path)!));
        Assert.Equal(new[] { "config" }, FilesIn(folder));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Keeps_the_permissions_of_an_existing_file_and_every_other_byte()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var result = new EnvFileWriter().SaveTo(path, Both);

        Assert.False(result.Created);
        Assert.Equal(new[] { EnvKeys.AccessToken }, result.KeysUpdated);
        Assert.Equal(new[] { EnvKeys.RefreshToken }, result.KeysAdded);
        Assert.Equal($"# Réglages du bot\r\nDESK_ID=42\r\nONEFLEX_TOKEN='{Access}'\r\nONEFLEX_REFRESH_TOKEN={Refresh}\r\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal(new[] { ".env" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Saving_the_same_values_twice_does_not_touch_the_file()
    {
        var path = TempEnv.Write(Original);
        var writer = new EnvFileWriter();
        writer.SaveTo(path, Both);
        var bytes = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);
        var inode = new FileInfo(path).CreationTimeUtc;

        var again = writer.SaveTo(path, Both);

        Assert.False(again.Changed);
        Assert.Empty(again.KeysAdded);
        Assert.Empty(again.KeysUpdated);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(inode, new FileInfo(path).CreationTimeUtc);
    }

    public static TheoryData<string, string> UnsafeValues => new()
    {
        { "abc\rdef", "carriage return" },
        { "abc\ndef", "line feed" },
        { "abc\0def", "NUL" },
        { "abc def", "space" },
        { "abc\tdef", "tab" },
        { "abc'def", "quote" },
        { "abc\"def", "quote" },
        { "abc#def", "'#'" },
        { "abc$def", "'$'" },
        { "abc\\def", "backslash" },
        { "abc\u00e9def", "non-ASCII" },
        { "abc\u0007def", "control character" },
        { "", "empty" },
    };

    [Theory]
    [MemberData(nameof(UnsafeValues))]
    public void Refuses_values_that_could_break_the_file_and_leaves_it_untouched(string value, string named)
    {
        var path = TempEnv.Write(Original);
        var settings = new List<KeyValuePair<string, string>> { new(EnvKeys.AccessToken, Access), new(EnvKeys.RefreshToken, value) };

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().SaveTo(path, settings));

        Assert.Equal(ErrorIds.UnsafeTokenValue, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.Category);
        Assert.Contains(EnvKeys.RefreshToken, e.Message);
        Assert.Contains(named, e.Message);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, e.Message);
        }

        Assert.Equal(Original, File.ReadAllText(path));
        Assert.Equal(new[] { ".env" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Read_only_file_is_refused_even_for_root()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().SaveTo(path, Both));

        Assert.Equal(ErrorIds.EnvFileNotWritable, e.ErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, e.Category);
        Assert.Contains("read-only", e.Message);
        Assert.Equal(Original, File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.DoesNotContain(FilesIn(Path.GetDirectoryName(path)!), name => name.EndsWith(".tmp"));
    }

    [Fact]
    public void Path_that_is_a_folder_is_EnvPathIsDirectory()
    {
        var folder = TempEnv.Folder();
        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().SaveTo(folder, Both));
        Assert.Equal(ErrorIds.EnvPathIsDirectory, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void Folder_that_cannot_be_created_is_a_clear_EnvFileNotWritable()
    {
        var blocker = TempEnv.Write("not a folder", "config");
        var path = Path.Combine(blocker, ".env");

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().SaveTo(path, Both));

        Assert.Equal(ErrorIds.EnvFileNotWritable, e.ErrorId);
        Assert.Contains("could not be created", e.Message);
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }

    [SkippableFact]
    public void File_locked_by_another_program_is_EnvFileUnreadable_and_untouched()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().SaveTo(path, Both));
            Assert.Equal(ErrorIds.EnvFileUnreadable, e.ErrorId);
            Assert.Equal(ErrorCategory.ReadError, e.Category);
        }

        Assert.Equal(Original, File.ReadAllText(path));
        Assert.Equal(new[] { ".env" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Utf16_file_is_refused_and_untouched()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("ONEFLEX_TOKEN=old\r\n")).ToArray();
        var path = TempEnv.WriteBytes(bytes);

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().SaveTo(path, Both));

        Assert.Equal(ErrorIds.EnvFileUnreadable, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.Category);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [SkippableFact]
    public void A_symbolic_link_stays_a_link_and_its_target_gets_the_tokens()
    {
        Requirements.RequireUnix();
        var real = TempEnv.Write(Original);
        var link = Path.Combine(TempEnv.Folder(), ".env");
        File.CreateSymbolicLink(link, real);

        new EnvFileWriter().SaveTo(link, Both);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(Access, EnvFileReader.ReadTokens(real).AccessToken);
        Assert.Equal(Access, EnvFileReader.ReadTokens(link).AccessToken);
    }

    [Fact]
    public void The_next_save_removes_temp_files_a_killed_save_left()
    {
        var path = TempEnv.Write(Original);
        var stale = path + ".oneflex-0123456789abcdef0123456789abcdef.tmp";
        File.WriteAllText(stale, "half a fi");

        new EnvFileWriter().SaveTo(path, Both);

        Assert.False(File.Exists(stale));
        Assert.Equal(new[] { ".env" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_held_folder_lock_makes_a_save_wait_then_fail_with_EnvFileBusy_and_the_file_untouched()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        var waitedFor = new List<string>();
        using (new FlockHolder(Path.GetDirectoryName(path)!))
        {
            var target = EnvFileAccess.Resolve(path);
            var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter(TimeSpan.FromMilliseconds(300)).Save(target, EnvSettings.Create(Both), onWait: waitedFor.Add));
            Assert.Equal(ErrorIds.EnvFileBusy, e.ErrorId);
            Assert.Equal(ErrorCategory.ResourceBusy, e.Category);
            Assert.Contains(Path.GetDirectoryName(path)!, e.Message);
            Assert.Equal(Original, File.ReadAllText(path));
        }

        Assert.Equal(new[] { Path.GetDirectoryName(path)! }, waitedFor);
        Assert.Equal(new[] { ".env" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_save_waiting_for_the_lock_proceeds_when_it_is_released_and_stops_when_cancelled()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        var folder = Path.GetDirectoryName(path)!;
        using var waiting = new ManualResetEventSlim();
        Task<EnvSaveResult?> saved;
        using (new FlockHolder(folder))
        {
            saved = Task.Run(() => new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(Both), onWait: _ => waiting.Set()));
            Assert.True(waiting.Wait(TimeSpan.FromSeconds(30)), "the save did not wait for the lock");
            Assert.Equal(Original, File.ReadAllText(path));
        }

        await saved.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Access, EnvFileReader.ReadTokens(path).AccessToken);

        using var cancel = new CancellationTokenSource();
        using (new FlockHolder(folder))
        {
            var other = new List<KeyValuePair<string, string>> { new(EnvKeys.AccessToken, "other.value.x") };
            var cancelled = Task.Run(() => new EnvFileWriter().SaveTo(path, other, cancel.Token));
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }

        Assert.Equal(Access, EnvFileReader.ReadTokens(path).AccessToken);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void The_change_is_confirmed_under_the_lock_and_a_no_writes_nothing()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        var folder = Path.GetDirectoryName(path)!;
        var asked = new List<EnvSaveResult>();
        var lockedWhileAsked = new List<bool>();
        bool Ask(EnvSaveResult change, bool answer)
        {
            asked.Add(change);
            lockedWhileAsked.Add(OtherProgramCannotLock(folder));
            return answer;
        }

        var declined = new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(Both), change => Ask(change, false));

        Assert.Null(declined);
        Assert.Equal(Original, File.ReadAllText(path));
        var change = Assert.Single(asked);
        Assert.Equal("Update ONEFLEX_TOKEN; add ONEFLEX_REFRESH_TOKEN", change.Summary);
        Assert.Equal(path, change.Path);
        Assert.Equal(new[] { true }, lockedWhileAsked);

        var done = new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(Both), change => Ask(change, true));
        Assert.NotNull(done);
        Assert.Equal(change.Summary, done.Summary);
        Assert.Equal(Access, EnvFileReader.ReadTokens(path).AccessToken);

        // A file that already holds the values is not changed, so nothing is asked.
        var again = new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(Both), change => Ask(change, false));
        Assert.False(again!.Changed);
        Assert.Equal(2, asked.Count);
        Assert.Equal(new[] { ".env" }, FilesIn(folder));
    }

    [Fact]
    public void A_no_for_a_file_in_a_missing_folder_creates_no_folder()
    {
        var parent = TempEnv.Folder();
        var path = Path.Combine(parent, "config", "nested", ".env");
        var asked = new List<string>();

        var declined = new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(Both), change => { asked.Add(change.Summary); return false; });

        Assert.Null(declined);
        Assert.Equal(new[] { "Create the file with ONEFLEX_TOKEN, ONEFLEX_REFRESH_TOKEN" }, asked);
        Assert.Empty(FilesIn(parent));
    }

    [Fact]
    public void A_lock_file_an_older_version_left_beside_the_file_is_left_alone()
    {
        var path = TempEnv.Write(Original);
        File.WriteAllText(path + ".lock", "");

        new EnvFileWriter().SaveTo(path, Both);

        Assert.Equal(new[] { ".env", ".env.lock" }, FilesIn(Path.GetDirectoryName(path)!));
        Assert.Equal(Access, EnvFileReader.ReadTokens(path).AccessToken);
    }

    [Fact]
    public void The_folder_lock_is_the_folder_itself_on_Linux_and_macOS_and_one_machine_wide_file_per_folder_on_Windows()
    {
        HostPlatform On(OSKind os, string? programData = null) =>
            new(os, name => name == "ProgramData" ? programData : null, os == OSKind.Windows ? @"C:\Users\ann" : "/home/ann");

        Assert.Null(On(OSKind.Linux).FolderLockFile("/volume1/docker/oneflex"));
        Assert.Null(On(OSKind.MacOS).FolderLockFile("/Users/ann/oneflex"));

        var windows = On(OSKind.Windows, @"D:\ProgramData");
        var file = windows.FolderLockFile(@"C:\Bots\OneFlex\config")!;
        Assert.Matches(@"^D:\\ProgramData\\OneFlexTokens\\locks\\[0-9A-F]{32}\.lock$", file);
        Assert.Equal(file, windows.FolderLockFile(@"c:\bots\oneflex\CONFIG\"));
        Assert.NotEqual(file, windows.FolderLockFile(@"C:\Bots\OneFlex"));
        Assert.StartsWith(@"C:\ProgramData\OneFlexTokens\locks\", On(OSKind.Windows).FolderLockFile(@"C:\Bots"));
    }

    /// <summary>Whether flock(1) finds the folder's lock taken: with --nonblock it then exits with the conflict code instead of running the command.</summary>
    [UnsupportedOSPlatform("windows")]
    private static bool OtherProgramCannotLock(string folder)
    {
        var start = new ProcessStartInfo("flock") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--exclusive", "--nonblock", "--conflict-exit-code", "75", folder, "true" })
        {
            start.ArgumentList.Add(arg);
        }

        using var flock = Process.Start(start)!;
        Assert.True(flock.WaitForExit(30_000), "flock -n did not answer");
        Assert.True(flock.ExitCode is 0 or 75, "flock failed: " + flock.StandardError.ReadToEnd());
        return flock.ExitCode == 75;
    }

    internal static string[] FilesIn(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}
