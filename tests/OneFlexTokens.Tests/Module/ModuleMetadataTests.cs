using System.Collections;
using System.Diagnostics;
using System.Reflection;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

/// <summary>What a gallery and Get-Help show of the module: version, license, tags, release notes, the about topic.</summary>
public class ModuleMetadataTests
{
    private static Hashtable Manifest()
    {
        using var session = new PowerShellSession(importModule: false);
        return Assert.IsType<Hashtable>(Assert.Single(session.Invoke("Import-PowerShellDataFile -LiteralPath $args[0]", RepoPaths.ModuleManifest).Objects));
    }

    private static Hashtable PSData(Hashtable manifest) =>
        Assert.IsType<Hashtable>(Assert.IsType<Hashtable>(manifest["PrivateData"])["PSData"]);

    [Fact]
    public void The_assembly_has_the_manifest_version_which_is_the_one_in_the_source_manifest()
    {
        var version = Version.Parse(Assert.IsType<string>(Manifest()["ModuleVersion"]));
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "OneFlexTokens.psd1"));
        Assert.Contains($"ModuleVersion        = '{version}'", source);

        var dll = Path.Combine(RepoPaths.ModuleDirectory, "OneFlexTokens.dll");
        var assembly = AssemblyName.GetAssemblyName(dll).Version!;
        Assert.Equal(version, new Version(assembly.Major, assembly.Minor, assembly.Build));
        Assert.StartsWith(version + "+", FileVersionInfo.GetVersionInfo(dll).ProductVersion);
    }

    [Fact]
    public void The_license_the_manifest_names_exists_and_ships_in_the_module()
    {
        var psData = PSData(Manifest());
        Assert.EndsWith("/LICENSE", Assert.IsType<string>(psData["LicenseUri"]));
        var license = File.ReadAllText(Path.Combine(RepoPaths.Root, "LICENSE"));
        Assert.StartsWith("MIT License", license);
        Assert.Equal(license, File.ReadAllText(Path.Combine(RepoPaths.ModuleDirectory, "LICENSE")));
    }

    [Fact]
    public void The_manifest_has_release_notes_and_a_tag_for_every_platform()
    {
        var psData = PSData(Manifest());
        var notes = Assert.IsType<string>(psData["ReleaseNotes"]);
        Assert.Contains(Assert.IsType<string>(Manifest()["ModuleVersion"]), notes);
        var tags = Assert.IsType<object[]>(psData["Tags"]).Cast<string>().ToArray();
        Assert.Contains("Windows", tags);
        Assert.Contains("Linux", tags);
        Assert.Contains("MacOS", tags);
        Assert.Contains("PSEdition_Core", tags);
    }

    [Fact]
    public void The_about_topic_names_every_error_id_and_the_shipped_script()
    {
        var topic = File.ReadAllText(Path.Combine(RepoPaths.ModuleDirectory, "en-US", "about_OneFlexTokens.help.txt"));
        var ids = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToArray();
        Assert.NotEmpty(ids);
        var missing = ids.Where(id => !System.Text.RegularExpressions.Regex.IsMatch(topic, $@"(?m)^\s+{id}\b")).ToArray();
        Assert.True(missing.Length == 0, "about_OneFlexTokens lacks an entry for: " + string.Join(", ", missing));
        Assert.Contains("Scripts/Update-OneFlexBot.ps1", topic);
        Assert.True(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "Scripts", "Update-OneFlexBot.ps1")));
        Assert.Contains("Install-PSResource OneFlexTokens", topic);
    }
}
