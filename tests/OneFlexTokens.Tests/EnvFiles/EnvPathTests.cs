using System.Management.Automation;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>How the cmdlets' path parameters name .env files, through the real engine: PowerShell's path rules, file system only.</summary>
public sealed class EnvPathTests : IDisposable
{
    private const string Refresh = "a1b2c3d4e5f6a7b8c9d0";
    private static readonly string Access = TestJwt.Valid();
    private readonly PowerShellSession _session = new();

    public void Dispose() => _session.Dispose();

    [Fact]
    public void Path_expands_wildcards_and_a_pattern_that_matches_nothing_is_EnvFileNotFound_while_the_other_paths_are_saved()
    {
        var folder = TempEnv.Folder();
        File.WriteAllText(Path.Combine(folder, "a.env"), "A=1\n");
        File.WriteAllText(Path.Combine(folder, "b.env"), "B=2\n");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "x\n");
        var other = Path.Combine(TempEnv.Folder(), ".env");

        var result = _session.Invoke("Save-OneFlexEnv -AccessToken $args[0] -Path $args[1], $args[2], $args[3] -PassThru",
            Access, Path.Combine(folder, "*.env"), Path.Combine(folder, "nomatch*.env"), other);

        Assert.Equal(new[] { Path.Combine(folder, "a.env"), Path.Combine(folder, "b.env"), other }, result.OutputOf<EnvSaveResult>().Select(r => r.Path));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(ErrorIds.EnvFileNotFound + ",", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("-LiteralPath", error.Exception.Message);
        Assert.Equal(new[] { "a.env", "b.env", "notes.txt" }, EnvFileWriterTests.FilesIn(folder));
        Assert.Equal(Access, EnvFileReader.ReadTokens(Path.Combine(folder, "b.env")).AccessToken);
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        SecretAssert.NotLeaked(result, Access);
    }

