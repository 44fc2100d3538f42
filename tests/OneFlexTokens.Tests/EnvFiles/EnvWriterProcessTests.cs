using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>Real processes (tests/OneFlexTokens.EnvWriter) saving the same file: killed mid-write, and overlapping.</summary>
public class EnvWriterProcessTests
{
    private readonly ITestOutputHelper _output;

    public EnvWriterProcessTests(ITestOutputHelper output) => _output = output;

    internal static string HelperDll => RepoPaths.BuiltProgram("tests/OneFlexTokens.EnvWriter");

    /// <summary>A bot-like file holding both token keys, with CRLF endings, comments and non-ASCII text.</summary>
    private static byte[] BotFile()
    {
        var text = new StringBuilder("\uFEFF# Configuration du bot OneFlex — réservation automatique\r\n");
        for (var i = 0; i < 150; i++)
        {
            text.Append($"# Bureau n°{i} : préférence « fenêtre »\r\nDESK_{i}='desk-{i}' # étage {i % 7}\r\n\r\n");
            if (i == 40)
            {
                text.Append("export ONEFLEX_TOKEN = \"old.token.value\"  # renouvelé par OneFlexTokens\r\n");
            }
        }

        text.Append("ONEFLEX_REFRESH_TOKEN=oldrefresh");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HelperDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_save_killed_at_random_points_leaves_the_complete_old_or_new_file()
    {
        Requirements.RequireUnix();
        const int kills = 100;
        var seed = Environment.TickCount;
        _output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var original = BotFile();
        var path = TempEnv.WriteBytes(original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var seen = new HashSet<long>();
        long next = 1;
        var leftovers = 0;

        for (var kill = 0; kill < kills; kill++)
        {
            using var writer = Start("loop", path, next.ToString());
            var ready = Task.Run(() => writer.StandardOutput.ReadLine());
            if (!ready.Wait(TimeSpan.FromSeconds(60)) || ready.Result != "ready")
            {
                writer.Kill();
                Assert.Fail("the writer did not start: " + writer.StandardError.ReadToEnd());
            }

            Thread.Sleep(random.Next(0, 25));
            writer.Kill();
            Assert.True(writer.WaitForExit(30_000));

            var bytes = File.ReadAllBytes(path);
            var n = WriterTokens.CounterOf(EnvFileReader.ParseValues(bytes)[EnvKeys.AccessToken]);
            var expected = EnvSaves.Edit(original, WriterTokens.For(n)).Bytes.ToArray();
            Assert.True(expected.AsSpan().SequenceEqual(bytes), $"kill {kill}: the file is not the complete content of save {n}");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
            Assert.InRange(n, next, long.MaxValue);
            seen.Add(n - next);
            leftovers += Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.tmp").Count();
            next = n + 1;
        }

        _output.WriteLine($"{kills} kills after 0..{seen.Max()} saves; temp files seen after a kill: {leftovers}");
        Assert.True(seen.Count > 5, "the kills did not land at varied points");

        new EnvFileWriter().SaveTo(path, WriterTokens.For(next));
        Assert.Equal(new[] { ".env" }, EnvFileWriterTests.FilesIn(Path.GetDirectoryName(path)!));
        Assert.Equal(EnvSaves.Edit(original, WriterTokens.For(next)).Bytes.ToArray(), File.ReadAllBytes(path));
    }

    [SkippableFact]
    public void Overlapping_saves_from_several_processes_lose_no_update_and_never_corrupt_the_file()
    {
        Requirements.RequireUnix();
        const int writers = 4;
        const int saves = 40;
        var original = BotFile();
        var path = TempEnv.WriteBytes(original);

        var processes = Enumerable.Range(1, writers).Select(id => Start("count", path, id.ToString(), saves.ToString())).ToList();
        foreach (var process in processes)
        {
            var errors = Task.Run(() => process.StandardError.ReadToEnd());
            if (!process.WaitForExit(120_000))
            {
                processes.ForEach(p => p.Kill());
                Assert.Fail("a writer did not finish");
            }

            Assert.True(process.ExitCode == 0, errors.Result);
            process.Dispose();
        }

        var bytes = File.ReadAllBytes(path);
        var values = EnvFileReader.ParseValues(bytes);
        for (var id = 1; id <= writers; id++)
        {
            Assert.Equal(saves.ToString(), values["WRITER_" + id]);
        }

        var last = WriterTokens.CounterOf(values[EnvKeys.AccessToken]);
        Assert.Equal(saves, last % 1_000_000);
        var head = EnvSaves.Edit(original, WriterTokens.For(last)).Bytes.ToArray();
        Assert.True(bytes.AsSpan().StartsWith(head), "the original lines or the tokens are not intact");
        var tail = Encoding.UTF8.GetString(bytes.AsSpan(head.Length));
        var appended = tail.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, writers).Select(id => $"WRITER_{id}={saves}").ToArray(), appended);
        Assert.Equal(new[] { ".env" }, EnvFileWriterTests.FilesIn(Path.GetDirectoryName(path)!));
    }
}
