using System.Management.Automation;
using System.Runtime.Versioning;
using System.Text;
using OneFlexTokens.Common;
using OneFlexTokens.EnvFiles;
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
    public void Creates_a_missing_file_and_folder_owner_only_leaving_only_the_lock_file()
    {
        Requirements.RequireUnix();
        var folder = TempEnv.Folder();
        var path = Path.Combine(folder, "config", "nested", ".env");

        var result = new EnvFileWriter().Save(path, Both);

        Assert.True(result.Created);
        Assert.True(result.Changed);
        Assert.Equal(new[] { EnvKeys.AccessToken, EnvKeys.RefreshToken }, result.KeysAdded);
        Assert.Equal($"ONEFLEX_TOKEN={Access}\nONEFLEX_REFRESH_TOKEN={Refresh}\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".lock"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "config")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "config", "nested")));
        Assert.Equal(0, new FileInfo(path + ".lock").Length);
        Assert.Equal(new[] { ".env", ".env.lock" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Keeps_the_permissions_of_an_existing_file_and_every_other_byte()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var result = new EnvFileWriter().Save(path, Both);

        Assert.False(result.Created);
        Assert.Equal(new[] { EnvKeys.AccessToken }, result.KeysUpdated);
        Assert.Equal(new[] { EnvKeys.RefreshToken }, result.KeysAdded);
        Assert.Equal($"# Réglages du bot\r\nDESK_ID=42\r\nONEFLEX_TOKEN='{Access}'\r\nONEFLEX_REFRESH_TOKEN={Refresh}\r\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal(new[] { ".env", ".env.lock" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Saving_the_same_values_twice_does_not_touch_the_file()
    {
        var path = TempEnv.Write(Original);
        var writer = new EnvFileWriter();
        writer.Save(path, Both);
        var bytes = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);
        var inode = new FileInfo(path).CreationTimeUtc;

        var again = writer.Save(path, Both);

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

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().Save(path, settings));

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

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().Save(path, Both));

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
        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().Save(folder, Both));
        Assert.Equal(ErrorIds.EnvPathIsDirectory, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void Folder_that_cannot_be_created_is_a_clear_EnvFileNotWritable()
    {
        var blocker = TempEnv.Write("not a folder", "config");
        var path = Path.Combine(blocker, ".env");

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().Save(path, Both));

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
            var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().Save(path, Both));
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

        var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter().Save(path, Both));

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

        new EnvFileWriter().Save(link, Both);

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

        new EnvFileWriter().Save(path, Both);

        Assert.False(File.Exists(stale));
        Assert.Equal(new[] { ".env", ".env.lock" }, FilesIn(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_held_lock_makes_a_save_wait_then_fail_with_EnvFileBusy_and_the_file_untouched()
    {
        var path = TempEnv.Write(Original);
        using (new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<OneFlexException>(() => new EnvFileWriter(TimeSpan.FromMilliseconds(300)).Save(path, Both));
            Assert.Equal(ErrorIds.EnvFileBusy, e.ErrorId);
            Assert.Equal(ErrorCategory.ResourceBusy, e.Category);
            Assert.Equal(Original, File.ReadAllText(path));
        }
    }

    [Fact]
    public async Task A_save_waiting_for_the_lock_proceeds_when_it_is_released_and_stops_when_cancelled()
    {
        var path = TempEnv.Write(Original);
        var held = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var waiting = Task.Run(() => new EnvFileWriter().Save(path, Both));
        Assert.False(waiting == await Task.WhenAny(waiting, Task.Delay(200)), "the save did not wait for the lock");
        Assert.Equal(Original, File.ReadAllText(path));
        held.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Access, EnvFileReader.ReadTokens(path).AccessToken);

        using var cancel = new CancellationTokenSource();
        using (new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var other = new List<KeyValuePair<string, string>> { new(EnvKeys.AccessToken, "other.value.x") };
            var cancelled = Task.Run(() => new EnvFileWriter().Save(path, other, cancel.Token));
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }

        Assert.Equal(Access, EnvFileReader.ReadTokens(path).AccessToken);
    }

    internal static string[] FilesIn(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}
