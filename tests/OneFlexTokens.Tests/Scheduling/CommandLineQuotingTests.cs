using OneFlexTokens.Scheduling;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>Quoting checked against real parsers: /bin/sh for POSIX words, .NET's own Windows-rules argument splitting.</summary>
public class CommandLineQuotingTests
{
    public static TheoryData<string[]> Awkward => new()
    {
        new[] { "plain", "/opt/microsoft/powershell/7/pwsh" },
        new[] { "/volume1/docker/my bot", "C:\\Users\\Jane Doe\\OneFlex Bot" },
        new[] { "it's", "say \"hi\"", "a\\\"b", "trailing\\", "two\\\\", "" },
        new[] { "/home/zoë/Réservations bureau", "C:\\Utilisateurs\\Zoë\\Bureau — été" },
        new[] { "$HOME", "`whoami`", "$(id)", "a;b", "a|b", "a&b", "*", "?", "~", "#not-a-comment", "100%" },
        new[] { "tab\there", "  spaces  " },
        new[] { "b6\\%bs", "x%y\\%z", "\\\\%", "%\\", "…%\\%…" },
    };

    [SkippableTheory]
    [MemberData(nameof(Awkward))]
    public void Posix_words_come_back_whole_from_sh(string[] words)
    {
        Skip.If(OperatingSystem.IsWindows(), "POSIX quoting is checked against /bin/sh, which Windows lacks.");
        Assert.Equal(words, ArgumentSplitting.LikeSh("printf '%s\\0' " + PosixShell.Join(words)));
    }

    [SkippableTheory]
    [MemberData(nameof(Awkward))]
    public void Posix_words_escaped_for_cron_come_back_whole_after_crons_unescaping(string[] words)
    {
        Skip.If(OperatingSystem.IsWindows(), "POSIX quoting is checked against /bin/sh, which Windows lacks.");
        var cronLine = CrontabEntries.EscapeForCron("printf '%s\\0' " + PosixShell.Join(words));
        Assert.Equal(words, ArgumentSplitting.LikeSh(CrontabEntries.UnescapeFromCron(cronLine, out var endsEarly)));
        Assert.False(endsEarly);
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void Windows_arguments_come_back_whole_from_the_windows_argument_rules(string[] arguments)
    {
        Assert.Equal(arguments, ArgumentSplitting.LikeWindows(WindowsCommandLine.Join(arguments)));
    }

    [Theory]
    [MemberData(nameof(Awkward))]
    public void Windows_split_reads_back_what_join_wrote_as_the_windows_rules_do(string[] arguments)
    {
        var line = WindowsCommandLine.Join(arguments);
        Assert.Equal(arguments, WindowsCommandLine.Split(line));
        Assert.Equal(ArgumentSplitting.LikeWindows(line), WindowsCommandLine.Split(line));
    }

    [Fact]
    public void Plain_words_are_left_unquoted()
    {
        Assert.Equal("/usr/bin/pwsh -NoProfile -File /a/b.ps1", PosixShell.Join(new[] { "/usr/bin/pwsh", "-NoProfile", "-File", "/a/b.ps1" }));
        Assert.Equal("pwsh.exe -NoProfile C:\\a\\b.ps1", WindowsCommandLine.Join(new[] { "pwsh.exe", "-NoProfile", "C:\\a\\b.ps1" }));
        Assert.Equal("\"C:\\Program Files\\x\\\\\"", WindowsCommandLine.Quote("C:\\Program Files\\x\\"));
    }
}
