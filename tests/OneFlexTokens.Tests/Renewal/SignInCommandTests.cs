using System.Management.Automation.Language;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>The command a human runs to sign in again: read back by PowerShell's own parser, every path comes out whole.</summary>
public class SignInCommandTests
{
    private static readonly HostPlatform Linux = new(OSKind.Linux, _ => null, "/home/jane");

    [Theory]
    [InlineData("/volume1/docker/oneflex")]
    [InlineData("/srv/bot with spaces")]
    [InlineData("/srv/l'été du bot")]
    [InlineData("/srv/typographic ‘quotes’ and ’")]
    [InlineData("/srv/$HOME `n $(whoami); rm -rf /")]
    [InlineData(@"C:\Users\Jane Doe\oneflex")]
    public void Every_value_is_one_literal_argument_to_the_parser(string botFolder)
    {
        var profile = botFolder + "/profile";
        var options = new RenewalOptions { BotFolder = botFolder, ProfilePath = profile, BotName = "bot's name", ModuleManifest = botFolder + "/OneFlexTokens.psd1" };

        var command = SignInCommand.For(options, Linux);

        var ast = Parser.ParseInput(command, out _, out var errors);
        Assert.Empty(errors);
        var pipelines = ast.EndBlock.Statements.Cast<PipelineAst>().ToArray();
        Assert.Equal(2, pipelines.Length);
        Assert.Equal(new[] { "Import-Module", options.ModuleManifest }, Words(pipelines[0].PipelineElements[0]));
        var elements = pipelines[1].PipelineElements.Cast<CommandAst>().ToArray();
        Assert.Equal(new[] { "Get-OneFlexToken", "-ProfilePath", profile }, Words(elements[0]));
        Assert.Equal("Save-OneFlexEnv", elements[1].GetCommandName());
        var paths = Assert.IsType<ArrayLiteralAst>(elements[1].CommandElements[2]).Elements.Cast<StringConstantExpressionAst>().Select(s => s.Value);
        Assert.Equal(new[] { options.RootEnvFile, options.ConfigEnvFile }, paths);
        Assert.Equal(new[] { "Restart-OneFlexBot", "-Name", "bot's name" }, Words(elements[2]));
        Assert.All(ast.FindAll(a => a is ExpandableStringExpressionAst or VariableExpressionAst or SubExpressionAst, true), a => Assert.Fail($"'{a}' would be expanded"));
    }

    [Fact]
    public void The_address_is_given_unless_it_is_the_default_and_the_compose_project_and_engine_are_kept()
    {
        var options = new RenewalOptions
        {
            BotFolder = "/srv/oneflex",
            BaseUrl = "https://oneflex.other.example/some/path",
            ProjectDirectory = "/srv/oneflex",
            DockerHost = "tcp://admin:secret@nas.local:2376",
        };

        var command = SignInCommand.For(options, Linux);

        Assert.Equal(
            "Get-OneFlexToken -ProfilePath '/home/jane/.local/share/OneFlexTokens/browser-profile' -BaseUrl 'https://oneflex.other.example'"
            + " | Save-OneFlexEnv -Path '/srv/oneflex/.env', '/srv/oneflex/config/.env' -PassThru | Restart-OneFlexBot -ProjectDirectory '/srv/oneflex' -DockerHost 'tcp://nas.local:2376'",
            command);
        Assert.DoesNotContain("-BaseUrl", SignInCommand.For(options with { BaseUrl = OneFlexBaseUrl.Default }, Linux));
        var fromEnvironment = new HostPlatform(OSKind.Linux, name => name == OneFlexBaseUrl.EnvironmentVariable ? "https://tenant.example" : null, "/home/jane");
        Assert.Contains("-BaseUrl 'https://tenant.example'", SignInCommand.For(options with { BaseUrl = null }, fromEnvironment));
    }

    private static string[] Words(CommandBaseAst command) =>
        ((CommandAst)command).CommandElements.Select(e => e switch
        {
            StringConstantExpressionAst text => text.Value,
            CommandParameterAst parameter => "-" + parameter.ParameterName,
            _ => throw new InvalidOperationException($"Unexpected element {e}"),
        }).ToArray();
}
