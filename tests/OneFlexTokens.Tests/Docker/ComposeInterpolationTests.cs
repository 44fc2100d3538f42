using System.Management.Automation;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

/// <summary>Interpolation and flow-style YAML, with the examples of the compose specification (interpolation.md, the YAML it shows).</summary>
public sealed class ComposeInterpolationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-interpolation-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // The specification's variables: VARIABLE unset, EMPTY set to "", FOO set.
    private static string? Lookup(string name) => name switch
    {
        "EMPTY" => "",
        "FOO" => "foo",
        "TAG" => "v1.5",
        _ => null,
    };

    private static string Interpolate(string text) => ComposeInterpolation.Interpolate(text, Lookup, "compose.yaml (name:)");

    [Theory]
    // "Direct substitution"
    [InlineData("$FOO", "foo")]
    [InlineData("${FOO}", "foo")]
    [InlineData("webapp:${TAG}", "webapp:v1.5")]
    // "Default value": :- for unset or empty, - for unset only
    [InlineData("${VARIABLE:-default}", "default")]
    [InlineData("${EMPTY:-default}", "default")]
    [InlineData("${VARIABLE-default}", "default")]
    [InlineData("${EMPTY-default}", "")]
    [InlineData("${FOO:-default}", "foo")]
    // "Alternative value"
    [InlineData("${FOO:+replacement}", "replacement")]
    [InlineData("${EMPTY:+replacement}", "")]
    [InlineData("${EMPTY+replacement}", "replacement")]
    [InlineData("${VARIABLE+replacement}", "")]
    // Nested, as the specification lists them
    [InlineData("${VARIABLE:-${FOO}}", "foo")]
    [InlineData("${VARIABLE?$FOO}", null)]
    [InlineData("${VARIABLE:-${FOO:-default}}", "foo")]
    [InlineData("${VARIABLE:-${UNSET:-default}}", "default")]
    // "$$" is a literal dollar; an unset variable without a default is empty
    [InlineData("echo $$VAR_NOT_INTERPOLATED", "echo $VAR_NOT_INTERPOLATED")]
    [InlineData("${UNSET}x", "x")]
    [InlineData("cost: 5 $", "cost: 5 $")]
    public void The_specifications_forms_give_what_compose_gives(string text, string? expected)
    {
        if (expected is null)
        {
            var failure = Assert.Throws<OneFlexException>(() => Interpolate(text));
            Assert.Equal(ErrorIds.ComposeInterpolationFailed, failure.ErrorId);
            Assert.Contains("VARIABLE is required", failure.Message);
            Assert.Contains("(foo)", failure.Message);
            return;
        }

        Assert.Equal(expected, Interpolate(text));
    }

    [Theory]
    [InlineData("${VARIABLE:?err}", "VARIABLE is required")]
    [InlineData("${EMPTY:?must be set}", "EMPTY is required")]
    [InlineData("${FOO", "never closed")]
    [InlineData("${}", "not followed by a variable name")]
    [InlineData("${FOO:x}", "not followed by a variable name")]
    [InlineData("${A:-${B:-${C:-${D:-${E:-${F:-${G:-${H:-${I:-${J:-${K:-${L:-${M:-${N:-${O:-${P:-${Q:-${R:-x}}}}}}}}}}}}}}}}}}", "nest too deeply")]
    public void A_malformed_reference_or_a_required_variable_is_ComposeInterpolationFailed(string text, string reason)
    {
        var failure = Assert.Throws<OneFlexException>(() => Interpolate(text));

        Assert.Equal(ErrorIds.ComposeInterpolationFailed, failure.ErrorId);
        Assert.Equal(ErrorCategory.InvalidData, failure.Category);
        Assert.Contains(reason, failure.Message);
        Assert.Contains("compose.yaml (name:)", failure.Message);
    }

    [Theory]
    // The issue's own case: docker compose makes 'oneflex' of it, not 'project_name-oneflex'.
    [InlineData("name: \"${PROJECT_NAME:-oneflex}\"\nservices:\n  bot:\n    image: bot\n", "", "oneflex")]
    [InlineData("name: ${PROJECT_NAME:-oneflex}\n", "PROJECT_NAME=desk\n", "desk")]
    [InlineData("name: bot-$${HOME}\n", "", "bot-home")]
    [InlineData("name: ${SITE}-${STAGE-prod}\n", "SITE=Paris\n", "paris-prod")]
    public void The_project_name_is_interpolated_from_the_environment_and_the_projects_env(string compose, string dotEnv, string expected)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "bot")).FullName;
        File.WriteAllText(Path.Combine(folder, "compose.yaml"), compose);
        File.WriteAllText(Path.Combine(folder, ".env"), dotEnv);

        Assert.Equal(expected, ComposeProject.NameFor(new HostPlatform(OSKind.Linux, _ => null, "/home/ann"), folder));
    }

    [Fact]
    public void The_environment_wins_over_the_projects_env_and_a_variable_set_empty_is_set()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "bot")).FullName;
        File.WriteAllText(Path.Combine(folder, "compose.yaml"), "name: ${SITE-fromdefault}${STAGE:-x}\n");
        File.WriteAllText(Path.Combine(folder, ".env"), "SITE=fromfile\nSTAGE=fromfile\n");
        var environment = new Dictionary<string, string> { ["SITE"] = "", ["STAGE"] = "env" };

        Assert.Equal("env", ComposeProject.NameFor(new HostPlatform(OSKind.Linux, environment.GetValueOrDefault, "/home/ann"), folder));
    }

    [Theory]
    // Flow style, as YAML allows it and as JSON compose files are written.
    [InlineData("services: {bot: {image: bot}, web: {image: nginx, ports: ['80:80']}}\n", "bot,web", null)]
    [InlineData("name: oneflex\nservices: {\n  bot: { image: bot },  # the bot\n  \"notifier\": {image: n}\n}\nvolumes: {}\n", "bot,notifier", "oneflex")]
    [InlineData("{\"name\": \"oneflex\", \"services\": {\"bot\": {\"image\": \"bot\", \"command\": [\"a\", \"b\"]}, \"db\": {}}}", "bot,db", "oneflex")]
    [InlineData("# comment\n{name: 'it''s', services: {bot: , web}}\n", "bot,web", "it's")]
    [InlineData("services: {bot: {image: bot}\n", "", null)]
    [InlineData("services: {'bad name': {}, ok: {}}\n", "ok", null)]
    public void Flow_style_services_and_names_are_read(string yaml, string services, string? name)
    {
        Assert.Equal(services, string.Join(",", ComposeFile.ReadServiceNames(yaml)));
        Assert.Equal(name, ComposeFile.ReadTopLevelName(yaml));
    }

    [Fact]
    public void Deeply_nested_flow_collections_give_nothing_rather_than_a_stack_overflow()
    {
        var yaml = "services: {bot: " + new string('[', 100_000) + new string(']', 100_000) + "}\n";

        Assert.Empty(ComposeFile.ReadServiceNames(yaml));
    }
}
