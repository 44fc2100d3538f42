using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using Xunit;

namespace OneFlexTokens.Tests.Docker;

public sealed class ComposeProjectTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-compose-").FullName;

    private static HostPlatform Platform(params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        return new HostPlatform(OSKind.Linux, name => variables.GetValueOrDefault(name), "/home/ann");
    }

    private string Folder(string name, string? composeFile = "compose.yaml", string content = "services:\n  bot:\n    image: bot\n")
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        if (composeFile is not null)
        {
            File.WriteAllText(Path.Combine(folder, composeFile), content);
        }

        return folder;
    }

    [Theory]
    [InlineData("oneflex", "oneflex")]
    [InlineData("OneFlex", "oneflex")]
    [InlineData("My.OneFlex Bot", "myoneflexbot")]
    [InlineData("_-.bot_v2-", "bot_v2-")]
    [InlineData("Bureau-Réservé", "bureau-rserv")]
    [InlineData("...", "")]
    public void Normalise_keeps_what_docker_compose_keeps(string name, string expected) =>
        Assert.Equal(expected, ComposeProject.Normalise(name));

    [Theory]
    [InlineData("name: oneflex\n", "oneflex")]
    [InlineData("name: oneflex # the bot\nservices: {}\n", "oneflex")]
    [InlineData("# name: commented\nname: \"quoted # not a comment\"\n", "quoted # not a comment")]
    [InlineData("name: 'it''s'\n", "it's")]
    [InlineData("services:\n  bot:\n    name: nested\n", null)]
    [InlineData("names: other\nname:\tspaced  \r\n", "spaced")]
    [InlineData("name:\n", null)]
    [InlineData("services: {}\n", null)]
    public void ReadTopLevelName_reads_only_the_top_level_key(string yaml, string? expected) =>
        Assert.Equal(expected, ComposeFile.ReadTopLevelName(yaml));

    [Theory]
    [InlineData("compose.yaml")]
    [InlineData("compose.yml")]
    [InlineData("docker-compose.yaml")]
    [InlineData("docker-compose.yml")]
    public void Each_compose_file_name_is_found(string file) =>
        Assert.Equal("bot", ComposeProject.NameFor(Platform(), Folder("Bot-" + file.Replace(".", ""), file, "name: bot\n")));

    [Fact]
    public void Compose_yaml_comes_before_docker_compose_yml()
    {
        var folder = Folder("both", "docker-compose.yml", "name: legacy\n");
        File.WriteAllText(Path.Combine(folder, "compose.yaml"), "name: current\n");

        Assert.Equal("current", ComposeProject.NameFor(Platform(), folder));
    }

    [Fact]
    public void Without_a_name_key_the_folder_name_is_normalised()
    {
        Assert.Equal("myoneflex_bot", ComposeProject.NameFor(Platform(), Folder("My.OneFlex_Bot")));
    }

    [Fact]
    public void COMPOSE_PROJECT_NAME_wins_like_in_docker_compose_from_the_environment_then_the_folder_env_file()
    {
        var folder = Folder("withenv", content: "name: fromfile\n");
        Assert.Equal("fromfile", ComposeProject.NameFor(Platform(), folder));

        File.WriteAllText(Path.Combine(folder, ".env"), "ONEFLEX_TOKEN=abc\nCOMPOSE_PROJECT_NAME=\"FromDotEnv\" # compose reads it\n");
        Assert.Equal("fromdotenv", ComposeProject.NameFor(Platform(), folder));

        Assert.Equal("fromenvironment", ComposeProject.NameFor(Platform(("COMPOSE_PROJECT_NAME", "fromenvironment")), folder));
    }

    [SkippableFact]
    public void The_folder_env_file_is_read_by_the_one_env_reader_under_its_file_policy()
    {
        Harness.Requirements.RequireUnix();
        var folder = Folder("policy", content: "name: fromfile\n");
        var elsewhere = Folder("elsewhere", composeFile: null);
        File.WriteAllText(Path.Combine(elsewhere, "other.env"), "COMPOSE_PROJECT_NAME=Elsewhere\n");
        File.CreateSymbolicLink(Path.Combine(folder, ".env"), Path.Combine(elsewhere, "other.env"));
        Assert.Equal("elsewhere", ComposeProject.NameFor(Platform(), folder));

        // A FIFO in place of the .env: refused at once with the policy's id, never opened (reading it would block).
        File.Delete(Path.Combine(folder, ".env"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(folder, ".env"))!)
        {
            Assert.True(mkfifo.WaitForExit(30_000) && mkfifo.ExitCode == 0, "mkfifo failed");
        }

        var failure = Assert.Throws<OneFlexException>(() => ComposeProject.NameFor(Platform(), folder));
        Assert.Equal(ErrorIds.EnvFileNotRegular, failure.ErrorId);

        // The environment still wins without the file being read.
        Assert.Equal("fromenvironment", ComposeProject.NameFor(Platform(("COMPOSE_PROJECT_NAME", "fromenvironment")), folder));
    }

    [Fact]
    public void A_folder_without_a_compose_file_is_ComposeFileNotFound()
    {
        var folder = Folder("empty", composeFile: null);

        var failure = Assert.Throws<OneFlexException>(() => ComposeProject.NameFor(Platform(), folder));

        Assert.Equal(ErrorIds.ComposeFileNotFound, failure.ErrorId);
        Assert.Contains("compose.yaml", failure.Message);
        Assert.Equal(ErrorIds.ComposeFileNotFound, Assert.Throws<OneFlexException>(() => ComposeProject.NameFor(Platform(), Path.Combine(_root, "missing"))).ErrorId);
    }

    [Fact]
    public void A_project_name_without_letters_or_digits_is_ComposeProjectNameInvalid_not_a_missing_file()
    {
        var fromFolder = Assert.Throws<OneFlexException>(() => ComposeProject.NameFor(Platform(), Folder("___")));
        var fromFile = Assert.Throws<OneFlexException>(() => ComposeProject.NameFor(Platform(), Folder("named", content: "name: '...'\n")));

        Assert.All(new[] { fromFolder, fromFile }, failure =>
        {
            Assert.Equal(ErrorIds.ComposeProjectNameInvalid, failure.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, failure.Category);
            Assert.Contains("-ComposeProject", failure.Message);
        });
        Assert.Contains("'...'", fromFile.Message);
    }

    [Fact]
    public void Selection_by_project_accepts_the_unnormalised_name_and_filters_services()
    {
        var bot = new BotContainer("a1", "oneflex-bot-1", "oneflex", "bot", "running", null);
        var db = new BotContainer("b2", "oneflex-db-1", "oneflex", "db", "running", null);
        var other = new BotContainer("c3", "other-bot-1", "other", "bot", "exited", null);

        Assert.Equal(new[] { bot, db }, new[] { bot, db, other }.Where(BotSelection.ByProject("OneFlex", null).Matches));
        Assert.Equal(new[] { bot }, new[] { bot, db, other }.Where(BotSelection.ByProject("oneflex", new[] { "BOT" }).Matches));
        Assert.Equal(new[] { "cache" }, BotSelection.ByProject("oneflex", new[] { "bot", "cache" }).Unmatched(new[] { bot }));
    }

    [Fact]
    public void Selection_by_name_takes_exact_names_wildcards_and_id_prefixes()
    {
        var bot = new BotContainer("0123456789abcdef0123", "oneflex-bot", null, null, "running", null);
        var other = new BotContainer("fedcba9876543210fedc", "oneflex-bot-old", null, null, "exited", null);

        Assert.Equal(new[] { bot }, new[] { bot, other }.Where(BotSelection.ByName(new[] { "oneflex-bot" }).Matches));
        Assert.Equal(new[] { bot, other }, new[] { bot, other }.Where(BotSelection.ByName(new[] { "oneflex-*" }).Matches));
        Assert.Equal(new[] { other }, new[] { bot, other }.Where(BotSelection.ByName(new[] { "fedcba987654" }).Matches));
        Assert.Equal(new[] { "nope" }, BotSelection.ByName(new[] { "oneflex-bot", "nope", "x*" }).Unmatched(new[] { bot }));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
