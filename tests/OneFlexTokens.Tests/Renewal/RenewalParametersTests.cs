using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Text;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Commands;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>The one schema of a renewal's parameters: who takes them, and the registered line that carries them.</summary>
public class RenewalParametersTests
{
    private static readonly string[] SchemaNames = RenewalParameters.All.Select(p => p.Name).ToArray();

    // Every character a line must carry exactly: %, \, both quotes, spaces, non-ASCII, $, backticks, a leading dash.
    public static TheoryData<string> HostileValues() => new()
    {
        "a %s 100% \\% \\\\ end\\",
        "it's \"quoted\" $HOME `id` $(id) ${x}",
        " -lead space, été, 東京, emoji 🙂 ",
    };

    [Fact]
    public void Invoke_and_Register_take_exactly_the_schemas_parameters_with_its_types_and_Register_adds_only_what_schedules()
    {
        Assert.Equal(SchemaNames.Order(), ParametersOf(typeof(InvokeOneFlexRenewalCommand)).Keys.Order());
        Assert.Equal(SchemaNames.Concat(new[] { "Every", "PassThru" }).Order(), ParametersOf(typeof(RegisterOneFlexRenewalCommand)).Keys.Order());
        foreach (var command in new[] { typeof(InvokeOneFlexRenewalCommand), typeof(RegisterOneFlexRenewalCommand) })
        {
            var properties = ParametersOf(command);
            foreach (var parameter in RenewalParameters.All)
            {
                Assert.True(TypeOf(parameter.Kind) == properties[parameter.Name].PropertyType, $"{command.Name} -{parameter.Name}");
                if (parameter.Kind == RenewalParameterKind.Duration)
                {
                    Assert.NotNull(properties[parameter.Name].GetCustomAttribute<TimeoutTransformationAttribute>());
                }
            }
        }
    }

