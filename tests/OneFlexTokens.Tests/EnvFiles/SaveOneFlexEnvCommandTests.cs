using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.Versioning;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>Save-OneFlexEnv through the real PowerShell engine.</summary>
public class SaveOneFlexEnvCommandTests
{
    private const string Refresh = "a1b2c3d4e5f6a7b8c9d0";
    private const string Existing = "# Réglages\nDESK_ID=42\nONEFLEX_TOKEN=old # renouvelé\n";
    private static readonly string Access = Jwt(DateTimeOffset.UtcNow.AddMinutes(15));

    private static string Jwt(DateTimeOffset expires)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{Part($"{{\"sub\":\"u1\",\"exp\":{expires.ToUnixTimeSeconds()}}}")}.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    }

    private static OneFlexToken Token(string? refresh = Refresh) => new(Access, refresh, "https://oneflex.example", TokenSource.Browser);

    private static Hashtable With(object token) => new() { ["token"] = token };

    [Fact]
    public void Pipeline_token_is_saved_to_each_path_and_PassThru_reports_each_file()
    {
        var existing = TempEnv.Write(Existing);
        var created = Path.Combine(TempEnv.Folder(), "config", ".env");
        using var session = new PowerShellSession();

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0], $args[1] -PassThru -Force", With(Token()), existing, created);

        Assert.Empty(result.AllErrors);
        var reports = result.OutputOf<EnvSaveResult>();
        Assert.Equal(2, reports.Count);
        Assert.Equal(existing, reports[0].Path);
        Assert.False(reports[0].Created);
        Assert.Equal(new[] { EnvKeys.AccessToken }, reports[0].KeysUpdated);
        Assert.Equal(new[] { EnvKeys.RefreshToken }, reports[0].KeysAdded);
        Assert.True(reports[1].Created);
        Assert.Equal($"# Réglages\nDESK_ID=42\nONEFLEX_TOKEN={Access} # renouvelé\nONEFLEX_REFRESH_TOKEN={Refresh}\n", File.ReadAllText(existing));
        Assert.Equal(new EnvTokens(Access, Refresh), EnvFileReader.ReadTokens(created));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void Parameters_and_objects_with_token_properties_bind()
    {
        var path = TempEnv.Write(Existing);
        using var session = new PowerShellSession();

        var result = session.Invoke("Save-OneFlexEnv -AccessToken $args[0] -Path $args[1]", Access, path);
        Assert.Empty(result.AllErrors);
        Assert.Equal(new EnvTokens(Access, null), EnvFileReader.ReadTokens(path));
        SecretAssert.NotLeaked(result, Access);

        var other = Jwt(DateTimeOffset.UtcNow.AddMinutes(30));
        result = session.Invoke("[pscustomobject]@{ AccessToken = $args[0]; RefreshToken = $args[1] } | Save-OneFlexEnv -Path $args[2] -PassThru", other, Refresh, path);
        Assert.Empty(result.AllErrors);
        Assert.Equal(new EnvTokens(other, Refresh), EnvFileReader.ReadTokens(path));
        Assert.Single(result.OutputOf<EnvSaveResult>());
        SecretAssert.NotLeaked(result, other, Refresh);
    }

    [Fact]
    public void Default_path_is_dotenv_in_the_PowerShell_location_not_the_process_directory()
    {
        var folder = TempEnv.Folder();
        using var session = new PowerShellSession(workingDirectory: folder);

        var result = session.InvokeWith("$token | Save-OneFlexEnv", With(Token()));

        Assert.Empty(result.AllErrors);
        Assert.NotEqual(Path.GetFullPath(folder), Path.GetFullPath(Environment.CurrentDirectory));
        Assert.Equal(new EnvTokens(Access, Refresh), EnvFileReader.ReadTokens(Path.Combine(folder, ".env")));
        Assert.Empty(result.Output);
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void WhatIf_names_each_file_it_would_change_and_changes_none()
    {
        var existing = TempEnv.Write(Existing);
        var missing = Path.Combine(TempEnv.Folder(), "new", ".env");
        using var session = new PowerShellSession();

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0], $args[1] -WhatIf -PassThru -Force", With(Token()), existing, missing);

        Assert.Empty(result.AllErrors);
        Assert.Contains($"What if: Performing the operation \"Update {EnvKeys.AccessToken}; add {EnvKeys.RefreshToken}\" on target \"{existing}\"", result.HostText);
        Assert.Contains($"What if: Performing the operation \"Create the file with {EnvKeys.AccessToken}, {EnvKeys.RefreshToken}\" on target \"{missing}\"", result.HostText);
        Assert.Empty(result.Output);
        Assert.Equal(Existing, File.ReadAllText(existing));
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
        Assert.Equal(new[] { ".env" }, EnvFileWriterTests.FilesIn(Path.GetDirectoryName(existing)!));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void A_missing_folder_refuses_the_whole_save_naming_the_nearest_folder_and_Force_creates_it()
    {
        var existing = TempEnv.Write(Existing);
        var bot = Path.GetDirectoryName(existing)!;
        var typo = Path.Combine(bot, "confg", ".env");
        using var session = new PowerShellSession();

        foreach (var whatIf in new[] { "", " -WhatIf" })
        {
            var result = session.InvokeWith($"try {{ $token | Save-OneFlexEnv -Path $args[0], $args[1] -PassThru{whatIf}; 'went on' }} catch {{ $_ }}", With(Token()), existing, typo);

            var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Objects));
            Assert.Equal("EnvFolderNotFound,OneFlexTokens.Commands.SaveOneFlexEnvCommand", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, record.CategoryInfo.Category);
            Assert.Equal(typo, record.TargetObject);
            Assert.Equal(
                $"The folder '{Path.Combine(bot, "confg")}' of '{typo}' does not exist (the nearest folder that does is '{bot}'), so nothing was saved, to this file or any other. Check the path for a typo, or add -Force to create the folder.",
                record.Exception.Message);
            Assert.DoesNotContain("What if", result.HostText);
            Assert.Equal(Existing, File.ReadAllText(existing));
            Assert.False(Directory.Exists(Path.GetDirectoryName(typo)));
        }

        var forced = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0], $args[1] -PassThru -Force", With(Token()), existing, typo);

        Assert.Empty(forced.AllErrors);
        Assert.Equal(new[] { existing, typo }, forced.OutputOf<EnvSaveResult>().Select(r => r.Path));
        Assert.Equal(new EnvTokens(Access, Refresh), EnvFileReader.ReadTokens(typo));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(typo)!));
        }
    }

    [Fact]
    public void Each_missing_folder_is_named_and_the_last_ends_the_pipeline_before_the_next_command()
    {
        var root = TempEnv.Folder();
        var first = Path.Combine(root, "a", "b", ".env");
        var second = Path.Combine(root, "c", ".env");
        using var session = new PowerShellSession();

        var result = session.InvokeWith("try { $token | Save-OneFlexEnv -Path $args[0], $args[1] -PassThru | ForEach-Object { 'next command ran' } } catch { $_ }", With(Token()), first, second);

        var written = Assert.Single(result.Errors);
        Assert.Equal(ErrorIds.EnvFolderNotFound, ModuleErrors.IdOf(written));
        Assert.Equal(first, written.TargetObject);
        Assert.Contains($"the nearest folder that does is '{root}'", written.Exception.Message);
        var terminating = Assert.IsType<ErrorRecord>(Assert.Single(result.Objects));
        Assert.Equal(second, terminating.TargetObject);
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void WhatIfPreference_and_ConfirmPreference_are_honoured_like_the_switches()
    {
        var path = TempEnv.Write(Existing);
        using var session = new PowerShellSession();
        session.Host.ChoiceAnswers.Enqueue("No");

        var result = session.InvokeWith(
            "$p = $args[0]; & { $WhatIfPreference = $true; $token | Save-OneFlexEnv -Path $p }; & { $ConfirmPreference = 'Medium'; $token | Save-OneFlexEnv -Path $p }",
            With(Token()), path);

        Assert.Empty(result.AllErrors);
        Assert.Contains($"What if: Performing the operation \"Update {EnvKeys.AccessToken}; add {EnvKeys.RefreshToken}\" on target \"{path}\"", result.HostText);
        Assert.Contains("CHOICE:", result.HostText);
        Assert.Equal(Existing, File.ReadAllText(path));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void Confirm_answered_no_changes_nothing()
    {
        var path = TempEnv.Write(Existing);
        using var session = new PowerShellSession();
        session.Host.ChoiceAnswers.Enqueue("No");

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0] -Confirm", With(Token()), path);

        Assert.Empty(result.AllErrors);
        Assert.Contains("CHOICE:", result.HostText);
        Assert.Equal(Existing, File.ReadAllText(path));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void A_failing_path_writes_an_error_and_the_other_paths_are_saved()
    {
        var folder = TempEnv.Folder();
        var good = TempEnv.Write(Existing);
        using var session = new PowerShellSession();

        var result = session.InvokeWith("try { $token | Save-OneFlexEnv -Path $args[0], $args[1] -PassThru } catch { 'stopped' }", With(Token()), folder, good);

        var error = Assert.Single(result.Errors);
        Assert.DoesNotContain("stopped", result.Objects);
        Assert.Null(result.Terminating);
        Assert.Equal("EnvPathIsDirectory,OneFlexTokens.Commands.SaveOneFlexEnvCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(folder, error.TargetObject);
        Assert.Equal(good, Assert.Single(result.OutputOf<EnvSaveResult>()).Path);
        Assert.Equal(new EnvTokens(Access, Refresh), EnvFileReader.ReadTokens(good));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void An_unsafe_value_ends_the_command_before_any_file_is_written()
    {
        var path = TempEnv.Write(Existing);
        var missing = Path.Combine(TempEnv.Folder(), ".env");
        const string bad = "abc123\nINJECTED=1";
        using var session = new PowerShellSession();

        var result = session.Invoke(
            "try { Save-OneFlexEnv -AccessToken $args[0] -RefreshToken $args[1] -Path $args[2], $args[3]; 'went on' } catch { $_ }",
            Access, bad, missing, path);

        var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Objects));
        Assert.Equal("UnsafeTokenValue,OneFlexTokens.Commands.SaveOneFlexEnvCommand", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, record.CategoryInfo.Category);
        Assert.Contains("line feed", record.Exception.Message);
        Assert.False(File.Exists(missing));
        Assert.Equal(Existing, File.ReadAllText(path));
        SecretAssert.NotLeaked(result, Access, bad);
    }

    [Fact]
    public void No_token_at_all_is_NoTokenInput()
    {
        var folder = TempEnv.Folder();
        using var session = new PowerShellSession(workingDirectory: folder);

        var result = session.Invoke("try { Save-OneFlexEnv; 'went on' } catch { $_ }");

        var record = Assert.IsType<ErrorRecord>(Assert.Single(result.Objects));
        Assert.Equal("NoTokenInput,OneFlexTokens.Commands.SaveOneFlexEnvCommand", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Read_only_file_is_a_PermissionDenied_error_and_stays_as_it_was()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Existing);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        using var session = new PowerShellSession();

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0]", With(Token()), path);

        var error = Assert.Single(result.Errors);
        Assert.Equal("EnvFileNotWritable,OneFlexTokens.Commands.SaveOneFlexEnvCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Equal(Existing, File.ReadAllText(path));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void Warns_when_the_file_is_in_a_git_work_tree_and_not_ignored_and_only_then()
    {
        var repo = TempEnv.Folder();
        Git(repo, "init", "-q");
        var inRepo = Path.Combine(repo, "bot", ".env");
        var outside = Path.Combine(TempEnv.Folder(), ".env");
        using var session = new PowerShellSession();

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0], $args[1] -Force", With(Token()), inRepo, outside);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains(inRepo, warning);
        Assert.Contains(".gitignore", warning);
        SecretAssert.NotLeaked(result, Access, Refresh);

        File.WriteAllText(Path.Combine(repo, ".gitignore"), "*.env\n.env\n");
        result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0], $args[1]", With(Token()), inRepo, outside);
        Assert.Empty(result.Warnings);
        Assert.Empty(result.AllErrors);
    }

    [Fact]
    public void A_repository_fsmonitor_command_never_runs_while_its_excludes_file_still_counts()
    {
        var repo = TempEnv.Folder();
        var marker = Path.Combine(TempEnv.Folder(), "fsmonitor-ran");
        Git(repo, "init", "-q");
        File.WriteAllText(Path.Combine(repo, "tracked.txt"), "x\n");
        Git(repo, "add", "tracked.txt");
        var excludes = Path.Combine(TempEnv.Folder(), "excludes");
        File.WriteAllText(excludes, "ignored/\n");
        Git(repo, "config", "core.excludesFile", excludes);
        Git(repo, "config", "core.fsmonitor", $"touch '{marker}'; echo");
        var exposed = Path.Combine(repo, ".env");
        var ignored = Path.Combine(repo, "ignored", ".env");
        using var session = new PowerShellSession();

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0], $args[1] -Force", With(Token()), exposed, ignored);

        Assert.Empty(result.AllErrors);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains(exposed, warning);
        Assert.Contains("git does not ignore it", warning);
        Assert.False(File.Exists(marker), "git ran the repository's core.fsmonitor command");

        // A plain git call in the same repository runs it: the setting is live, and the module turned it off.
        Assert.Equal(1, GitExitCode(repo, "check-ignore", "-q", "--", exposed));
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public void Saving_the_same_token_again_reports_no_change_and_shows_no_WhatIf()
    {
        var path = TempEnv.Write(Existing);
        using var session = new PowerShellSession();
        session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0]", With(Token()), path).ThrowOnError();
        var bytes = File.ReadAllBytes(path);

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0] -PassThru -WhatIf -Verbose", With(Token()), path);

        var report = Assert.Single(result.OutputOf<EnvSaveResult>());
        Assert.False(report.Changed);
        Assert.DoesNotContain("What if:", result.HostText);
        Assert.Contains(result.Verbose, line => line.Contains("Already up to date"));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [Fact]
    public void Result_objects_display_through_the_module_view_without_tokens()
    {
        var path = TempEnv.Write(Existing);
        using var session = new PowerShellSession();

        var result = session.InvokeWith("$token | Save-OneFlexEnv -Path $args[0] -PassThru | Format-Table | Out-String -Width 300", With(Token()), path);

        Assert.Empty(result.AllErrors);
        var text = string.Concat(result.Objects.Select(o => o.ToString()));
        Assert.Contains("Updated", text);
        Assert.Contains("Added", text);
        Assert.Contains(EnvKeys.AccessToken, text);
        Assert.Contains(path, text);
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Ctrl_C_stops_a_save_waiting_for_the_lock_and_the_file_stays_as_it_was()
    {
        Requirements.RequireUnix();
        var path = TempEnv.Write(Existing);
        using var session = new PowerShellSession();
        using var held = new FlockHolder(Path.GetDirectoryName(path)!);
        using var waiting = new ManualResetEventSlim();

        var script = session.Start("$token | Save-OneFlexEnv -Path $args[0] -Verbose", With(Token()), path);
        void Check()
        {
            if (script.PowerShell.Streams.Verbose.ToArray().Any(v => v.Message.Contains("waiting for another save")))
            {
                waiting.Set();
            }
        }

        script.PowerShell.Streams.Verbose.DataAdded += (_, _) => Check();
        Check();
        Assert.True(waiting.Wait(TimeSpan.FromSeconds(20)), "the save did not wait for the lock");
        script.Stop();
        var result = script.Wait(TimeSpan.FromSeconds(10));

        Assert.Equal(PSInvocationState.Stopped, script.State);
        Assert.Equal(Existing, File.ReadAllText(path));
        SecretAssert.NotLeaked(result, Access, Refresh);
    }

    private static void Git(string folder, params string[] args) => Assert.Equal(0, GitExitCode(folder, args));

    private static int GitExitCode(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(folder);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        git.WaitForExit();
        return git.ExitCode;
    }
}
