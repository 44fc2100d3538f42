using System.Text;
using System.Xml.Linq;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using Xunit;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>
/// One registrar per platform, picked by the factory from another <see cref="HostPlatform"/>; each keeps the state of its
/// registrations (the webhook, the registration time) in a real bot folder, and what it cannot do here comes back as steps.
/// </summary>
public sealed class RenewalRegistrarTests : IDisposable
{
    private const string DsmVersion = "majorversion=\"7\"\nproductversion=\"7.2.1\"\nos_name=\"DSM\"\n";
    private const string Webhook = "https://discord.com/api/webhooks/1/registrar-secret";
    private const string EarlierWebhook = "https://discord.com/api/webhooks/1/earlier";

    private readonly string _bot = Directory.CreateTempSubdirectory("oneflex-registrar-").FullName;

    public void Dispose() => Directory.Delete(_bot, true);

    private string WebhookFile => RenewalRegistrar.WebhookFile(_bot);

    private DateTimeOffset? RegisteredAt => new RenewalState(RenewalOptions.StateFolderOf(_bot)).RegisteredAt;

    private static HostPlatform Host(OSKind os, string? dsmVersion = null) =>
        new(os, _ => null, os == OSKind.Windows ? "C:\\Users\\zoë" : "/home/zoë")
        {
            UserName = "zoë",
            ReadSystemFile = path => path == SynologyDsm.VersionFile ? dsmVersion : null,
        };

    /// <summary>A registrar whose crontab program does not exist and whose schtasks is <paramref name="schtasks"/> (none: it must not run).</summary>
    private static RenewalRegistrar Registrar(HostPlatform host, Func<IReadOnlyList<string>, ProgramRun>? schtasks = null) =>
        RenewalRegistrar.For(host, null, new CrontabProgram(executable: "/nonexistent/crontab"),
            new TaskSchedulerProgram(schtasks ?? (_ => throw new InvalidOperationException("schtasks must not run"))),
            () => new DateTime(2026, 12, 3, 9, 41, 27));

    private RenewalRequest Request() => new()
    {
        BotFolder = _bot,
        Run = new RenewalOptions { BotFolder = _bot },
        PwshPath = "/opt/powershell/pwsh",
        ScriptPath = "/opt/modules/OneFlexTokens/Scripts/Update-OneFlexBot.ps1",
    };

    [Theory]
    [InlineData(nameof(OSKind.Windows), null, typeof(TaskSchedulerRegistrar))]
    [InlineData(nameof(OSKind.Linux), null, typeof(CronRegistrar))]
    [InlineData(nameof(OSKind.MacOS), null, typeof(CronRegistrar))]
    [InlineData(nameof(OSKind.Linux), DsmVersion, typeof(SynologyDsmRegistrar))]
    public void The_factory_picks_one_registrar_per_platform(string osName, string? dsmVersion, Type expected)
    {
        var os = Enum.Parse<OSKind>(osName);
        var registrar = RenewalRegistrar.For(Host(os, dsmVersion));

        Assert.IsType(expected, registrar);
        Assert.Equal(RenewalRegistrar.PlatformOf(Host(os, dsmVersion)), registrar.Platform);
        var onDsm = expected == typeof(SynologyDsmRegistrar);
        Assert.Equal(onDsm, registrar.FindNote is not null);
        Assert.Equal(onDsm, registrar.RemovalSteps("0123456789ab") is not null);
    }

    [Fact]
    public void On_dsm_register_saves_the_webhook_for_the_runs_and_returns_the_steps_and_unregister_leaves_the_state_with_the_steps()
    {
        var registrar = Registrar(Host(OSKind.Linux, DsmVersion));
        var plan = registrar.Plan(Request());

        var outcome = registrar.Register(plan, Webhook);

        Assert.Equal(plan.Text, outcome.Instructions);
        Assert.Equal(Webhook + "\n", File.ReadAllText(WebhookFile));
        Assert.Null(RegisteredAt);
        var removal = registrar.Unregister(plan.Registration.Id, _bot);
        Assert.Empty(removal.Removed);
        Assert.Contains("OneFlex token renewal " + plan.Registration.Id, removal.Instructions);
        Assert.True(File.Exists(WebhookFile), "nothing is removed where the task cannot be");
    }

    [Fact]
    public void A_task_keeps_its_webhook_and_registration_time_and_unregistering_it_removes_both_with_the_task()
    {
        RenewalPlan? plan = null;
        var calls = new List<IReadOnlyList<string>>();
        ProgramRun Schtasks(IReadOnlyList<string> arguments)
        {
            calls.Add(arguments);
            return arguments[0] == "/Query"
                ? new ProgramRun(0, Encoding.UTF8.GetBytes(QueryAnswer(plan!)), string.Empty, false)
                : new ProgramRun(0, Encoding.UTF8.GetBytes("SUCCESS"), string.Empty, false);
        }

        var registrar = Registrar(Host(OSKind.Windows), Schtasks);
        plan = registrar.Plan(Request());
        var before = DateTimeOffset.Now.AddSeconds(-1);

        var outcome = registrar.Register(plan, Webhook);

        Assert.Null(outcome.Instructions);
        Assert.Empty(outcome.Warnings);
        Assert.Equal(Webhook + "\n", File.ReadAllText(WebhookFile));
        Assert.InRange(RegisteredAt!.Value, before, DateTimeOffset.Now.AddSeconds(1));

        var removal = registrar.Unregister(plan.Registration.Id);

        Assert.Equal(plan.Registration.Id, Assert.Single(removal.Removed).Id);
        Assert.Empty(removal.Warnings);
        Assert.Contains(calls, call => call.SequenceEqual(TaskSchedulerProgram.DeleteArguments(plan.Task!.TaskPath)));
        Assert.False(File.Exists(WebhookFile));
        Assert.Null(RegisteredAt);
    }

    [Fact]
    public void A_task_that_cannot_be_created_puts_the_earlier_webhook_back_and_records_no_time()
    {
        var registrar = Registrar(Host(OSKind.Windows), _ => new ProgramRun(1, Array.Empty<byte>(), "ERROR: Access is denied.\r\n", false));
        var plan = registrar.Plan(Request());
        RenewalRegistrar.SaveWebhook(_bot, EarlierWebhook);

        var error = Assert.Throws<OneFlexException>(() => registrar.Register(plan, Webhook));

        Assert.Equal(ErrorIds.TaskSchedulerFailed, error.ErrorId);
        Assert.Equal(EarlierWebhook + "\n", File.ReadAllText(WebhookFile));
        Assert.Null(RegisteredAt);
    }

    /// <summary>What schtasks /Query /XML ONE answers with the planned task registered.</summary>
    private static string QueryAnswer(RenewalPlan plan) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Tasks>\r\n  <!-- " + plan.Task!.TaskPath + " -->\r\n"
        + XDocument.Parse(plan.Text).Root!.ToString().Replace("<URI>" + plan.Task.TaskPath + "</URI>", string.Empty, StringComparison.Ordinal)
        + "\r\n</Tasks>";
}