    [Fact]
    public void Wildcards_match_hidden_files_since_every_env_file_is_one_on_Linux_and_macOS()
    {
        var root = TempEnv.Folder();
        foreach (var bot in new[] { "bot1", "bot2" })
        {
            Directory.CreateDirectory(Path.Combine(root, bot, "config"));
            File.WriteAllText(Path.Combine(root, bot, "config", ".env"), "ONEFLEX_TOKEN=old\n");
        }

        var result = _session.Invoke("Save-OneFlexEnv -AccessToken $args[0] -Path $args[1] -PassThru", Access, Path.Combine(root, "*", "config", ".env"));

        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { Path.Combine(root, "bot1", "config", ".env"), Path.Combine(root, "bot2", "config", ".env") }, result.OutputOf<EnvSaveResult>().Select(r => r.Path));
        Assert.Equal(Access, EnvFileReader.ReadTokens(Path.Combine(root, "bot2", "config", ".env")).AccessToken);
    }

    [Fact]
    public void LiteralPath_and_escaped_wildcards_name_files_whose_names_have_wildcard_characters()
    {
        var folder = TempEnv.Folder();

        var result = _session.Invoke(
            "Save-OneFlexEnv -AccessToken $args[0] -LiteralPath $args[1] -PassThru; Save-OneFlexEnv -AccessToken $args[0] -LP $args[2] -PassThru; Save-OneFlexEnv -AccessToken $args[0] -Path $args[3] -PassThru",
            Access, Path.Combine(folder, "x[1].env"), Path.Combine(folder, "*.env"), Path.Combine(folder, "y`[2`].env"));

        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { "*.env", "x[1].env", "y[2].env" }, EnvFileWriterTests.FilesIn(folder));
        Assert.All(result.OutputOf<EnvSaveResult>(), r => Assert.True(r.Created));
        Assert.Equal(Access, EnvFileReader.ReadTokens(Path.Combine(folder, "x[1].env")).AccessToken);
    }

    [Fact]
    public void Files_from_Get_Item_and_Get_ChildItem_bind_through_PSPath_to_Save_and_Test()
    {
        var folder = TempEnv.Folder();
        File.WriteAllText(Path.Combine(folder, "a[1].env"), "# bot\nONEFLEX_TOKEN=old\n");
        File.WriteAllText(Path.Combine(folder, "b.env"), "DESK=3\n");

        var saved = _session.Invoke("Get-ChildItem -LiteralPath $args[0] | Save-OneFlexEnv -AccessToken $args[1] -RefreshToken $args[2] -PassThru", folder, Access, Refresh);
        var tested = _session.Invoke("Get-Item -LiteralPath $args[0] | Test-OneFlexToken; Get-ChildItem -LiteralPath $args[1] | Test-OneFlexToken -PassThru", Path.Combine(folder, "a[1].env"), folder);

        Assert.Empty(saved.AllErrors);
        Assert.Equal(new[] { Path.Combine(folder, "a[1].env"), Path.Combine(folder, "b.env") }, saved.OutputOf<EnvSaveResult>().Select(r => r.Path));
        Assert.Equal($"# bot\nONEFLEX_TOKEN={Access}\nONEFLEX_REFRESH_TOKEN={Refresh}\n", File.ReadAllText(Path.Combine(folder, "a[1].env")));
        Assert.Empty(tested.AllErrors);
        Assert.Equal(true, tested.Objects.First());
        Assert.Equal(new[] { TokenSource.EnvFile, TokenSource.EnvFile }, tested.OutputOf<OneFlexToken>().Select(t => t.Source));
        SecretAssert.NotLeaked(saved, Access, Refresh);
        SecretAssert.NotLeaked(tested, Access, Refresh);
    }

    [Fact]
    public void A_token_object_with_LiteralPath_and_with_the_default_path_picks_the_right_parameter_set()
    {
        var folder = TempEnv.Folder();
        var token = new OneFlexToken(Access, Refresh, null, TokenSource.Parameter);

        using var session = new PowerShellSession(workingDirectory: folder);
        var result = session.InvokeWith(
            "$token | Save-OneFlexEnv -PassThru; $token | Save-OneFlexEnv -LiteralPath ./lit.env -PassThru", new System.Collections.Hashtable { ["token"] = token });

        Assert.Empty(result.AllErrors);
        Assert.Equal(new[] { Path.Combine(folder, ".env"), Path.Combine(folder, "lit.env") }, result.OutputOf<EnvSaveResult>().Select(r => r.Path));
    }

    [Fact]
    public void PSDrives_work_and_paths_of_other_providers_are_PathNotFileSystem_for_every_cmdlet()
    {
        var folder = TempEnv.Folder();
        var name = "ONEFLEXTOKENS_TEST_" + Guid.NewGuid().ToString("N")[..8];

        var saved = _session.Invoke("$null = New-PSDrive -Name botdrive -PSProvider FileSystem -Root $args[0]; Save-OneFlexEnv -AccessToken $args[1] -Path botdrive:/config/.env -PassThru -Force", folder, Access);
        var refused = _session.Invoke(
            "Save-OneFlexEnv -AccessToken $args[0] -Path Env:/$($args[1]); Save-OneFlexEnv -AccessToken $args[0] -LiteralPath Function:/x.env; Test-OneFlexToken -EnvPath Variable:/x; Get-OneFlexToken -EnvPath Env:/$($args[1]) -NoBrowser",
            Access, name);

        Assert.Empty(saved.AllErrors);
        Assert.Equal(Path.Combine(folder, "config", ".env"), Assert.Single(saved.OutputOf<EnvSaveResult>()).Path);
        Assert.Equal(Access, EnvFileReader.ReadTokens(Path.Combine(folder, "config", ".env")).AccessToken);
        Assert.Equal(4, refused.AllErrors.Count());
        Assert.All(refused.AllErrors, e =>
        {
            Assert.StartsWith(ErrorIds.PathNotFileSystem + ",", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
        });
        Assert.Contains("Environment provider", refused.Errors[0].Exception.Message);
        Assert.Null(Environment.GetEnvironmentVariable(name));
        SecretAssert.NotLeaked(refused, Access);
    }

    [Fact]
    public void EnvPath_takes_wildcard_characters_as_part_of_the_name_and_says_so_when_no_such_file_exists()
    {
        var folder = TempEnv.Folder();
        File.WriteAllText(Path.Combine(folder, "a.env"), $"ONEFLEX_TOKEN={Access}\n");
        File.WriteAllText(Path.Combine(folder, "[a].env"), $"ONEFLEX_TOKEN={Access}\n");

        var result = _session.Invoke("Test-OneFlexToken -EnvPath $args[0]; Test-OneFlexToken -EnvPath $args[1]", Path.Combine(folder, "[a].env"), Path.Combine(folder, "*.env"));

        Assert.Equal(new object[] { true }, result.Objects);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(ErrorIds.EnvFileNotFound + ",", error.FullyQualifiedErrorId);
        Assert.Contains("without expanding wildcards", error.Exception.Message);
    }

    [Fact]
    public void Test_OneFlexToken_explains_a_token_that_a_byte_order_mark_hides_from_the_bot()
    {
        var hidden = TempEnv.WriteBytes(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"ONEFLEX_TOKEN={Access}\nDESK=3\n")).ToArray());
        var missing = TempEnv.Write("DESK=3\n");

        var result = _session.Invoke("Test-OneFlexToken -EnvPath $args[0] -Detailed; Test-OneFlexToken -EnvPath $args[1] -Detailed; Test-OneFlexToken -EnvPath $args[0] -PassThru", hidden, missing);

        var statuses = result.OutputOf<TokenStatus>();
        Assert.Equal(new[] { TokenValidity.Empty, TokenValidity.Empty }, statuses.Select(s => s.Reason));
        Assert.Contains("byte order mark", statuses[0].Message);
        Assert.Contains(hidden, statuses[0].Message);
        Assert.DoesNotContain("byte order mark", statuses[1].Message);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(ErrorIds.TokenEmpty + ",", error.FullyQualifiedErrorId);
        Assert.Contains("byte order mark", error.Exception.Message);
        SecretAssert.NotLeaked(result, Access);
    }
}
