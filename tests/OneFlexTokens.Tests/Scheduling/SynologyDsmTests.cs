using OneFlexTokens.Scheduling;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

public class SynologyDsmTests
{
    private const string DsmVersion = "majorversion=\"7\"\nminorversion=\"2\"\nproductversion=\"7.2.1\"\nbuildnumber=\"69057\"\nos_name=\"DSM\"\n";

    [Fact]
    public void DSM_is_recognised_by_its_version_file()
    {
        Assert.Equal("7.2.1", SynologyDsm.Detect(path => path == SynologyDsm.VersionFile ? DsmVersion : null));
    }

    [Fact]
    public void Other_systems_are_not_DSM()
    {
        Assert.Null(SynologyDsm.Detect(_ => null));
        Assert.Null(SynologyDsm.Detect(path => path == SynologyDsm.VersionFile ? "majorversion=\"7\"\n" : null));
        Assert.Null(SynologyDsm.Detect(path => path == "/etc/os-release" ? "ID=debian\n" : null));
    }

    [Fact]
    public void The_steps_name_the_user_the_schedule_and_the_exact_command()
    {
        var command = "/usr/local/bin/pwsh -NoProfile -NonInteractive -File '/volume1/@appstore/x/Update-OneFlexBot.ps1' -BotFolder /volume1/docker/oneflex";
        var steps = SynologyDsm.Steps("OneFlex token renewal", "root", RenewalInterval.From(TimeSpan.FromMinutes(10)), command);

        Assert.Contains("Control Panel > Task Scheduler > Create > Scheduled Task > User-defined script", steps);
        Assert.Contains("User: root", steps);
        Assert.Contains("Every 10 minute(s)", steps);
        Assert.Contains(Environment.NewLine + "     " + command + Environment.NewLine, steps);
    }
}
