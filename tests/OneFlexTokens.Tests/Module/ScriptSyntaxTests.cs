using System.Management.Automation.Language;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

public class ScriptSyntaxTests
{
    [Fact]
    public void Every_ps1_in_the_repository_parses_without_errors()
    {
        var scripts = Directory.EnumerateFiles(RepoPaths.Root, "*.ps1", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !p.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}")
                && !p.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}"))
            .ToArray();
        Assert.Contains(scripts, p => p.EndsWith("build.ps1", StringComparison.Ordinal));
        Assert.Contains(scripts, p => p.Contains("Pester", StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            Parser.ParseFile(script, out _, out var errors);
            Assert.True(errors.Length == 0, $"{Path.GetRelativePath(RepoPaths.Root, script)}: {string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}"))}");
        }
    }
}
