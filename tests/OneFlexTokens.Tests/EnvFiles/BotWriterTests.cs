using System.Diagnostics;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// Saves beside the bot's own writer: Kiwi41/oneflex-bot rewrites config/.env in place after its own refresh (read,
/// replace the ONEFLEX_TOKEN= line, open(…, 'w') which truncates, write), with no lock. Here python3 does that in a
/// tight loop, in its own process, while the module saves; a save that read the file between the truncate and the write
/// would write every other setting away.
/// </summary>
public class BotWriterTests
{
    private const int Saves = 1000;

    /// <summary>The bot's _update_env_token, in its shape, called over and over until the stop file appears.</summary>
    private const string BotRewriter = """
        import os, sys

        def _update_env_token(env_path, token):
            with open(env_path, 'r', encoding='utf-8') as f:
                lines = f.readlines()
            with open(env_path, 'w', encoding='utf-8') as f:
                for line in lines:
                    if line.startswith('ONEFLEX_TOKEN='):
                        f.write(f'ONEFLEX_TOKEN={token}\n')
                    else:
                        f.write(line)

        env_path, stop = sys.argv[1], sys.argv[2]
        rewrites = 0
        print('ready', flush=True)
        while not os.path.exists(stop):
            rewrites += 1
            _update_env_token(env_path, f'bot.{rewrites}')
        print(rewrites, flush=True)
        """;

    private readonly ITestOutputHelper _output;

    public BotWriterTests(ITestOutputHelper output) => _output = output;

    /// <summary>61 settings as a bot's .env has them (comments, French text, quotes, export), then the two token lines: 63.</summary>
    private static string[] OtherLines()
    {
        var lines = new List<string> { "# Configuration du bot OneFlex — réservation automatique" };
        for (var i = 1; lines.Count < 61; i++)
        {
            lines.Add(i % 5 == 0 ? $"# Bureau n°{i} : préférence « fenêtre »" : i % 7 == 0 ? $"export DESK_{i}=\"desk-{i}\" # étage {i % 3}" : $"DESK_{i}='desk-{i}'");
        }

        return lines.ToArray();
    }

