using System.Management.Automation;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

public class EnvFileReaderTests
{
    private static IReadOnlyDictionary<string, string> Parse(string text) =>
        EnvFileReader.ParseValues(Encoding.UTF8.GetBytes(text));

    // Each case is what python-dotenv 1.2 (dotenv_values, interpolate=False) yields; DotenvDifferentialTests checks them against it.
    public static TheoryData<string, string, string?> KnownBehaviours => new()
    {
        { "A=1", "A", "1" },
        { "export A=1", "A", "1" },
        { "export\tA=1", "A", "1" },
        { "exportA=1", "exportA", "1" },
        { "  A  =  1  ", "A", "1" },
        { "A='x \\n y'", "A", "x \\n y" },
        { "A='it\\'s'", "A", "it's" },
        { "A=\"x\\ny\"", "A", "x\ny" },
        { "A=\"say \\\"hi\\\"\"", "A", "say \"hi\"" },
        { "A=\"tab\\tend\"", "A", "tab\tend" },
        { "A=\"\\u00e9\"", "A", "\\u00e9" },
        { "A=value # comment", "A", "value" },
        { "A=value#not-a-comment", "A", "value#not-a-comment" },
        { "A='quoted' # comment", "A", "quoted" },
        { "A=\"multi\nline\"", "A", "multi\nline" },
        { "A=\"multi\r\nline\"", "A", "multi\nline" },
        { "A=1\nA=2", "A", "2" },
        { "A=1\nA", "A", null },
        { "A=", "A", "" },
        { "A= # only comment", "A", "# only comment" },
        { "A=with spaces inside  ", "A", "with spaces inside" },
        { "'A'=1", "A", "1" },
        { "A=\"unterminated\nB=2", "B", "2" },
        { "A=\"x\" junk\nB=2", "A", null },
        { "\uFEFFA=1", "\uFEFFA", "1" },
        { "\uFEFFA=1", "A", null },
        { "A=caf\u00e9 cr\u00e8me", "A", "caf\u00e9 cr\u00e8me" },
        { "A=x\u00a0# nbsp is whitespace to Python", "A", "x" },
        { "A=1\r\nB=2\rC=3", "C", "3" },
        { "# A=1", "A", null },
        { "A=${HOME}", "A", "${HOME}" },
    };

    [Theory]
    [MemberData(nameof(KnownBehaviours))]
    public void Parses_like_python_dotenv(string text, string key, string? expected)
    {
        var values = Parse(text);
        if (expected is null)
        {
            Assert.False(values.ContainsKey(key), $"'{key}' should be absent");
        }
        else
        {
            Assert.Equal(expected, values[key]);
        }
    }

    [Fact]
    public void ReadTokens_reads_both_keys_and_null_for_missing_ones()
    {
        var path = TempEnv.Write("# bot\nONEFLEX_TOKEN=aaa.bbb.ccc\nOTHER=x\n");
        var tokens = EnvFileReader.ReadTokens(path);
        Assert.Equal("aaa.bbb.ccc", tokens.AccessToken);
        Assert.Null(tokens.RefreshToken);
    }

    [Theory]
    [InlineData("\uFEFFONEFLEX_TOKEN=aaa.bbb.ccc\nONEFLEX_REFRESH_TOKEN=r\n", null, "r", EnvKeys.AccessToken)]
    [InlineData("\uFEFFONEFLEX_REFRESH_TOKEN=r\nONEFLEX_TOKEN=aaa.bbb.ccc\n", "aaa.bbb.ccc", null, EnvKeys.RefreshToken)]
    [InlineData("\uFEFFONEFLEX_TOKEN=x.y.z\nONEFLEX_TOKEN=aaa.bbb.ccc\n", "aaa.bbb.ccc", null, null)]
    [InlineData("\uFEFF# bot\nONEFLEX_TOKEN=aaa.bbb.ccc\n", "aaa.bbb.ccc", null, null)]
    public void ReadTokens_names_a_token_key_that_a_byte_order_mark_hides_from_the_bot(string text, string? access, string? refresh, string? hidden)
    {
        var tokens = EnvFileReader.ReadTokens(TempEnv.Write(text));

        Assert.Equal(new EnvTokens(access, refresh) { KeyBehindByteOrderMark = hidden }, tokens);
    }

    [Fact]
    public void TryReadValues_is_null_for_a_missing_file_and_applies_the_policy_to_the_rest()
    {
        var folder = TempEnv.Folder();
        Assert.Null(EnvFileReader.TryReadValues(Path.Combine(folder, ".env")));
        Assert.Equal(ErrorIds.EnvPathIsDirectory, Assert.Throws<OneFlexException>(() => EnvFileReader.TryReadValues(folder)).ErrorId);
        Assert.Equal("1", EnvFileReader.TryReadValues(TempEnv.Write("A=1\n"))!["A"]);
    }

    [Fact]
    public void Missing_file_is_EnvFileNotFound()
    {
        var path = Path.Combine(TempEnv.Folder(), "nope", ".env");
        var e = Assert.Throws<OneFlexException>(() => EnvFileReader.ReadValues(path));
        Assert.Equal(ErrorIds.EnvFileNotFound, e.ErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.Category);
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.TargetObject);
    }

    [Fact]
    public void Directory_is_EnvPathIsDirectory()
    {
        var folder = TempEnv.Folder();
        var e = Assert.Throws<OneFlexException>(() => EnvFileReader.ReadValues(folder));
        Assert.Equal(ErrorIds.EnvPathIsDirectory, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
    }

    [Fact]
    public void Utf16_and_invalid_utf8_are_EnvFileUnreadable_InvalidData()
    {
        var utf16 = TempEnv.WriteBytes(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("A=1\n")).ToArray());
        var e = Assert.Throws<OneFlexException>(() => EnvFileReader.ReadValues(utf16));
        Assert.Equal(ErrorIds.EnvFileUnreadable, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.Category);
        Assert.Contains("UTF-16", e.Message);

        var latin1 = TempEnv.WriteBytes(new byte[] { (byte)'A', (byte)'=', 0xE9, (byte)'\n' });
        e = Assert.Throws<OneFlexException>(() => EnvFileReader.ReadValues(latin1));
        Assert.Equal(ErrorIds.EnvFileUnreadable, e.ErrorId);
        Assert.Contains("UTF-8", e.Message);
    }

    [SkippableFact]
    public void File_locked_by_another_handle_is_EnvFileUnreadable_ReadError()
    {
        Harness.Requirements.RequireUnix();
        var path = TempEnv.Write("A=1\n");
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<OneFlexException>(() => EnvFileReader.ReadValues(path));
            Assert.Equal(ErrorIds.EnvFileUnreadable, e.ErrorId);
            Assert.Equal(ErrorCategory.ReadError, e.Category);
        }

        Assert.Equal("1", EnvFileReader.ReadValues(path)["A"]);
    }
}
