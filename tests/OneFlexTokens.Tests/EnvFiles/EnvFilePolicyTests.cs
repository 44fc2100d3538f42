using System.Management.Automation;
using System.Runtime.Versioning;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// The .env file policy on real files, run as this process's user (root on CI, where device nodes and other owners
/// can be made): hostile targets are refused by saving, saving with -WhatIf and reading (-EnvPath) alike, each
/// with its own error id, quickly, with bounded memory, and with nothing on disk changed; fine targets keep their
/// owner, group and mode. <see cref="EnvFileUnprivilegedTests"/> runs the same code as a user who is not root.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class EnvFilePolicyTests
{
    private const uint Bot = 1000;
    private const uint Other = 2000;
    private const string Original = "# Réglages du bot\nDESK_ID=42\nONEFLEX_TOKEN=old\n";
    private const UnixFileMode Mode640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(2);

    private static readonly List<KeyValuePair<string, string>> Tokens = new()
    {
        new(EnvKeys.AccessToken, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
        new(EnvKeys.RefreshToken, "0123456789abcdef0123"),
    };

    private static void RequireRoot()
    {
        Requirements.RequireUnix();
        Requirements.Require(Environment.UserName == "root", "making device nodes and files of other owners needs root (CI runs as root)");
    }

    /// <summary>Runs <paramref name="action"/> on its own thread and fails unless it ends within <see cref="Answer"/>; returns what it threw and the bytes it allocated.</summary>
    private static (Exception? Thrown, long Allocated) Bounded(Action action)
    {
        Exception? thrown = null;
        long allocated = 0;
        var worker = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                action();
            }
            catch (Exception e)
            {
                thrown = e;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        })
        { IsBackground = true };
        worker.Start();
        Assert.True(worker.Join(Answer), $"no answer within {Answer.TotalSeconds} s: the call blocked");
        return (thrown, allocated);
    }

    private static OneFlexException RefusedBy(Action action, string errorId, ErrorCategory category, string path, long maxAllocated = 1 << 20)
    {
        var (thrown, allocated) = Bounded(action);
        var e = Assert.IsType<OneFlexException>(thrown);
        Assert.True(e.ErrorId == errorId, $"{e.ErrorId}: {e.Message}");
        Assert.Equal(category, e.Category);
        Assert.Equal(path, e.TargetObject);
        Assert.Contains(path, e.Message);
        Assert.InRange(allocated, 0, maxAllocated);
        return e;
    }

    /// <summary>A -WhatIf: a refusal comes before the writer asks whether to change the file.</summary>
    private static bool WhatIf(EnvSaveResult change) => throw new Xunit.Sdk.XunitException($"asked to confirm a save that the policy refuses: {change}");

    /// <summary>
    /// Saving, saving with -WhatIf and (unless <paramref name="saveOnly"/>) reading <paramref name="path"/> are refused alike, within
    /// <paramref name="maxAllocated"/> bytes of memory, and nothing under the scene or <paramref name="alsoUnchanged"/> changes.
    /// </summary>
    private static OneFlexException AssertRefused(FileScene scene, string path, string errorId, ErrorCategory category, bool saveOnly = false, long maxAllocated = 1 << 20, params string[] alsoUnchanged)
    {
        var before = scene.Snapshot(alsoUnchanged);
        var e = RefusedBy(() => new EnvFileWriter().SaveTo(path, Tokens), errorId, category, path, maxAllocated);
        RefusedBy(() => new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(Tokens), WhatIf), errorId, category, path, maxAllocated);
        if (!saveOnly)
        {
            RefusedBy(() => EnvFileReader.ReadTokens(path), errorId, category, path, maxAllocated);
        }

        Assert.Equal(before, scene.Snapshot(alsoUnchanged));
        return e;
    }

    [SkippableFact]
    public void A_link_to_a_copy_of_dev_null_or_to_dev_null_itself_is_refused_and_the_device_untouched()
    {
        RequireRoot();
        using var scene = new FileScene();
        var device = scene.CharacterDevice("null-copy", 1, 3);
        var toCopy = scene.Link("bot/.env", device);
        var toDevNull = scene.Link("other/.env", "/dev/null");
        var devNull = FileScene.SnapshotWithoutTimes("/dev/null");

        var e = AssertRefused(scene, toCopy, ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument);
        Assert.Contains("character device", e.Message);
        Assert.Contains(device, e.Message);
        AssertRefused(scene, toDevNull, ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument);

        Assert.Equal(devNull, FileScene.SnapshotWithoutTimes("/dev/null"));
        Assert.StartsWith("/dev/null|c|", devNull);
    }

    [SkippableFact]
    public void A_device_node_in_place_of_the_file_is_refused()
    {
        RequireRoot();
        using var scene = new FileScene();
        var device = scene.CharacterDevice(".env", 1, 3);

        var e = AssertRefused(scene, device, ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument);
        Assert.Contains("is a character device, not a regular file", e.Message);
    }

    [SkippableFact]
    public void A_fifo_is_refused_at_once_directly_and_through_a_link()
    {
        Requirements.RequireUnix();
        using var scene = new FileScene();
        var fifo = scene.Fifo(".env");
        var link = scene.Link("config/.env", fifo);

        var e = AssertRefused(scene, fifo, ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument);
        Assert.Contains("named pipe (FIFO)", e.Message);
        AssertRefused(scene, link, ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument);
    }

    [SkippableFact]
    public void A_link_to_a_copy_of_dev_zero_or_to_a_huge_file_is_refused_at_once_with_bounded_memory()
    {
        RequireRoot();
        using var scene = new FileScene();
        var zero = scene.Link(".env", scene.CharacterDevice("zero-copy", 1, 5));
        var huge = scene["huge/.env"];
        Directory.CreateDirectory(Path.GetDirectoryName(huge)!);
        using (var sparse = File.Create(huge))
        {
            sparse.SetLength(8L << 30);
        }

        AssertRefused(scene, zero, ErrorIds.EnvFileNotRegular, ErrorCategory.InvalidArgument);
        var e = AssertRefused(scene, huge, ErrorIds.EnvFileTooLarge, ErrorCategory.LimitsExceeded);
        Assert.Contains("1,048,576 bytes", e.Message);
        AssertRefused(scene, scene.Link("link-to-huge/.env", huge), ErrorIds.EnvFileTooLarge, ErrorCategory.LimitsExceeded);
    }

    [SkippableFact]
    public void The_size_cap_is_one_MiB_for_reading_and_for_what_a_save_would_write()
    {
        Requirements.RequireUnix();
        using var scene = new FileScene();
        var filler = "# " + new string('x', 1000) + "\n";
        var body = new StringBuilder("ONEFLEX_TOKEN=old\n");
        while (body.Length + filler.Length <= EnvFileAccess.MaxBytes)
        {
            body.Append(filler);
        }

        body.Append('#', EnvFileAccess.MaxBytes - body.Length);
        var atCap = scene.Write("at-cap/.env", body.ToString());
        var overCap = scene.Write("over-cap/.env", body + "#");
        Assert.Equal(EnvFileAccess.MaxBytes, new FileInfo(atCap).Length);

        Assert.Equal("old", EnvFileReader.ReadTokens(atCap).AccessToken);
        AssertRefused(scene, overCap, ErrorIds.EnvFileTooLarge, ErrorCategory.LimitsExceeded);

        // A file at the cap can be read, but saving the tokens into it would make one that cannot: refused, unchanged.
        // Reading and editing it takes memory in proportion to the cap, a few times over, and no more.
        AssertRefused(scene, atCap, ErrorIds.EnvFileTooLarge, ErrorCategory.LimitsExceeded, saveOnly: true, maxAllocated: 8L * EnvFileAccess.MaxBytes);
    }

    [SkippableFact]
    public void A_link_is_followed_only_to_a_file_of_the_links_owner_or_of_the_caller()
    {
        RequireRoot();
        using var scene = new FileScene();
        var botFile = scene.Write("bot/.env", Original, Bot, Bot, Mode640);
        var otherFile = scene.Write("other/.env", Original, Other, Other, Mode640);

        // Another user's link to the bot's file, the bot's link to another user's file, root's link to the bot's file,
        // and a chain that passes through a link of another user: all refused, as root.
        var e = AssertRefused(scene, scene.Link("evil/.env", botFile, Other), ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError);
        Assert.Contains($"user id {Bot}", e.Message);
        Assert.Contains($"(user id {Other})", e.Message);
        AssertRefused(scene, scene.Link("bot/evil.env", otherFile, Bot), ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError);
        AssertRefused(scene, scene.Link("root/.env", botFile), ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError);
        var middle = scene.Link("evil/middle.env", botFile, Other);
        AssertRefused(scene, scene.Link("bot/chain.env", middle, Bot), ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError);

        // The bot's own link to its file is followed; the link stays a link and the file keeps owner, group and mode.
        var ownLink = scene.Link("bot/config/.env", botFile, Bot);
        var result = new EnvFileWriter().SaveTo(ownLink, Tokens);
        Assert.True(result.Changed);
        Assert.Equal(botFile, new FileInfo(ownLink).LinkTarget);
        Assert.Equal(Tokens[0].Value, EnvFileReader.ReadTokens(ownLink).AccessToken);
        Assert.Equal((Bot, Bot, Mode640), FileScene.OwnerOf(botFile));

        // Another user's link to a file of the caller (root) is refused: it would make root overwrite a file it never
        // named (evil.env -> /etc/crontab). Root's own link to its file is followed.
        var rootFile = scene.Write("root/own.env", Original);
        var refused = AssertRefused(scene, scene.Link("evil/to-root.env", rootFile, Other), ErrorIds.EnvFileLinkRefused, ErrorCategory.SecurityError);
        Assert.Contains($"user id {Other}", refused.Message);
        new EnvFileWriter().SaveTo(scene.Link("root/link.env", rootFile), Tokens);
        Assert.Equal(Tokens[0].Value, EnvFileReader.ReadTokens(rootFile).AccessToken);
    }

    [SkippableFact]
    public void A_dangling_link_or_a_loop_is_refused_and_nothing_is_created_where_it_points()
    {
        Requirements.RequireUnix();
        using var scene = new FileScene();
        var nowhere = scene["missing/deeper/.env"];
        var dangling = scene.Link(".env", nowhere);
        var loop = scene.Link("loop/a.env", scene["loop/b.env"]);
        scene.Link("loop/b.env", loop);

        var e = AssertRefused(scene, dangling, ErrorIds.EnvFileLinkDangling, ErrorCategory.ObjectNotFound);
        Assert.Contains(nowhere, e.Message);
        AssertRefused(scene, loop, ErrorIds.EnvFileLinkDangling, ErrorCategory.ObjectNotFound);
        Assert.False(Directory.Exists(scene["missing"]));
    }

    [SkippableFact]
    public void Links_or_fifos_named_like_the_old_lock_files_are_never_followed_or_opened()
    {
        // The lock is the folder's own: a .env.lock beside the file (left by an older version, or planted) means nothing.
        RequireRoot();
        using var scene = new FileScene();
        var botFile = scene.Write("bot/.env", Original, Bot, Bot, Mode640);
        var lockTarget = scene["elsewhere/created-through-the-lock"];
        scene.Link("bot/.env.lock", lockTarget);
        var victim = scene.Write("victim.txt", "do not touch\n", Other, Other, Mode640);
        var second = scene.Write("second/.env", Original);
        scene.Link("second/.env.lock", victim);
        var third = scene.Write("third/.env", Original);
        scene.Fifo("third/.env.lock");
        var before = scene.Snapshot();

        foreach (var path in new[] { botFile, second, third })
        {
            var (thrown, _) = Bounded(() => new EnvFileWriter().SaveTo(path, Tokens));
            Assert.Null(thrown);
            Assert.Equal(Tokens[0].Value, EnvFileReader.ReadTokens(path).AccessToken);
        }

        // The links, the FIFO and the victim are as they were (type, owner, mode, inode, time, target, bytes).
        string[] Planted(string snapshot) => snapshot.Split('\n').Where(line => line.Contains(".env.lock|") || line.Contains("/victim.txt|")).ToArray();
        Assert.Equal(4, Planted(before).Length);
        Assert.Equal(Planted(before), Planted(scene.Snapshot()));
        Assert.False(Directory.Exists(scene["elsewhere"]));
        Assert.Equal((Bot, Bot, Mode640), FileScene.OwnerOf(botFile));
    }

    [SkippableFact]
    public void A_bot_file_of_another_owner_keeps_its_owner_group_and_mode_when_root_saves()
    {
        RequireRoot();
        using var scene = new FileScene();
        var path = scene.Write("bot/.env", Original, Bot, Bot, Mode640);
        var shared = scene.Write("shared/.env", Original, Bot, Other, Mode640 | UnixFileMode.GroupWrite);

        var result = new EnvFileWriter().SaveTo(path, Tokens);
        new EnvFileWriter().SaveTo(shared, Tokens);

        Assert.Equal(new[] { EnvKeys.AccessToken }, result.KeysUpdated);
        Assert.Equal($"# Réglages du bot\nDESK_ID=42\nONEFLEX_TOKEN={Tokens[0].Value}\nONEFLEX_REFRESH_TOKEN={Tokens[1].Value}\n", File.ReadAllText(path));
        Assert.Equal((Bot, Bot, Mode640), FileScene.OwnerOf(path));
        Assert.Equal((Bot, Other, Mode640 | UnixFileMode.GroupWrite), FileScene.OwnerOf(shared));
        Assert.Equal(new[] { ".env" }, EnvFileWriterTests.FilesIn(scene["bot"]));
    }

    public static TheoryData<string, byte[], string> NotText => new()
    {
        { "Latin-1", Encoding.Latin1.GetBytes("# réservation\nONEFLEX_TOKEN=old\n"), "not valid UTF-8" },
        { "UTF-16LE without BOM", Encoding.Unicode.GetBytes("# bot\r\nONEFLEX_TOKEN=old\r\n"), "UTF-16" },
        { "UTF-16BE without BOM", Encoding.BigEndianUnicode.GetBytes("ONEFLEX_TOKEN=old\n"), "UTF-16" },
        { "UTF-16LE with BOM", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("ONEFLEX_TOKEN=old\n")).ToArray(), "UTF-16" },
        { "NUL bytes", Encoding.UTF8.GetBytes("ONEFLEX_TOKEN=old\nBLOB=\0\0\u0001\0\n"), "NUL bytes" },
    };

    [SkippableTheory]
    [MemberData(nameof(NotText))]
    public void A_file_that_is_not_UTF8_text_is_refused_not_rewritten(string kind, byte[] bytes, string named)
    {
        Requirements.RequireUnix();
        using var scene = new FileScene();
        var path = scene.WriteBytes(".env", bytes);

        var e = AssertRefused(scene, path, ErrorIds.EnvFileUnreadable, ErrorCategory.InvalidData);

        Assert.True(e.Message.Contains(named), $"{kind}: {e.Message}");
    }

    [SkippableFact]
    public void Every_cmdlet_reading_an_env_file_reports_the_policy_ids_and_Save_goes_on_with_the_next_path()
    {
        Requirements.RequireUnix();
        using var scene = new FileScene();
        var fifo = scene.Fifo("fifo.env");
        var dangling = scene.Link("dangling.env", scene["missing.env"]);
        var huge = scene["huge.env"];
        using (var sparse = File.Create(huge))
        {
            sparse.SetLength(1L << 30);
        }

        var good = scene.Write("good/.env", Original);
        var before = scene.Snapshot();
        using var session = new PowerShellSession();

        var test = session.Invoke("Test-OneFlexToken -EnvPath $args[0]", fifo);
        var get = session.Invoke("Get-OneFlexToken -EnvPath $args[0] -NoBrowser", dangling);
        var send = session.Invoke("Send-OneFlexNotification -EnvPath $args[0] -Title t -Message m", huge);
        Assert.Equal(before, scene.Snapshot());
        var save = session.Invoke("Save-OneFlexEnv -AccessToken $args[0] -Path $args[1], $args[2] -PassThru", Tokens[0].Value, fifo, good);

        Assert.StartsWith(ErrorIds.EnvFileNotRegular + ",", Assert.Single(test.AllErrors).FullyQualifiedErrorId);
        Assert.StartsWith(ErrorIds.EnvFileLinkDangling + ",", Assert.Single(get.AllErrors).FullyQualifiedErrorId);
        Assert.StartsWith(ErrorIds.EnvFileTooLarge + ",", Assert.Single(send.AllErrors).FullyQualifiedErrorId);
        var saveError = Assert.Single(save.Errors);
        Assert.StartsWith(ErrorIds.EnvFileNotRegular + ",", saveError.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, saveError.CategoryInfo.Category);
        Assert.Equal(good, Assert.Single(save.OutputOf<EnvSaveResult>()).Path);
        Assert.Equal(Tokens[0].Value, EnvFileReader.ReadTokens(good).AccessToken);
        Assert.False(File.Exists(scene["missing.env"]));
    }
}
