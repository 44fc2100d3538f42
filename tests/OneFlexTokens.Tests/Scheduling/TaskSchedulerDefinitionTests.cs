using System.Text;
using System.Xml.Linq;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

public class TaskSchedulerDefinitionTests
{
    private static readonly XNamespace Task = TaskSchedulerDefinition.Namespace;

    private static TaskSchedulerRequest Request(params string[] arguments) => new(
        "\\OneFlexTokens\\Renewal 0123456789ab",
        "Renews the OneFlex bot tokens in C:\\Users\\Zoë\\bot \"été\" & <co>",
        "C:\\Program Files\\PowerShell\\7\\pwsh.exe",
        arguments,
        "C:\\Users\\Zoë\\bot \"été\"",
        RenewalInterval.From(TimeSpan.FromMinutes(10)),
        "NAS\\zoë",
        TaskLogonType.S4U,
        new DateTime(2026, 12, 3, 9, 0, 0));

    [Fact]
    public void The_definition_is_utf16_xml_with_a_repeating_trigger_no_overlap_and_a_passwordless_principal()
    {
        var request = Request("-NoProfile", "-File", "C:\\x.ps1");
        var bytes = TaskSchedulerDefinition.ToFileBytes(request);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, bytes[..2]);
        var document = XDocument.Parse(Encoding.Unicode.GetString(bytes[2..]));

        Assert.Equal("UTF-16", document.Declaration!.Encoding);
        var root = document.Root!;
        Assert.Equal("1.2", (string?)root.Attribute("version"));
        Assert.Equal("PT10M", root.Descendants(Task + "Interval").Single().Value);
        Assert.Equal("2026-12-03T09:00:00", root.Descendants(Task + "StartBoundary").Single().Value);
        Assert.Equal("IgnoreNew", root.Descendants(Task + "MultipleInstancesPolicy").Single().Value);
        Assert.Equal("true", root.Descendants(Task + "StartWhenAvailable").Single().Value);
        Assert.Equal("false", root.Descendants(Task + "DisallowStartIfOnBatteries").Single().Value);
        Assert.Equal("S4U", root.Descendants(Task + "LogonType").Single().Value);
        Assert.Equal("NAS\\zoë", root.Descendants(Task + "UserId").Single().Value);
        Assert.Equal("LeastPrivilege", root.Descendants(Task + "RunLevel").Single().Value);
        Assert.Equal(request.Description, root.Descendants(Task + "Description").Single().Value);
        Assert.Equal(request.Command, root.Descendants(Task + "Command").Single().Value);
        Assert.Equal(request.WorkingDirectory, root.Descendants(Task + "WorkingDirectory").Single().Value);
    }

    [Theory]
    [InlineData("C:\\Users\\Jane Doe\\Documents\\PowerShell\\Modules\\OneFlexTokens\\0.1.0\\Scripts\\Update-OneFlexBot.ps1", "C:\\oneflex bot")]
    [InlineData("C:\\Users\\Zoë\\Modules\\OneFlexTokens\\Scripts\\Update-OneFlexBot.ps1", "D:\\Réservations \"bureau\"\\été")]
    [InlineData("\\\\nas\\share\\it's here\\Update-OneFlexBot.ps1", "C:\\bot\\")]
    public void Arguments_survive_xml_and_the_windows_command_line_for_paths_with_spaces_quotes_and_non_ascii(string script, string botFolder)
    {
        var arguments = new[] { "-NoProfile", "-NonInteractive", "-WindowStyle", "Hidden", "-File", script, "-BotFolder", botFolder };
        var document = XDocument.Parse(TaskSchedulerDefinition.ToXml(Request(arguments)));
        var commandLine = document.Root!.Descendants(Task + "Arguments").Single().Value;

        Assert.Equal(arguments, ArgumentSplitting.LikeWindows(commandLine));
    }

    [Fact]
    public void A_task_of_a_renewal_with_RemoteSignIn_is_never_stopped_while_its_sign_in_waits_and_no_second_run_starts_meanwhile()
    {
        var plain = new RenewalOptions { BotFolder = "C:\\bot" };
        var remote = plain with { RemoteSignInEnabled = true };
        Assert.Equal(TimeSpan.FromMinutes(15), TaskSchedulerDefinition.ExecutionTimeLimitFor(plain));
        Assert.Equal(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(30), TaskSchedulerDefinition.ExecutionTimeLimitFor(remote));
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(30), TaskSchedulerDefinition.ExecutionTimeLimitFor(remote with { LinkLifetime = TimeSpan.FromDays(1) }));

        // As Register-OneFlexRenewal plans it: the limit exceeds the link's lifetime and a claimed session (15 min).
        var host = new HostPlatform(OSKind.Windows, _ => null, "C:\\Users\\zoë") { UserName = "zoë", ReadSystemFile = _ => null };
        var registrar = RenewalRegistrar.For(host, null, new CrontabProgram(executable: "/nonexistent/crontab"),
            new TaskSchedulerProgram(_ => throw new InvalidOperationException("schtasks must not run")), () => new DateTime(2026, 12, 3, 9, 41, 27));
        foreach (var (run, limit) in new[] { (plain, "PT15M"), (remote, "PT12H30M"), (remote with { LinkLifetime = TimeSpan.FromHours(20) }, "PT20H30M") })
        {
            var plan = registrar.Plan(new RenewalRequest
            {
                BotFolder = run.BotFolder,
                Run = run,
                Interval = RenewalInterval.From(TimeSpan.FromMinutes(10)),
                PwshPath = "C:\\Program Files\\PowerShell\\7\\pwsh.exe",
                ScriptPath = "C:\\Modules\\OneFlexTokens\\Scripts\\Update-OneFlexBot.ps1",
                HomeDirectory = "C:\\Users\\zoë",
            });
            var root = XDocument.Parse(plan.Text).Root!;
            Assert.Equal(limit, root.Descendants(Task + "ExecutionTimeLimit").Single().Value);
            Assert.Equal("IgnoreNew", root.Descendants(Task + "MultipleInstancesPolicy").Single().Value);
        }
    }
}
