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

    /// <summary>What the real daemon (Debian cron 3.0pl1) handed to sh for these commands, as CrontabRegistrationTests checks under it.</summary>
    [Theory]
    [InlineData(@"printf a\%b", "printf a%b", false)]
    [InlineData(@"printf 'x\y'", @"printf 'x\y'", false)]
    [InlineData(@"printf 'g\\h' 'm\'", @"printf 'g\h' 'm\'", false)]
    [InlineData(@"printf 'e\\\%f'", @"printf 'e\%f'", false)]
    [InlineData(@"printf 'c\\%d'", @"printf 'c\", true)]
    [InlineData("printf 100% sure", "printf 100", true)]
    public void Unescaping_follows_crons_rule_a_backslash_is_dropped_before_a_percent_or_a_backslash_and_a_bare_percent_ends_the_command(
        string inCrontab, string toSh, bool endsEarly)
    {
        Assert.Equal(toSh, CrontabEntries.UnescapeFromCron(inCrontab, out var ended));
        Assert.Equal(endsEarly, ended);
    }

    [Theory]
    [InlineData(@"b6\%bs")]
    [InlineData(@"x%y\%z")]
    [InlineData(@"\\%")]
    [InlineData(@"'\'' 100% \")]
    [InlineData("plain")]
    public void Escaping_for_cron_gives_back_every_byte_and_never_ends_the_command_early(string command)
    {
        Assert.Equal(command, CrontabEntries.UnescapeFromCron(CrontabEntries.EscapeForCron(command), out var endsEarly));
        Assert.False(endsEarly);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
