using System.Text.RegularExpressions;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

/// <summary>Common/ is what every concern builds on: it must not use a concern folder's types, or the layering turns around.</summary>
public sealed partial class DependencyDirectionTests
{
    private static readonly string[] Concerns = { "Commands", "Docker", "EnvFiles", "Notifications", "SignIn", "Tokens" };

    [Fact]
    public void Common_uses_no_type_of_a_concern_folder()
    {
        var common = Path.Combine(RepoPaths.Root, "src", "OneFlexTokens", "Common");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(common, "*.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = CodeOf(lines[i]);
                foreach (var concern in Concerns)
                {
                    if (Regex.IsMatch(code, $@"(?<![\w.""])(OneFlexTokens\.)?{concern}\.[A-Z]") || code.Contains($"using OneFlexTokens.{concern}", StringComparison.Ordinal))
                    {
                        found.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                    }
                }
            }
        }

        Assert.True(Directory.EnumerateFiles(common, "*.cs").Count() >= 10, "Common/ not found where expected");
        Assert.Empty(found);
    }

    /// <summary>The line without comments and string literals, which may name a concern in prose.</summary>
    private static string CodeOf(string line) => StringLiteral().Replace(line, "\"\"").Split("//")[0];

    [GeneratedRegex(@"\$?@?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();
}
