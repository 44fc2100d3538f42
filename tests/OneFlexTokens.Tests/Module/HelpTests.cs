using System.Management.Automation;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

public class HelpTests
{
    private static readonly string[] CommonParameters =
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    [Fact]
    public void Every_exported_cmdlet_and_parameter_has_help_with_examples()
    {
        using var session = new PowerShellSession();
        var commands = session.Invoke("(Get-Module OneFlexTokens).ExportedCmdlets.Values").Objects.Cast<CmdletInfo>().ToArray();
        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            var help = Assert.Single(session.Invoke("Get-Help -Name $args[0] -Full", command.Name).Output);
            var synopsis = help.Properties["Synopsis"]?.Value?.ToString()?.Trim();
            Assert.False(string.IsNullOrEmpty(synopsis) || synopsis.StartsWith(command.Name, StringComparison.Ordinal), $"{command.Name} has no synopsis");
            Assert.NotNull(help.Properties["examples"]?.Value);

            var described = session.Invoke(
                "(Get-Help -Name $args[0] -Full).parameters.parameter | ForEach-Object { if (($_.description | Out-String).Trim()) { $_.name } }",
                command.Name).Objects.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in command.Parameters.Keys.Except(CommonParameters))
            {
                Assert.True(described.Contains(parameter), $"{command.Name} -{parameter} has no description in help");
            }
        }
    }
}
