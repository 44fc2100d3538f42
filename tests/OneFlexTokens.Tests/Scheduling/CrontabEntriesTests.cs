using System.Text;
using OneFlexTokens.Scheduling;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

public class CrontabEntriesTests
{
    private const string Id = "0123456789ab";
    private static readonly string Line = "*/10 * * * * /usr/bin/pwsh -File /x.ps1 " + CrontabEntries.Tag(Id);

    [Fact]
    public void Adding_to_an_empty_crontab_gives_one_line()
    {
        Assert.Equal(Line + "\n", Text(CrontabEntries.With(Array.Empty<byte>(), Id, Line)));
    }

    [Fact]
    public void Other_lines_comments_and_blank_lines_are_kept_byte_for_byte_and_the_line_is_replaced_in_place()
    {
        var before = "# m h dom mon dow command\r\nMAILTO=\"\"\n\n0 3 * * * /backup.sh # nightly\n" + Line + "\n# après\n15 * * * * echo 'é'\n";
        var newer = "*/5 * * * * /usr/bin/pwsh -File /y.ps1 " + CrontabEntries.Tag(Id);

        var after = Text(CrontabEntries.With(Bytes(before), Id, newer));

        Assert.Equal(before.Replace(Line, newer), after);
    }

    [Fact]
    public void A_last_line_without_newline_gets_one_before_the_renewal_and_keeps_its_bytes()
    {
        var before = "# keep\n0 3 * * * /backup.sh";
        var added = CrontabEntries.With(Bytes(before), Id, Line);
        Assert.Equal(before + "\n" + Line + "\n", Text(added));
        Assert.Equal(before + "\n", Text(CrontabEntries.Without(added, Id)!));
    }

    [Fact]
    public void Removal_takes_only_its_own_line()
    {
        var other = "*/10 * * * * /usr/bin/pwsh -File /x.ps1 " + CrontabEntries.Tag("ffffffffffff");
        var before = "A\n" + Line + "\n" + other + "\nB\n";
        Assert.Equal("A\n" + other + "\nB\n", Text(CrontabEntries.Without(Bytes(before), Id)!));
        Assert.Null(CrontabEntries.Without(Bytes("A\nB\n"), Id));
    }

    [Fact]
    public void A_commented_out_renewal_is_left_alone()
    {
        var before = "# " + Line + "\n";
        Assert.Null(CrontabEntries.Without(Bytes(before), Id));
        Assert.Empty(CrontabEntries.Find(Bytes(before)));
        Assert.Equal(before + Line + "\n", Text(CrontabEntries.With(Bytes(before), Id, Line)));
    }

    [Fact]
    public void Find_reads_schedule_and_command()
    {
        var entries = CrontabEntries.Find(Bytes("X=1\n" + Line + "\n"));
        var entry = Assert.Single(entries);
        Assert.Equal(Id, entry.Id);
        Assert.Equal("*/10 * * * *", entry.Schedule);
        Assert.Equal("/usr/bin/pwsh -File /x.ps1", entry.Command);
    }

    [Fact]
    public void A_line_break_in_the_line_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CrontabEntries.With(Array.Empty<byte>(), Id, "a\nb"));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
