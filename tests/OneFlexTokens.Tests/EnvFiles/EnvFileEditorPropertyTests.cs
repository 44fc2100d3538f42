using System.Text;
using OneFlexTokens.EnvFiles;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>Layout preservation over thousands of generated .env files, checked with the independent python-dotenv oracle.</summary>
public class EnvFileEditorPropertyTests
{
    private const int Cases = 3000;
    private static readonly string[] TokenKeys = { EnvKeys.AccessToken, EnvKeys.RefreshToken };

    [Fact]
    public void Saving_changes_only_token_lines_and_the_bot_reads_the_new_values()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var generator = new EnvFileGenerator(seed);
            var original = generator.File();
            var settings = Settings(generator);
            try
            {
                CheckOneSave(original, settings);
            }
            catch (Exception e)
            {
                throw new Exception($"seed {seed}: file {Show(original)}", e);
            }
        }
    }

    [Fact]
    public void Production_reader_agrees_with_the_oracle_on_generated_files()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var original = new EnvFileGenerator(seed).File();
            var expected = PythonDotenvOracle.Values(Encoding.UTF8.GetString(original));
            var actual = EnvFileReader.ParseValues(original);
            Assert.True(Same(expected, actual), $"seed {seed}: file {Show(original)}");
        }
    }

    [Fact]
    public void Saving_generated_files_on_disk_writes_exactly_the_edit_and_leaves_no_temp_file()
    {
        var folder = TempEnv.Folder();
        var path = Path.Combine(folder, ".env");
        var writer = new EnvFileWriter();
        for (var seed = 0; seed < 300; seed++)
        {
            var generator = new EnvFileGenerator(200_000 + seed);
            var original = generator.File();
            var settings = Settings(generator);
            File.WriteAllBytes(path, original);

            var result = writer.SaveTo(path, settings);

            var expected = EnvSaves.Edit(original, settings);
            Assert.True(expected.Bytes.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"seed {200_000 + seed}");
            Assert.Equal(expected.Changed, result.Changed);
            Assert.Equal(expected.KeysAdded, result.KeysAdded);
            Assert.Equal(expected.KeysUpdated, result.KeysUpdated);
            Assert.Equal(new[] { ".env" }, EnvFileWriterTests.FilesIn(folder));
        }
    }

    internal static List<KeyValuePair<string, string>> Settings(EnvFileGenerator generator)
    {
        var settings = new List<KeyValuePair<string, string>> { new(EnvKeys.AccessToken, generator.Token(20, 900)) };
        if (generator.Next(5) != 0)
        {
            settings.Add(new(EnvKeys.RefreshToken, generator.Token(20, 41)));
        }

        return settings;
    }

    internal static void CheckOneSave(byte[] original, List<KeyValuePair<string, string>> settings)
    {
        var edit = EnvSaves.Edit(original, settings);
        var before = Encoding.UTF8.GetString(original);
        var after = Encoding.UTF8.GetString(edit.Bytes.ToArray());
        var keys = settings.Select(s => s.Key).ToHashSet();

        // The bot's parser reads the new tokens, and every other key as it was.
        var parsedBefore = PythonDotenvOracle.Parse(before);
        var parsedAfter = PythonDotenvOracle.Parse(after);
        var valuesBefore = PythonDotenvOracle.Values(parsedBefore);
        var valuesAfter = PythonDotenvOracle.Values(parsedAfter);
        foreach (var (key, value) in settings)
        {
            Assert.Equal(value, valuesAfter[key]);
        }

        Assert.True(Same(Without(valuesBefore, keys), Without(valuesAfter, keys)), "a key other than the tokens changed value");
        Assert.True(Same(valuesAfter, EnvFileReader.ParseValues(edit.Bytes.ToArray())), "EnvFileReader disagrees with the oracle on the saved file");

        // Every statement of a token key holds the new value, not just the last one.
        foreach (var statement in parsedAfter.Where(s => s.Key is not null && keys.Contains(s.Key)))
        {
            Assert.Equal(settings.First(s => s.Key == statement.Key).Value, statement.Value);
        }

        // Every line that is not a token line is byte-identical and in the same order.
        var linesBefore = NonTokenLines(before, parsedBefore, keys);
        var linesAfter = NonTokenLines(after, parsedAfter, keys);
        var appended = edit.KeysAdded.Length > 0;
        Assert.Equal(linesBefore.Count, linesAfter.Count);
        for (var i = 0; i < linesBefore.Count; i++)
        {
            var expected = linesBefore[i];
            var actual = linesAfter[i];
            if (appended && i == linesBefore.Count - 1 && !EndsWithNewline(before) && actual.StartsWith(expected, StringComparison.Ordinal))
            {
                actual = actual[..expected.Length];
            }

            Assert.True(expected == actual, $"line {i} changed: [{Escape(expected)}] -> [{Escape(actual)}]");
        }

        Assert.Equal(original.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()), edit.Bytes.ToArray().AsSpan().StartsWith(Encoding.UTF8.GetPreamble()));
        Assert.Equal(EndsWithNewline(before) || before.Length == 0, EndsWithNewline(after));
        Assert.Equal(edit.Changed, !original.AsSpan().SequenceEqual(edit.Bytes.ToArray()));
        Assert.Equal(settings.Where(s => !parsedBefore.Any(p => p.Key == s.Key)).Select(s => s.Key), edit.KeysAdded);

        // Missing keys are appended as KEY=value lines in the file's first line-ending style.
        if (appended)
        {
            var newline = FirstNewline(before);
            var added = settings.Where(s => edit.KeysAdded.Contains(s.Key)).ToList();
            bool Ends(string prefix) => after.EndsWith(
                string.Join(newline, added.Select(s => prefix + s.Key + "=" + s.Value)) + (EndsWithNewline(before) || before.Length == 0 ? newline : ""),
                StringComparison.Ordinal);
            Assert.True(Ends("") || Ends("export "), "appended lines are not KEY=value lines ending like the file");
        }

        // Saving the same values again changes no byte.
        var again = EnvSaves.Edit(edit.Bytes.ToArray(), settings);
        Assert.False(again.Changed);
        Assert.True(edit.Bytes.ToArray().AsSpan().SequenceEqual(again.Bytes.ToArray()), "a second save changed bytes");
        Assert.Empty(again.KeysAdded);
        Assert.Empty(again.KeysUpdated);
    }

    /// <summary>Physical lines (with their endings) that no token statement touches.</summary>
    private static List<string> NonTokenLines(string text, List<PythonDotenvOracle.Statement> statements, HashSet<string> keys)
    {
        var tokenSpans = statements
            .Where(s => s.Key is not null && keys.Contains(s.Key))
            .Select(s => (s.RawCoreStart, s.RawEnd))
            .ToList();
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = start;
            while (end < text.Length && text[end] is not '\n' and not '\r')
            {
                end++;
            }

            var contentEnd = end;
            if (end < text.Length)
            {
                end += text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? 2 : 1;
            }

            if (!tokenSpans.Any(span => span.RawCoreStart < Math.Max(contentEnd, start + 1) && start < span.RawEnd && span.RawCoreStart < end))
            {
                lines.Add(text[start..end]);
            }

            start = end;
        }

        return lines;
    }

    internal static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static Dictionary<string, string> Without(Dictionary<string, string> values, HashSet<string> keys) =>
        values.Where(kv => !keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);

    private static bool EndsWithNewline(string text) => text.Length > 0 && text[^1] is '\n' or '\r';

    private static string FirstNewline(string text)
    {
        var i = text.IndexOfAny(new[] { '\n', '\r' });
        return i < 0 || text[i] == '\n' ? "\n" : i + 1 < text.Length && text[i + 1] == '\n' ? "\r\n" : "\r";
    }

    internal static string Show(byte[] bytes) => Escape(Encoding.UTF8.GetString(bytes));

    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n\n");
}
