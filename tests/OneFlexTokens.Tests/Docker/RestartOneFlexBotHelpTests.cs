using System.Management.Automation;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

public sealed class RestartOneFlexBotHelpTests
{
    [Fact]
    public void Help_describes_every_parameter_and_has_examples()
    {
        using var session = new PowerShellSession();

        var help = session.Invoke("Get-Help Restart-OneFlexBot -Full").ThrowOnError();
        var parameters = session.Invoke("(Get-Command Restart-OneFlexBot).Parameters.Keys").ThrowOnError().Objects.Cast<string>()
            .Except(PSCmdlet.CommonParameters).Except(PSCmdlet.OptionalCommonParameters).ToArray();
        var described = session.Invoke("(Get-Help Restart-OneFlexBot -Full).parameters.parameter | Where-Object { $_.description } | ForEach-Object { $_.name }")
            .ThrowOnError().Objects.Cast<string>().ToArray();
        var examples = session.Invoke("@((Get-Help Restart-OneFlexBot -Full).examples.example).Count").ThrowOnError().Objects.Single();

        Assert.Single(help.Output);
        Assert.Contains("Docker Engine API", help.Output[0].Properties["Synopsis"].Value.ToString());
        Assert.Empty(parameters.Except(described));
        Assert.True((int)examples >= 5);
    }
}