    [Fact]
    public void The_scheduled_scripts_param_block_is_the_schemas_parameters_plus_its_own_ModulePath_and_Check()
    {
        var script = Parser.ParseFile(Path.Combine(RepoPaths.Root, "src", "OneFlexTokens", "Scripts", "Update-OneFlexBot.ps1"), out _, out var errors);
        Assert.Empty(errors);
        var names = script.ParamBlock.Parameters.Select(p => p.Name.VariablePath.UserPath).ToList();

        Assert.Equal(SchemaNames.Concat(new[] { "ModulePath", "Check" }).Order(), names.Order());
        var help = script.GetHelpContent();
        Assert.All(SchemaNames, name => Assert.True(help.Parameters.ContainsKey(name.ToUpperInvariant()), $"no .PARAMETER {name}"));
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Every_parameter_round_trips_through_the_registered_crontab_line(string hostile)
    {
        var given = EveryParameterSet("/srv/" + hostile, hostile);
        var plan = Registrar(OSKind.Linux).Plan(Request(given, "/opt/OneFlexTokens/Scripts/Update-OneFlexBot.ps1"));
        var entry = Assert.Single(CrontabEntries.Find(Encoding.UTF8.GetBytes(plan.Text + "\n")));

        // What cron hands sh (its % rule undone), split as sh splits it, read back by the schema.
        var words = PosixShell.Split(CrontabEntries.UnescapeFromCron(entry.Command, out var endsEarly));
        Assert.False(endsEarly);
        var readBack = RenewalRegistrar.RunOptionsOf(words);

        // Cron carries the Docker host as DOCKER_HOST, and the webhook never goes on a line (Register saves it).
        Assert.Equal(given with { DockerHost = null, WebhookUrl = null }, readBack);
        Assert.Contains("DOCKER_HOST=" + given.DockerHost, words!);
        Assert.Equal(readBack, plan.Registration.RunOptions);
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void Every_parameter_round_trips_through_the_registered_task_arguments(string hostile)
    {
        var given = EveryParameterSet("C:\\bots\\" + hostile, hostile);
        var plan = Registrar(OSKind.Windows).Plan(Request(given, "C:\\Modules\\OneFlexTokens\\Scripts\\Update-OneFlexBot.ps1"));

        var words = new[] { plan.Task!.Command }.Concat(WindowsCommandLine.Split(WindowsCommandLine.Join(plan.Task.Arguments))).ToList();
        var readBack = RenewalRegistrar.RunOptionsOf(words);

        Assert.Equal(given with { WebhookUrl = null }, readBack);
        Assert.Equal(readBack, plan.Registration.RunOptions);
    }

    [Fact]
    public void Defaults_stay_off_the_line_and_a_word_that_is_no_renewal_parameter_makes_it_none_of_ours()
    {
        var words = RenewalParameters.LineWords(new RenewalOptions { BotFolder = "/srv/bot" }, dockerHostOnLine: true);

        Assert.Equal(new[] { "-BotFolder", "/srv/bot" }, words);
        Assert.Null(RenewalRegistrar.RunOptionsOf(new[] { "pwsh", "-File", "/x/Scripts/Update-OneFlexBot.ps1", "-BotFolder", "/srv/bot", "-Unknown", "x" }));
    }

    [Theory]
    [InlineData("MinimumValidity", "-1")]
    [InlineData("MinimumValidity", "1.00:00:01")]
    [InlineData("LockTimeout", "0")]
    public void A_duration_out_of_its_range_is_refused_once_with_InvalidTimeout_naming_it(string name, string value)
    {
        var options = RenewalOptions.FromParameters(new System.Collections.Hashtable { ["BotFolder"] = "/srv/bot", [name] = value }, path => path, null);

        var error = Assert.Throws<OneFlexException>(() => RenewalParameters.CheckRanges(options));

        Assert.Equal((ErrorIds.InvalidTimeout, ErrorCategory.InvalidArgument), (error.ErrorId, error.Category));
        Assert.Contains("-" + name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_remote_sign_ins_parameters_come_last_so_that_lines_registered_before_them_stay_the_same()
    {
        var before = new[] { "BotFolder", "MinimumValidity", "ProfilePath", "ProjectDirectory", "BotName", "BaseUrl", "DockerHost", "NoBrowser", "StatePath", "LogPath", "WebhookUrl", "LockTimeout" };
        Assert.Equal(before.Concat(new[] { "RemoteSignIn", "ListenAddress", "PublicUrl", "CertificatePath", "LinkLifetime", "AllowHttp" }), SchemaNames);

        // An older registration's options: not one new word on its line.
        var old = new RenewalOptions { BotFolder = "/srv/bot", NoBrowser = true, LockTimeout = TimeSpan.FromSeconds(60) };
        Assert.Equal(new[] { "-BotFolder", "/srv/bot", "-NoBrowser", "-LockTimeout", "60" }, RenewalParameters.LineWords(old, dockerHostOnLine: true));
        Assert.Null(old.RemoteSignIn);
    }

    [Fact]
    public void RemoteSignIn_gives_the_listener_settings_with_the_scheduled_link_lifetime_by_default()
    {
        var given = RenewalOptions.FromParameters(new System.Collections.Hashtable { ["BotFolder"] = "/b", ["RemoteSignIn"] = new SwitchParameter(true) }, p => p, null);
        var full = RenewalOptions.FromParameters(new System.Collections.Hashtable
        {
            ["BotFolder"] = "/b", ["RemoteSignIn"] = true, ["ListenAddress"] = "0.0.0.0:9443", ["PublicUrl"] = "https://nas.example.ts.net/",
            ["CertificatePath"] = "cert.pem", ["LinkLifetime"] = "02:00:00", ["AllowHttp"] = new SwitchParameter(true),
        }, p => "/full/" + p, null);

        Assert.Equal(new OneFlexTokens.RemoteSignIn.RemoteSignInSettings { LinkLifetime = TimeSpan.FromHours(12) }, given.RemoteSignIn);
        Assert.Equal(new OneFlexTokens.RemoteSignIn.RemoteSignInSettings
        {
            ListenAddress = "0.0.0.0:9443", PublicUrl = "https://nas.example.ts.net/", CertificatePath = "/full/cert.pem", LinkLifetime = TimeSpan.FromHours(2), AllowHttp = true,
        }, full.RemoteSignIn);
        Assert.Equal(new[] { "-BotFolder", "/b", "-RemoteSignIn" }, RenewalParameters.LineWords(given, dockerHostOnLine: true));
        RenewalParameters.CheckRemoteSignIn(full);
    }

    [Theory]
    [InlineData("ListenAddress", "0.0.0.0:8765")]
    [InlineData("PublicUrl", "https://nas.example.ts.net/")]
    [InlineData("CertificatePath", "/srv/cert.pem")]
    [InlineData("LinkLifetime", "3600")]
    [InlineData("AllowHttp", "True")]
    public void A_listener_parameter_without_RemoteSignIn_is_refused_naming_it(string name, string value)
    {
        object given = name == "AllowHttp" ? new SwitchParameter(true) : value;
        var options = RenewalOptions.FromParameters(new System.Collections.Hashtable { ["BotFolder"] = "/srv/bot", [name] = given }, path => path, null);

        var error = Assert.Throws<OneFlexException>(() => RenewalParameters.CheckRemoteSignIn(options));

        Assert.Equal((ErrorIds.RemoteSignInParameterWithoutSwitch, ErrorCategory.InvalidArgument), (error.ErrorId, error.Category));
        Assert.StartsWith($"-{name} sets up the sign-in from a phone, which only -RemoteSignIn starts", error.Message, StringComparison.Ordinal);
        Assert.Equal(name, error.TargetObject);
    }

    [Fact]
    public void The_rule_of_a_listener_parameter_without_RemoteSignIn_names_parameters_that_Get_OneFlexToken_and_the_renewal_both_take()
    {
        var names = OneFlexTokens.RemoteSignIn.RemoteSignInSettings.ParameterNames;
        var getToken = ParametersOf(typeof(GetOneFlexTokenCommand));

        Assert.Equal(5, names.Count);
        Assert.All(names.Append(OneFlexTokens.RemoteSignIn.RemoteSignInSettings.SwitchName), name =>
        {
            Assert.True(getToken.ContainsKey(name), $"Get-OneFlexToken -{name}");
            Assert.True(RenewalParameters.Named(name) is not null, $"renewal -{name}");
        });
    }

    [Fact]
    public void The_rule_refuses_the_first_listener_parameter_given_without_the_switch_and_nothing_with_it()
    {
        var error = Assert.Throws<OneFlexException>(() => OneFlexTokens.RemoteSignIn.RemoteSignInSettings.CheckNeedsSwitch(false, name => name is "LinkLifetime" or "AllowHttp"));

        Assert.Equal((ErrorIds.RemoteSignInParameterWithoutSwitch, ErrorCategory.InvalidArgument, "LinkLifetime"), (error.ErrorId, error.Category, error.TargetObject));
        Assert.Equal("-LinkLifetime sets up the sign-in from a phone, which only -RemoteSignIn starts. Add -RemoteSignIn, or leave -LinkLifetime out.", error.Message);
        OneFlexTokens.RemoteSignIn.RemoteSignInSettings.CheckNeedsSwitch(true, _ => true);
        OneFlexTokens.RemoteSignIn.RemoteSignInSettings.CheckNeedsSwitch(false, _ => false);
    }

    [Theory]
    [InlineData("https://zoe:hunter2@nas.example.ts.net/", ErrorIds.PublicUrlHasUserInfo)]
    [InlineData("https://nas.example.ts.net/?token=hunter2", ErrorIds.InvalidPublicUrl)]
    [InlineData("http://192.168.1.10:8765/", ErrorIds.InsecurePublicUrl)]
    public void A_public_address_that_would_carry_a_secret_or_send_the_password_unencrypted_is_refused_before_it_reaches_a_line(string publicUrl, string errorId)
    {
        var options = new RenewalOptions { BotFolder = "/srv/bot", RemoteSignInEnabled = true, PublicUrl = publicUrl };

        var error = Assert.Throws<OneFlexException>(() => RenewalParameters.CheckRemoteSignIn(options));

        Assert.Equal(errorId, error.ErrorId);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        RenewalParameters.CheckRemoteSignIn(options with { PublicUrl = "http://192.168.1.10:8765/", AllowHttp = true });
    }

    [Fact]
    public void Every_gives_the_minimum_validity_when_none_is_given_and_a_given_one_wins()
    {
        var every = TimeSpan.FromHours(2);
        var defaulted = RenewalOptions.FromParameters(new System.Collections.Hashtable { ["BotFolder"] = "/b" }, p => p, null, RenewalInterval.MinimumValidityFor(every));
        var given = RenewalOptions.FromParameters(new System.Collections.Hashtable { ["BotFolder"] = "/b", ["MinimumValidity"] = 60 }, p => p, null, RenewalInterval.MinimumValidityFor(every));

        Assert.Equal((every, TimeSpan.FromMinutes(1)), (defaulted.MinimumValidity, given.MinimumValidity));
    }

    /// <summary>Options with every schema parameter away from its default, each text holding <paramref name="hostile"/>.</summary>
    private static RenewalOptions EveryParameterSet(string botFolder, string hostile)
    {
        var options = new RenewalOptions
        {
            BotFolder = botFolder,
            MinimumValidity = TimeSpan.FromSeconds(1234),
            BaseUrl = "https://oneflex.example.com/" + Uri.EscapeDataString(hostile),
            ProfilePath = botFolder + "/profile " + hostile,
            NoBrowser = true,
            DockerHost = "tcp://nas.local:2376",
            BotName = "bot " + hostile,
            ProjectDirectory = botFolder + "/compose " + hostile,
            StatePath = botFolder + "/state " + hostile,
            LogPath = botFolder + "/log " + hostile + ".log",
            WebhookUrl = "https://discord.com/api/webhooks/1/secret",
            LockTimeout = TimeSpan.FromSeconds(90.5),
            RemoteSignInEnabled = true,
            ListenAddress = "0.0.0.0:8443 " + hostile,
            PublicUrl = "https://nas.example.ts.net/" + Uri.EscapeDataString(hostile) + "/",
            CertificatePath = botFolder + "/cert " + hostile + ".pem",
            LinkLifetime = TimeSpan.FromHours(6.5),
            AllowHttp = true,
        };
        var defaults = new RenewalOptions { BotFolder = string.Empty };

        // The test covers every parameter, so a new one must be given a value here.
        Assert.All(RenewalParameters.All, p => Assert.NotEqual(p.Get(defaults), p.Get(options)));
        return options;
    }

    private static RenewalRequest Request(RenewalOptions run, string script) => new()
    {
        BotFolder = run.BotFolder,
        Run = run,
        Interval = RenewalInterval.From(TimeSpan.FromMinutes(15)),
        PwshPath = "/opt/power shell/pwsh",
        ScriptPath = script,
        HomeDirectory = "/home/zoë",
    };

    private static RenewalRegistrar Registrar(OSKind os) =>
        RenewalRegistrar.For(new HostPlatform(os, _ => null, os == OSKind.Windows ? "C:\\Users\\zoë" : "/home/zoë") { UserName = "zoë", ReadSystemFile = _ => null },
            null, new CrontabProgram(executable: "/nonexistent/crontab"),
            new TaskSchedulerProgram(_ => throw new InvalidOperationException("schtasks must not run")), () => new DateTime(2026, 12, 3, 9, 41, 27));

    private static Dictionary<string, PropertyInfo> ParametersOf(Type command) =>
        command.GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()).ToDictionary(p => p.Name);

    private static Type TypeOf(RenewalParameterKind kind) => kind switch
    {
        RenewalParameterKind.Switch => typeof(SwitchParameter),
        RenewalParameterKind.Duration => typeof(TimeSpan),
        _ => typeof(string),
    };
}
