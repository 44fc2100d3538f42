using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Module;

/// <summary>
/// Only what PowerShell needs is public in OneFlexTokens.dll; the rest is internal (tests, benchmarks, the env writer and
/// the engine reach it through InternalsVisibleTo). A new public type fails here until it is added on purpose.
/// </summary>
public sealed partial class PublicSurfaceTests
{
    private static readonly string[] Surface =
    {
        // The cmdlets and their base classes (a public class needs public bases).
        "OneFlexTokens.CmdletSupport.OneFlexCmdlet",
        "OneFlexTokens.Commands.GetOneFlexRenewalCommand",
        "OneFlexTokens.Commands.GetOneFlexTokenCommand",
        "OneFlexTokens.Commands.InvokeOneFlexRenewalCommand",
        "OneFlexTokens.Commands.RegisterOneFlexRenewalCommand",
        "OneFlexTokens.Commands.RenewalParametersCmdlet",
        "OneFlexTokens.Commands.RestartOneFlexBotCommand",
        "OneFlexTokens.Commands.SaveOneFlexEnvCommand",
        "OneFlexTokens.Commands.SendOneFlexNotificationCommand",
        "OneFlexTokens.Commands.TestOneFlexTokenCommand",
        "OneFlexTokens.Commands.UnregisterOneFlexRenewalCommand",
        // Parameter attributes and tab completion.
        "OneFlexTokens.CmdletSupport.TimeoutTransformationAttribute",
        "OneFlexTokens.Docker.ComposeProjectCompleter",
        "OneFlexTokens.Docker.ComposeServiceCompleter",
        "OneFlexTokens.Docker.ContainerNameCompleter",
        // Output types ([OutputType], the format file) and the enums their properties and the parameters take.
        "OneFlexTokens.Docker.BotContainerStatus",
        "OneFlexTokens.EnvFiles.EnvSaveResult",
        "OneFlexTokens.Notifications.NotificationLevel",
        "OneFlexTokens.Notifications.NotificationResult",
        "OneFlexTokens.Notifications.WebhookFormat",
        "OneFlexTokens.Renewal.RenewalOutcome",
        "OneFlexTokens.Renewal.RenewalPlatform",
        "OneFlexTokens.Renewal.RenewalRegistration",
        "OneFlexTokens.Renewal.RenewalResult",
        "OneFlexTokens.Renewal.RenewalRun",
        "OneFlexTokens.Renewal.RenewalStatus",
        "OneFlexTokens.SignIn.BrowserKind",
        "OneFlexTokens.Tokens.OneFlexToken",
        "OneFlexTokens.Tokens.TokenSource",
        "OneFlexTokens.Tokens.TokenStatus",
        "OneFlexTokens.Tokens.TokenValidity",
        // Named in PowerShell: the format file's script blocks and the scheduled script (Scripts/Update-OneFlexBot.ps1).
        "OneFlexTokens.Secrets.DisplayText",
        "OneFlexTokens.Secrets.DurationText",
        "OneFlexTokens.Renewal.ScheduledCheck",
        "OneFlexTokens.Renewal.ScheduledRenewal",
    };

    private static Assembly Module => typeof(OneFlexToken).Assembly;

    [Fact]
    public void Only_the_surface_is_public()
    {
        Assert.Equal(Surface.Order(StringComparer.Ordinal), Module.GetExportedTypes().Select(type => type.FullName!).Order(StringComparer.Ordinal));
    }

    /// <summary>The other way round: each type the module's PowerShell files name is public, or PowerShell cannot find it.</summary>
    [Fact]
    public void Every_type_the_format_file_and_the_scripts_name_is_public()
    {
        var source = Path.Combine(RepoPaths.Root, "src", "OneFlexTokens");
        var texts = Directory.EnumerateFiles(Path.Combine(source, "Scripts"), "*.ps1")
            .Append(Path.Combine(source, "OneFlexTokens.Format.ps1xml"))
            .Select(File.ReadAllText);
        var named = texts.SelectMany(text => TypeName().Matches(text).Select(match => match.Groups["name"].Value)).Distinct().ToList();

        Assert.Contains("OneFlexTokens.Renewal.ScheduledRenewal", named);
        Assert.Contains("OneFlexTokens.Tokens.OneFlexToken", named);
        Assert.All(named, name => Assert.True(Module.GetType(name) is { IsPublic: true }, $"{name} is named in PowerShell but not public"));
    }

    /// <summary>PowerShell needs each cmdlet's output types public to show and format them.</summary>
    [Fact]
    public void Every_output_type_of_a_cmdlet_is_public()
    {
        var cmdlets = Module.GetExportedTypes().Where(type => type.GetCustomAttribute<CmdletAttribute>() is not null).ToList();
        Assert.Equal(9, cmdlets.Count);
        var outputs = cmdlets.SelectMany(cmdlet => cmdlet.GetCustomAttributes<OutputTypeAttribute>())
            .SelectMany(output => output.Type)
            .Select(type => type.Type)
            .OfType<Type>()
            .Where(type => type.Assembly == Module)
            .ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, type => Assert.True(type.IsPublic, $"{type} is an output type but not public"));
    }

    /// <summary>[Namespace.Type] in script text, and a format view's TypeName.</summary>
    [GeneratedRegex(@"(?:\[|<TypeName>)(?<name>OneFlexTokens(?:\.\w+)+)")]
    private static partial Regex TypeName();
}
