using System.Collections;
using System.Runtime.Versioning;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;
using OneFlexTokens.Tests.EnvFiles;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.Scheduled;
using Xunit;

namespace OneFlexTokens.Tests.Renewal;

/// <summary>
/// Issue 16, findings 1, 4 and two of 8, as they were found: a throwaway account owns the bot folder and attacks,
/// root runs the renewal, Register and Unregister (in this process), or the other way round (the throwaway account runs
/// the module's own code through the EnvWriter helper). Each attack leaves the attacked files byte for byte as they were.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RenewalStateTrustTests : IClassFixture<ThrowawayUser>, IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(1);
    private const string RootWebhook = "https://discord.com/api/webhooks/111/roots-own-secret";

    private readonly ThrowawayUser _user;
    private readonly string _root = Directory.CreateTempSubdirectory("oneflex-trust-").FullName;

    public RenewalStateTrustTests(ThrowawayUser user)
    {
        _user = user;
        // Others may enter (not list or write) the test's folder, so the throwaway account reaches its own bot folder in it.
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Require()
    {
        Requirements.RequireUnix();
        _user.Require();
    }

    /// <summary>A bot folder whose token has an hour left (a run finds nothing due), owned by root or by the throwaway account.</summary>
    private string BotFolder(string name, bool ownedByUser)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(folder, "config"));
        File.WriteAllText(Path.Combine(folder, "config", ".env"), $"ONEFLEX_TOKEN={TestJwt.Create(DateTimeOffset.UtcNow.AddHours(1))}\n");
        if (ownedByUser)
        {
            Root("chown", "-R", $"{_user.Uid}:{_user.Gid}", folder);
        }

        return folder;
    }

    /// <summary>A folder of root's, owner-only, with the files an earlier registration and run of root's left.</summary>
    private string RootsFolder()
    {
        var folder = Path.Combine(_root, "roots-state");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(folder, "sign-in-command.txt"), "Get-OneFlexToken -ProfilePath '/root/profile'\n");
        File.WriteAllText(Path.Combine(folder, RenewalState.WebhookFileName), RootWebhook + "\n");
        File.WriteAllText(Path.Combine(folder, "renewal.log"), "root's own log\n");
        return folder;
    }

    /// <summary>Runs a shell command as the throwaway account; $1, $2 … are <paramref name="args"/>.</summary>
    private void AsUser(string script, params string[] args) => _user.Run(ProcessTimeout, "/bin/sh", new[] { "-c", script, "sh" }.Concat(args).ToArray());

    /// <summary>The module's own code as the throwaway account (EnvWriter's "renewal" command): its one line of output.</summary>
    private string ModuleAsUser(string botFolder, string what) =>
        _user.Run(ProcessTimeout, "dotnet", _user.EnvWriterDll, "renewal", botFolder, what).Trim();

    private static RenewalResult RunAsRoot(string botFolder) =>
        new BotRenewal(HostPlatform.Current).RunAsync(new RenewalOptions { BotFolder = botFolder }, new RenewalCallbacks(), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Every entry under <paramref name="folder"/> with its content (or link target), owner and mode.</summary>
    private static SortedDictionary<string, string> Snapshot(string folder)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var facts = PlatformFiles.Inspect(path);
            var content = facts.Kind switch
            {
                FileKind.SymbolicLink => "-> " + new FileInfo(path).LinkTarget,
                FileKind.Regular => File.ReadAllText(path),
                _ => "",
            };
            entries[Path.GetRelativePath(folder, path)] = $"{facts.Kind} {facts.OwnerId} {facts.Mode} {content}";
        }

        return entries;
    }

    private string UserName => _user.Name!;

    [SkippableFact]
    public void A_state_folder_linked_by_the_bot_folders_owner_to_a_folder_of_roots_is_never_used_by_roots_run_Register_Unregister_or_Get()
    {
        Require();
        var bot = BotFolder("linked state", ownedByUser: true);
        var roots = RootsFolder();
        AsUser("ln -s \"$1\" \"$2\"", roots, Path.Combine(bot, ".oneflextokens"));
        var before = Snapshot(roots);

        // A nothing-due run as root: it created renewal.lock and renewal.log there and deleted sign-in-command.txt.
        var run = RunAsRoot(bot);
        Assert.Equal(RenewalOutcome.Failed, run.Outcome);
        Assert.Equal(ErrorIds.StateNotTrusted, run.ErrorId);
        Assert.Contains(Path.Combine(bot, ".oneflextokens"), run.Message);
        Assert.Contains($"it is a link owned by uid {_user.Uid} ({UserName})", run.Message);
        Assert.Equal(before, Snapshot(roots));

        // Register -WebhookUrl overwrote root's webhook.url through the link; Unregister deleted it.
        var register = Assert.Throws<OneFlexException>(() => RenewalRegistrar.SaveWebhook(bot, "https://discord.com/api/webhooks/222/new"));
        Assert.Equal(ErrorIds.StateNotTrusted, register.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, register.Category);
        var unregister = RenewalRegistrar.RemoveRegistrationState(bot);
        Assert.Contains(ErrorIds.StateNotTrusted, unregister);
        Assert.Contains("left alone", unregister);
        Assert.Equal(before, Snapshot(roots));

        // Get-OneFlexRenewal does not read root's log or sign-in command through the link: an error, no status.
        using var session = new PowerShellSession();
        var status = session.Invoke("Get-OneFlexRenewal -BotFolder $args[0]", bot);
        Assert.Empty(status.Output);
        Assert.Equal(ErrorIds.StateNotTrusted, ModuleErrors.IdOf(Assert.Single(status.Errors)));
        Assert.Equal(before, Snapshot(roots));
    }

    [SkippableFact]
    public async Task A_planted_state_link_does_not_silence_the_alert_each_refused_run_sends_one_and_roots_folder_stays_as_it_was()
    {
        Require();
        var bot = BotFolder("silenced", ownedByUser: true);
        var roots = RootsFolder();
        AsUser("ln -s \"$1\" \"$2\"", roots, Path.Combine(bot, ".oneflextokens"));
        var before = Snapshot(roots);
        await using var webhook = await Notifications.WebhookReceiver.StartAsync();
        var options = new RenewalOptions { BotFolder = bot, WebhookUrl = webhook.Url.ToString() };

        for (var run = 1; run <= 2; run++)
        {
            var result = await new BotRenewal(HostPlatform.Current).RunAsync(options, new RenewalCallbacks(), CancellationToken.None);
            Assert.Equal(ErrorIds.StateNotTrusted, result.ErrorId);
            Assert.True(await webhook.WaitForAsync(run, TimeSpan.FromSeconds(30)), $"run {run} sent no alert");
        }

        Assert.Equal(2, webhook.Received.Count);
        Assert.All(webhook.Received, alert => Assert.Contains(ErrorIds.StateNotTrusted, alert.Body));
        Assert.Equal(before, Snapshot(roots));
    }

    [SkippableFact]
    public void A_state_folder_the_bot_folders_owner_made_is_neither_written_nor_read_by_root()
    {
        Require();
        var bot = BotFolder("planted state", ownedByUser: true);
        var state = Path.Combine(bot, ".oneflextokens");
        AsUser("mkdir \"$1\" && printf '%s\\n' \"$2\" > \"$1/renewal.log\" && printf 'Import-Module /home/x/OneFlexTokens.psd1\\n' > \"$1/sign-in-command.txt\"",
            state, "2026-12-01T10:00:00+00:00 RESULT SignInRequired exit=2 error=InteractiveLoginRequired planted");
        var before = Snapshot(state);

        var run = RunAsRoot(bot);
        Assert.Equal(ErrorIds.StateNotTrusted, run.ErrorId);
        Assert.Contains($"it is owned by uid {_user.Uid} ({UserName}), not by you (root)", run.Message);
        Assert.Equal(before, Snapshot(state));
        Assert.Equal(ErrorIds.StateNotTrusted, Assert.Throws<OneFlexException>(() => RenewalLog.ReadRuns(Path.Combine(state, "renewal.log"))).ErrorId);
        Assert.Equal(ErrorIds.StateNotTrusted, Assert.Throws<OneFlexException>(() => RenewalRegistrar.SaveWebhook(bot, RootWebhook)).ErrorId);
        Assert.Equal(before, Snapshot(state));
    }

    [SkippableFact]
    public void The_scripts_module_not_loadable_fallback_never_follows_a_log_linked_to_a_file_of_roots()
    {
        Require();
        var bot = BotFolder("damaged install", ownedByUser: true);
        var roots = RootsFolder();
        var state = Path.Combine(bot, ".oneflextokens");
        AsUser("mkdir -m 700 \"$1\" && ln -s \"$2\" \"$1/renewal.log\"", state, Path.Combine(roots, "renewal.log"));
        var before = Snapshot(roots);

        var run = RenewalScriptRun.Run(new Hashtable { ["BotFolder"] = bot, ["LogPath"] = Path.Combine(state, "renewal.log"), ["ModulePath"] = Path.Combine(_root, "no module here") });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("ModuleNotLoadable", run.Result.HostText);
        Assert.Contains($"Not logged: '{state}' is owned by uid {_user.Uid} ({UserName})", run.Result.HostText);
        Assert.Equal(before, Snapshot(roots));

        // The same when the link is the log itself in a folder root may use (its own, owner-only): a link is never followed.
        var own = BotFolder("damaged install of roots", ownedByUser: false);
        Directory.CreateDirectory(Path.Combine(own, ".oneflextokens"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(own, ".oneflextokens", "renewal.log"), Path.Combine(roots, "renewal.log"));
        var linked = RenewalScriptRun.Run(new Hashtable { ["BotFolder"] = own, ["LogPath"] = Path.Combine(own, ".oneflextokens", "renewal.log"), ["ModulePath"] = Path.Combine(_root, "no module here") });
        Assert.Equal(1, linked.ExitCode);
        Assert.Contains("renewal.log' is a link", linked.Result.HostText);
        Assert.Equal(before, Snapshot(roots));
    }

    [SkippableFact]
    public void The_fallback_still_logs_in_roots_own_bot_folder_creating_the_folder_and_the_log_owner_only()
    {
        Require();
        var bot = BotFolder("damaged but own", ownedByUser: false);
        var log = Path.Combine(bot, ".oneflextokens", "renewal.log");

        var run = RenewalScriptRun.Run(new Hashtable { ["BotFolder"] = bot, ["LogPath"] = log, ["ModulePath"] = Path.Combine(_root, "no module here") });

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("Not logged", run.Result.HostText);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d RESULT Failed exit=1 error=ModuleNotLoadable .+\n$", run.Log);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(log)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
    }

    [SkippableFact]
    public void Unregister_by_another_account_of_a_bot_folder_of_roots_leaves_roots_webhook_and_says_so_instead_of_failing()
    {
        Require();
        var bot = BotFolder("roots bot", ownedByUser: false);
        RenewalRegistrar.SaveWebhook(bot, RootWebhook);
        var state = Path.Combine(bot, ".oneflextokens");
        var before = Snapshot(state);

        // Another account registered this folder too (no webhook), and unregisters: its line is gone, the webhook is root's.
        var removed = ModuleAsUser(bot, "unregister");

        Assert.StartsWith("The scheduled renewal was removed, but its saved webhook", removed);
        Assert.Contains(Path.Combine(state, "webhook.url"), removed);
        Assert.Contains("denied", removed);
        Assert.Equal(before, Snapshot(state));

        // Root's own Unregister removes it.
        Assert.Null(RenewalRegistrar.RemoveRegistrationState(bot));
        Assert.False(File.Exists(Path.Combine(state, "webhook.url")));
    }

    [SkippableFact]
    public void A_read_only_bot_folder_is_RenewalStateNotWritable_with_the_real_cause()
    {
        Require();
        var bot = BotFolder("read-only", ownedByUser: true);
        AsUser("chmod 555 \"$1\"", bot);

        var run = ModuleAsUser(bot, "run");
        var register = ModuleAsUser(bot, "https://discord.com/api/webhooks/333/users");

        foreach (var refused in new[] { run, register })
        {
            Assert.StartsWith($"{ErrorIds.RenewalStateNotWritable} PermissionDenied ", refused);
            Assert.Contains($"'{Path.Combine(bot, ".oneflextokens")}' is denied", refused);
            Assert.DoesNotContain("Could not find a part of the path", refused);
        }

        Assert.Equal(new[] { "config" }, Directory.GetFileSystemEntries(bot).Select(Path.GetFileName).ToArray());
    }

    [SkippableFact]
    public void Ordinary_bot_folders_still_renew_roots_own_a_users_own_and_a_users_folder_whose_state_root_made()
    {
        Require();
        var roots = BotFolder("roots own", ownedByUser: false);
        Assert.Equal(RenewalOutcome.NothingDue, RunAsRoot(roots).Outcome);
        Assert.Equal(RenewalOutcome.NothingDue, RunAsRoot(roots).Outcome);
        var state = PlatformFiles.Inspect(Path.Combine(roots, ".oneflextokens"));
        Assert.Equal((0u, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), (state.OwnerId!.Value, state.Mode!.Value));
        Assert.Equal(2, RenewalLog.ReadRuns(Path.Combine(roots, ".oneflextokens", "renewal.log")).Count(r => r.Outcome == RenewalOutcome.NothingDue));
        RenewalRegistrar.SaveWebhook(roots, RootWebhook);
        Assert.Equal(RootWebhook, new RenewalState(Path.Combine(roots, ".oneflextokens")).Webhook);

        var users = BotFolder("users own", ownedByUser: true);
        Assert.Equal("done", ModuleAsUser(users, "run"));
        Assert.Equal("done", ModuleAsUser(users, "run"));
        Assert.Equal(_user.Uid, PlatformFiles.Inspect(Path.Combine(users, ".oneflextokens")).OwnerId);
        Assert.Equal(_user.Uid, PlatformFiles.Inspect(Path.Combine(users, ".oneflextokens", "renewal.log")).OwnerId);

        // Root renewing a user's bot folder: the state folder root made is root's, and trusted on every later run.
        var shared = BotFolder("users folder renewed by root", ownedByUser: true);
        Assert.Equal(RenewalOutcome.NothingDue, RunAsRoot(shared).Outcome);
        Assert.Equal(RenewalOutcome.NothingDue, RunAsRoot(shared).Outcome);
        Assert.Equal(0u, PlatformFiles.Inspect(Path.Combine(shared, ".oneflextokens")).OwnerId);
    }

    private static void Root(string program, params string[] args) => Programs.Run(program, args);
}