    [SkippableFact]
    public void A_thousand_saves_beside_the_bots_in_place_rewriter_never_lose_a_setting()
    {
        Requirements.RequireUnix();
        var others = OtherLines();
        var folder = TempEnv.Folder();
        var path = Path.Combine(folder, ".env");
        File.WriteAllText(path, string.Join("\n", others.Take(30).Append("ONEFLEX_TOKEN=start").Concat(others.Skip(30)).Append("ONEFLEX_REFRESH_TOKEN=start")) + "\n");
        var stop = Path.Combine(folder, "stop");
        using var bot = StartRewriter(path, stop);

        var writer = new EnvFileWriter(TimeSpan.FromSeconds(1));
        int saved = 0, unstable = 0;
        var clock = Stopwatch.StartNew();
        for (var n = 1; n <= Saves; n++)
        {
            try
            {
                writer.Save(EnvFileAccess.Resolve(path), EnvSettings.Create(new KeyValuePair<string, string>[]
                {
                    new(EnvKeys.AccessToken, $"save.{n}"),
                    new(EnvKeys.RefreshToken, $"refresh.{n}"),
                }));
                saved++;
            }
            catch (OneFlexException e) when (e.ErrorId == ErrorIds.EnvFileUnstable)
            {
                unstable++;
            }

            AssertEveryOtherLineIsThere(CompleteContent(path), others, $"after save {n}");
        }

        var elapsed = clock.Elapsed;
        File.WriteAllText(stop, "");
        Assert.True(bot.WaitForExit(30_000), "the rewriter did not stop");
        var rewrites = int.Parse(bot.StandardOutput.ReadToEnd().Trim());
        var final = File.ReadAllText(path);
        _output.WriteLine($"{saved} saved, {unstable} EnvFileUnstable, {rewrites} rewrites by the bot's function, {elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"BotWriterTests: {saved} of {Saves} saves saved, {unstable} EnvFileUnstable, beside {rewrites} in-place rewrites");

        AssertEveryOtherLineIsThere(final, others, "at the end");
        Assert.Equal(63, final.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(Saves, saved + unstable);
        Assert.True(saved >= Saves / 2, $"only {saved} saves went through beside the rewriter");
        Assert.True(rewrites >= Saves, $"the rewriter ran only {rewrites} times: it did not race the saves");
    }

    [SkippableFact]
    public void Reads_beside_the_bots_in_place_rewriter_always_see_a_whole_file()
    {
        // A cut read would tell a renewal that the bot has no refresh token, and send a false "sign in again" alert.
        Requirements.RequireUnix();
        var others = OtherLines();
        var folder = TempEnv.Folder();
        var path = Path.Combine(folder, ".env");
        File.WriteAllText(path, string.Join("\n", others.Append("ONEFLEX_TOKEN=start").Append("ONEFLEX_REFRESH_TOKEN=0123456789abcdef0123")) + "\n");
        var expected = EnvFileReader.ParseValues(File.ReadAllBytes(path)).Count;
        var stop = Path.Combine(folder, "stop");
        using var bot = StartRewriter(path, stop);

        // At least 300 reads, and on until the reads have seen the bot's 300th rewrite: a rewriter slow to get going on a
        // busy machine must not make the race a short one. Bounded in time; the count is asserted after.
        var reads = 0;
        var seenRewrite = 0;
        var clock = Stopwatch.StartNew();
        while ((reads < 300 || seenRewrite < 300) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            reads++;
            var values = EnvFileReader.ReadValues(path);
            Assert.True(values.Count == expected, $"read {reads} saw {values.Count} of {expected} settings");
            Assert.Equal("0123456789abcdef0123", EnvFileReader.ReadTokens(path).RefreshToken);
            if (values.TryGetValue("ONEFLEX_TOKEN", out var token) && token.StartsWith("bot.", StringComparison.Ordinal)
                && int.TryParse(token.AsSpan(4), out var rewrite))
            {
                seenRewrite = Math.Max(seenRewrite, rewrite);
            }
        }

        File.WriteAllText(stop, "");
        Assert.True(bot.WaitForExit(30_000), "the rewriter did not stop");
        var rewrites = int.Parse(bot.StandardOutput.ReadToEnd().Trim());
        _output.WriteLine($"{reads} reads beside {rewrites} rewrites");
        Assert.True(rewrites >= 300, $"the rewriter ran only {rewrites} times in 60 s: it did not race the reads");
    }

    [SkippableFact]
    public void A_file_that_keeps_changing_and_always_looks_cut_is_EnvFileUnstable_and_left_as_it_was()
    {
        Requirements.RequireUnix();
        // One 4 KiB page of settings: seen whole, it looks like a longer write cut at a page; seen empty, like a truncate.
        var page = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 4096 / 16).Select(i => $"DESK_{i:D4}=desk1\n")));
        Assert.Equal(4096, page.Length);
        var path = TempEnv.WriteBytes(page);
        using var stop = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var rewrites = 0;
        var rewriter = new Thread(() =>
        {
            // The bot's truncate and write, over and over.
            while (!stop.IsCancellationRequested)
            {
                using (var file = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
                {
                    file.Write(page);
                }

                rewrites++;
                started.Set();
            }
        });
        rewriter.Start();
        started.Wait();

        // Longer than a quiet file needs (EnvFileStableRead.Settle): only the rewrites can make it fail.
        var writer = new EnvFileWriter(EnvFileStableRead.Settle * 3);
        var failure = Assert.Throws<OneFlexException>(() => writer.Save(EnvFileAccess.Resolve(path), EnvSettings.Create(new KeyValuePair<string, string>[] { new(EnvKeys.AccessToken, "a.b.c") })));
        stop.Cancel();
        rewriter.Join();

        Assert.Equal(ErrorIds.EnvFileUnstable, failure.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceBusy, failure.Category);
        Assert.Contains(path, failure.Message);
        Assert.DoesNotContain("ONEFLEX_TOKEN", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, ".env.oneflex-*"));
        Assert.True(rewrites > 10, $"only {rewrites} rewrites");
    }

    [Fact]
    public void An_empty_file_that_stays_so_is_saved_once_it_has_been_seen_unchanged_long_enough()
    {
        var path = TempEnv.Write("");
        var clock = Stopwatch.StartNew();

        new EnvFileWriter().Save(EnvFileAccess.Resolve(path), EnvSettings.Create(new KeyValuePair<string, string>[] { new(EnvKeys.AccessToken, "a.b.c") }));

        Assert.True(clock.Elapsed >= EnvFileStableRead.Settle, $"saved after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal("ONEFLEX_TOKEN=a.b.c\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_complete_file_is_acted_on_at_its_first_read_but_a_shorter_one_after_it_only_once_settled()
    {
        var path = TempEnv.Write("A=1\nB=2\n");
        var reads = new EnvFileStableRead(EnvFileAccess.Resolve(path));
        Assert.True(reads.TryRead(out var first));
        Assert.Equal(8, first!.Bytes.Length);

        // The bot's truncate and a part of its write: fewer lines than this save has seen.
        File.WriteAllText(path, "A=1\n");
        Assert.False(reads.TryRead(out _));
    }

    private static Process StartRewriter(string path, string stop)
    {
        var script = Path.Combine(Path.GetDirectoryName(path)!, "bot_rewriter.py");
        File.WriteAllText(script, BotRewriter);
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { script, path, stop })
        {
            start.ArgumentList.Add(arg);
        }

        Process? process = null;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No python3: reported below.
        }

        Requirements.Require(process is not null, "No python3 on PATH (apt-get install python3).");
        Assert.Equal("ready", process!.StandardOutput.ReadLine());
        return process;
    }

    /// <summary>
    /// The file as a whole write left it: the rewriter may be between its truncate and its write right now, which this
    /// test's own read must not take for a lost line (a lost line would stay lost: neither side ever adds one back).
    /// </summary>
    private static string CompleteContent(string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = File.ReadAllText(path, Encoding.UTF8);
            if (text.EndsWith('\n') || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return text;
            }

            Thread.Yield();
        }
    }

    private static void AssertEveryOtherLineIsThere(string content, string[] others, string when)
    {
        var lines = content.Split('\n');
        var missing = others.Where(line => !lines.Contains(line, StringComparer.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, $"{when}: {missing.Length} settings lost, e.g. '{missing.FirstOrDefault()}'");
    }
}
