using System.Text;
using OneFlexTokens.EnvFiles;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

public class EnvFileEditorTests
{
    private const string Access = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/=";
    private const string Refresh = "0123456789abcdef0123";

    private static readonly List<KeyValuePair<string, string>> Both = new()
    {
        new(EnvKeys.AccessToken, Access),
        new(EnvKeys.RefreshToken, Refresh),
    };

    private static string Apply(string text) => Encoding.UTF8.GetString(EnvSaves.Edit(Encoding.UTF8.GetBytes(text), Both).Bytes.ToArray());

    [Theory]
    [InlineData("ONEFLEX_TOKEN=old\n", "ONEFLEX_TOKEN=" + Access + "\n")]
    [InlineData("export ONEFLEX_TOKEN = 'old' # c\r\n", "export ONEFLEX_TOKEN = '" + Access + "' # c\r\n")]
    [InlineData("ONEFLEX_TOKEN=\"old\"\n", "ONEFLEX_TOKEN=\"" + Access + "\"\n")]
    [InlineData("ONEFLEX_TOKEN=old value  # comment\n", "ONEFLEX_TOKEN=" + Access + "  # comment\n")]
    [InlineData("ONEFLEX_TOKEN=\n", "ONEFLEX_TOKEN=" + Access + "\n")]
    [InlineData("ONEFLEX_TOKEN\n", "ONEFLEX_TOKEN=" + Access + "\n")]
    [InlineData("ONEFLEX_TOKEN#c\n", "ONEFLEX_TOKEN=" + Access + " #c\n")]
    [InlineData("'ONEFLEX_TOKEN'='old'\n", "'ONEFLEX_TOKEN'='" + Access + "'\n")]
    [InlineData("ONEFLEX_TOKEN=\"multi\nline\"\n", "ONEFLEX_TOKEN=\"" + Access + "\"\n")]
    public void Replaces_only_the_value_keeping_quotes_export_comment_and_line_ending(string line, string expected)
    {
        var text = "# début\n" + line + "ONEFLEX_REFRESH_TOKEN=" + Refresh + "\n";
        Assert.Equal("# début\n" + expected + "ONEFLEX_REFRESH_TOKEN=" + Refresh + "\n", Apply(text));
    }

    [Fact]
    public void Every_duplicate_is_updated_so_the_last_one_read_is_new()
    {
        var result = Apply("ONEFLEX_TOKEN=a\nX=1\nexport ONEFLEX_TOKEN='b'\nONEFLEX_REFRESH_TOKEN=r\n");
        Assert.Equal($"ONEFLEX_TOKEN={Access}\nX=1\nexport ONEFLEX_TOKEN='{Access}'\nONEFLEX_REFRESH_TOKEN={Refresh}\n", result);
    }

    [Theory]
    [InlineData("", "ONEFLEX_TOKEN=A\nONEFLEX_REFRESH_TOKEN=R\n")]
    [InlineData("X=1", "X=1\nONEFLEX_TOKEN=A\nONEFLEX_REFRESH_TOKEN=R")]
    [InlineData("X=1\r\nY=2\r\n", "X=1\r\nY=2\r\nONEFLEX_TOKEN=A\r\nONEFLEX_REFRESH_TOKEN=R\r\n")]
    [InlineData("export X=1\n", "export X=1\nexport ONEFLEX_TOKEN=A\nexport ONEFLEX_REFRESH_TOKEN=R\n")]
    [InlineData("ONEFLEX_TOKEN_OLD=1\nXONEFLEX_TOKEN=2\n#ONEFLEX_TOKEN=3\n", "ONEFLEX_TOKEN_OLD=1\nXONEFLEX_TOKEN=2\n#ONEFLEX_TOKEN=3\nONEFLEX_TOKEN=A\nONEFLEX_REFRESH_TOKEN=R\n")]
    [InlineData("\uFEFFONEFLEX_TOKEN=x\n", "\uFEFFONEFLEX_TOKEN=x\nONEFLEX_TOKEN=A\nONEFLEX_REFRESH_TOKEN=R\n")]
    public void Appends_missing_keys_in_the_file_style(string text, string expected)
    {
        var settings = new List<KeyValuePair<string, string>> { new(EnvKeys.AccessToken, "A"), new(EnvKeys.RefreshToken, "R") };
        var edit = EnvSaves.Edit(Encoding.UTF8.GetBytes(text), settings);
        Assert.Equal(expected, Encoding.UTF8.GetString(edit.Bytes.ToArray()));
        Assert.Equal(new[] { EnvKeys.AccessToken, EnvKeys.RefreshToken }, edit.KeysAdded);
        Assert.True(edit.Changed);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_elsewhere_in_the_file_are_kept()
    {
        var latin1 = Encoding.Latin1.GetBytes("# r\u00e9servation caf\u00e9\nONEFLEX_TOKEN=old\nNOTE=cr\u00e8me\n");
        var edit = EnvSaves.Edit(latin1, Both);
        var expected = Encoding.Latin1.GetBytes($"# r\u00e9servation caf\u00e9\nONEFLEX_TOKEN={Access}\nNOTE=cr\u00e8me\nONEFLEX_REFRESH_TOKEN={Refresh}\n");
        Assert.Equal(expected, edit.Bytes.ToArray());
    }

    [Fact]
    public void Reports_updated_added_and_unchanged_keys()
    {
        var edit = EnvSaves.Edit(Encoding.UTF8.GetBytes($"ONEFLEX_TOKEN={Access}\n"), Both);
        Assert.Empty(edit.KeysUpdated);
        Assert.Equal(new[] { EnvKeys.RefreshToken }, edit.KeysAdded);

        edit = EnvSaves.Edit(Encoding.UTF8.GetBytes("ONEFLEX_TOKEN=old\nONEFLEX_REFRESH_TOKEN=" + Refresh), Both);
        Assert.Equal(new[] { EnvKeys.AccessToken }, edit.KeysUpdated);
        Assert.Empty(edit.KeysAdded);
    }
}
