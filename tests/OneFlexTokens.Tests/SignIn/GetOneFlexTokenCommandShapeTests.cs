using System.Management.Automation;
using System.Reflection;
using OneFlexTokens.Commands;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

public class GetOneFlexTokenCommandShapeTests
{
    [Fact]
    public void Binding_the_cmdlet_needs_no_Playwright_type()
    {
        var members = typeof(GetOneFlexTokenCommand).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Select(p => p.PropertyType)
            .Concat(typeof(GetOneFlexTokenCommand).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Select(f => f.FieldType));
        Assert.DoesNotContain(members, t => t.Assembly.GetName().Name == "Microsoft.Playwright");
        var output = Assert.Single(typeof(GetOneFlexTokenCommand).GetCustomAttributes<OutputTypeAttribute>());
        Assert.Equal(typeof(OneFlexToken), Assert.Single(output.Type).Type);
    }

    [Fact]
    public void Help_describes_every_parameter_with_examples_for_interactive_Task_Scheduler_and_cron()
    {
        using var session = new PowerShellSession();
        var help = Assert.Single(session.Invoke("Get-Help -Name Get-OneFlexToken -Full").Output);
        Assert.StartsWith("Gets fresh OneFlex tokens", help.Properties["Synopsis"].Value.ToString());
        var examples = session.Invoke("(Get-Help -Name Get-OneFlexToken -Full).examples.example | ForEach-Object { $_.title }").Objects.Cast<string>().ToArray();
        Assert.Contains(examples, e => e.Contains("interactively"));
        Assert.Contains(examples, e => e.Contains("Task Scheduler"));
        Assert.Contains(examples, e => e.Contains("cron"));
        var described = session.Invoke("(Get-Help -Name Get-OneFlexToken -Full).parameters.parameter | ForEach-Object { if (($_.description | Out-String).Trim()) { $_.name } }")
            .Objects.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var declared = session.Invoke("(Get-Command Get-OneFlexToken).Parameters.Keys").Objects.Cast<string>()
            .Where(p => !System.Management.Automation.Cmdlet.CommonParameters.Contains(p) && !System.Management.Automation.Cmdlet.OptionalCommonParameters.Contains(p));
        Assert.All(declared, p => Assert.Contains(p, described));
        Assert.Contains("TimeoutSeconds", session.Invoke("(Get-Command Get-OneFlexToken).Parameters['Timeout'].Aliases").Objects.Cast<string>());
    }
}
