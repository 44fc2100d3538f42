using System.Text.RegularExpressions;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

/// <summary>
/// The folders of src/OneFlexTokens form layers: each uses only the folders below it, so none depends on another in
/// both directions. The shared parts come first (Secrets/ shows nothing secret, Errors/ words failures, Platform/ is the OS
/// and its files, Http/ the shared client, CmdletSupport/ what a cmdlet and the core share); Scheduling/ registers the
/// renewal, so it uses Renewal/, never the reverse; Commands/ (the cmdlets) sit on top.
/// </summary>
public sealed partial class DependencyDirectionTests
{
    /// <summary>Lowest first: a folder may use the folders before it, none after it.</summary>
    private static readonly string[] Layers =
        { "Secrets", "Errors", "Platform", "Http", "CmdletSupport", "Isolation", "EnvFiles", "Tokens", "Notifications", "Docker", "SignIn", "RemoteSignIn", "Renewal", "Scheduling", "Commands" };

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

    /// <summary>
    /// Messages is one class in parts, a part per folder (its Messages.cs), so a call site names no folder: this is what
    /// keeps a folder from wording its errors with a message kept in a folder above it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_uses_no_message_kept_in_a_folder_above_it(string folder)
    {
        var above = Layers.SkipWhile(layer => layer != folder).Skip(1)
            .SelectMany(higher => MessagesKeptIn(higher).Select(name => (Folder: higher, Name: name)))
            .ToList();
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs"))
        {
            // Inside a part, the other parts' members are named without "Messages.".
            var prefix = Path.GetFileName(file) == "Messages.cs" ? @"(?<![\w.])(Messages\.)?" : @"(?<![\w.])Messages\.";
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = CodeOf(lines[i]);
                found.AddRange(above.Where(message => Regex.IsMatch(code, prefix + message.Name + @"\b"))
                    .Select(message => $"{Path.GetFileName(file)}:{i + 1} uses {message.Folder}/Messages.cs's {message.Name}: {lines[i].Trim()}"));
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public void Every_part_of_Messages_is_the_one_class()
    {
        var parts = Directory.EnumerateFiles(Source, "Messages.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(Path.Combine(Source, "Errors", "Messages.cs"), parts);
        Assert.True(parts.Count > 1, "Messages is kept in parts, one per folder");
        Assert.All(parts, part =>
        {
            var text = File.ReadAllText(part);
            Assert.Contains("namespace OneFlexTokens.Errors;", text, StringComparison.Ordinal);
            Assert.Contains("internal static partial class Messages", text, StringComparison.Ordinal);
            // Errors/ is the class's home (its description); every other part keeps messages.
            Assert.True(part.EndsWith(Path.Combine("Errors", "Messages.cs"), StringComparison.Ordinal) || MessagesKeptIn(Path.GetFileName(Path.GetDirectoryName(part)!)).Any(), $"{part} keeps no message");
        });
    }

    /// <summary>The members a folder's part of Messages declares.</summary>
    private static IEnumerable<string> MessagesKeptIn(string folder)
    {
        var part = Path.Combine(Source, folder, "Messages.cs");
        return File.Exists(part) ? MessageDeclaration().Matches(File.ReadAllText(part)).Select(match => match.Groups["name"].Value).ToList() : [];
    }

    [GeneratedRegex(@"(?m)^    (?:public|private|internal) (?:static |const )+[\w<>?,\[\] ]*?\b(?<name>\w+)\s*(?:\(|=)")]
    private static partial Regex MessageDeclaration();

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
