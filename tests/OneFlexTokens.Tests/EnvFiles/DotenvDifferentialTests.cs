using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// The bot's real parser, python-dotenv, run on generated files before and after a save: it must read what
/// EnvFileReader and the test oracle read, and the new tokens. Needs a python3 with python-dotenv (tests/install-deps.sh
/// installs Debian's python3-dotenv): skipped without one, and failed when CI=true.
/// </summary>
public class DotenvDifferentialTests
{
    /// <summary>The python3 on PATH, then the system one, where apt's python3-dotenv goes (PATH may hold another, e.g. pyenv's).</summary>
    private static readonly string[] PythonCandidates = ["python3", "/usr/bin/python3"];

    private const string Script = """
        import json, sys
        from dotenv import dotenv_values
        for path in sys.stdin.read().splitlines():
            values = dotenv_values(path, interpolate=False, encoding="utf-8")
            print(json.dumps({k: v for k, v in values.items() if v is not None}))
        """;

    [SkippableFact]
    public void Python_dotenv_reads_what_EnvFileReader_reads_before_and_after_a_save()
    {
        var interpreter = FindPythonWithDotenv();
        Requirements.Require(interpreter is not null, "No python3 with python-dotenv (apt-get install python3 python3-dotenv, or pip install python-dotenv).");
        var folder = TempEnv.Folder();
        var files = new List<(string Path, byte[] Content, List<KeyValuePair<string, string>>? Settings)>();
        foreach (var (text, _, _) in EnvFileReaderTests.KnownBehaviours.Select(row => ((string)row[0], 0, 0)))
        {
            files.Add((Path.Combine(folder, $"known{files.Count}.env"), Encoding.UTF8.GetBytes(text), null));
        }

        for (var seed = 0; seed < 400; seed++)
        {
            var generator = new EnvFileGenerator(100_000 + seed);
            var original = generator.File();
            var settings = EnvFileEditorPropertyTests.Settings(generator);
            files.Add((Path.Combine(folder, $"before{seed}.env"), original, null));
            files.Add((Path.Combine(folder, $"after{seed}.env"), EnvSaves.Edit(original, settings).Bytes.ToArray(), settings));
        }

        foreach (var file in files)
        {
            File.WriteAllBytes(file.Path, file.Content);
        }

        var answers = RunPython(interpreter!, string.Join("\n", files.Select(f => f.Path)));
        Assert.Equal(files.Count, answers.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var python = answers[i];
            var ours = EnvFileReader.ReadValues(files[i].Path);
            var oracle = PythonDotenvOracle.Values(Encoding.UTF8.GetString(files[i].Content));
            Assert.True(EnvFileEditorPropertyTests.Same(python, ours), $"{Path.GetFileName(files[i].Path)}: EnvFileReader differs from python-dotenv: {EnvFileEditorPropertyTests.Show(files[i].Content)}");
            Assert.True(EnvFileEditorPropertyTests.Same(python, oracle), $"{Path.GetFileName(files[i].Path)}: the oracle differs from python-dotenv");
            foreach (var (key, value) in files[i].Settings ?? [])
            {
                Assert.Equal(value, python[key]);
            }
        }

        Directory.Delete(folder, true);
    }

    private static string? FindPythonWithDotenv()
    {
        foreach (var candidate in PythonCandidates)
        {
            var start = new ProcessStartInfo(candidate) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import dotenv");
            try
            {
                using var probe = Process.Start(start)!;
                _ = probe.StandardOutput.ReadToEndAsync();
                _ = probe.StandardError.ReadToEndAsync();
                if (!probe.WaitForExit(30_000))
                {
                    probe.Kill();
                    continue;
                }

                if (probe.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed there: try the next one.
            }
        }

        return null;
    }

    private static List<Dictionary<string, string>> RunPython(string python, string paths)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(paths);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), $"{python} did not finish");
        Assert.True(process.ExitCode == 0, errors.Result);
        return output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<Dictionary<string, string>>(line)!)
            .ToList();
    }
}
