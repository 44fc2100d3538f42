using System.Text.RegularExpressions;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

/// <summary>
/// The folders of src/OneFlexTokens form layers: each uses only the folders below it, so none depends on another in
/// both directions. Common/ is what every concern builds on; Scheduling/ registers the renewal, so it uses Renewal/, never
/// the reverse; Commands/ (the cmdlets) sit on top.
/// </summary>
public sealed partial class DependencyDirectionTests
{
    /// <summary>Lowest first: a folder may use the folders before it, none after it.</summary>
    private static readonly string[] Layers =
        { "Common", "Isolation", "EnvFiles", "Tokens", "Notifications", "Docker", "SignIn", "Renewal", "Scheduling", "Commands" };

    private static string Source => Path.Combine(RepoPaths.Root, "src", "OneFlexTokens");

    [Fact]
    public void Every_folder_with_code_has_its_layer()
    {
        var folders = Directory.EnumerateDirectories(Source, "*", SearchOption.AllDirectories)
            .Select(folder => Path.GetRelativePath(Source, folder).Replace('\\', '/'))
            .Where(folder => folder.Split('/')[0] is not ("bin" or "obj"))
            .Where(folder => Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs").Any())
            .Order(StringComparer.Ordinal);
        Assert.Equal(Layers.Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_uses_no_type_of_a_folder_above_it(string folder)
    {
        var above = Layers.SkipWhile(layer => layer != folder).Skip(1).ToList();
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                found.AddRange(above.Where(higher => Uses(lines[i], higher)).Select(higher => $"{Path.GetFileName(file)}:{i + 1} uses {higher}: {lines[i].Trim()}"));
            }
        }

        Assert.True(Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs").Any(), $"{folder}/ not found where expected");
        Assert.Empty(found);
    }

    public static TheoryData<string> Folders() => new(Layers);

    [Fact]
    public void The_check_sees_a_use_by_namespace_or_by_qualified_name_and_not_in_prose()
    {
        Assert.True(Uses("using OneFlexTokens.Scheduling;", "Scheduling"));
        Assert.True(Uses("    internal Scheduling.RenewalPlan? Plan { get; init; }", "Scheduling"));
        Assert.True(Uses("var x = OneFlexTokens.Scheduling.RenewalRegistrar.IdFor(f, h);", "Scheduling"));
        Assert.False(Uses("var text = \"see Scheduling.RenewalRegistrar\"; // Scheduling.RenewalRegistrar", "Scheduling"));
        Assert.False(Uses("var interval = SchedulingRenewal.Every;", "Scheduling"));
    }

    private static bool Uses(string line, string folder)
    {
        var code = CodeOf(line);
        return Regex.IsMatch(code, $@"(?<![\w.""])(OneFlexTokens\.)?{folder}\.[A-Z]") || code.Contains($"using OneFlexTokens.{folder}", StringComparison.Ordinal);
    }

    /// <summary>The line without comments and string literals, which may name a folder in prose.</summary>
    private static string CodeOf(string line) => StringLiteral().Replace(line, "\"\"").Split("//")[0];

    [GeneratedRegex(@"\$?@?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();
}
