using System.Management.Automation;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

public class ModuleLayoutTests
{
    [Fact]
    public void Manifest_passes_Test_ModuleManifest()
    {
        using var session = new PowerShellSession(importModule: false);
        var result = session.Invoke("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", RepoPaths.ModuleManifest);
        Assert.Empty(result.AllErrors);
        var info = Assert.IsType<PSModuleInfo>(Assert.Single(result.Objects));
        Assert.Equal("OneFlexTokens", info.Name);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Empty(info.ExportedFunctions);
        Assert.Empty(info.ExportedAliases);
        Assert.Empty(info.ExportedVariables);
    }

    [Fact]
    public void Module_imports_from_any_directory_and_exports_exactly_the_manifest_cmdlets()
    {
        var elsewhere = Directory.CreateTempSubdirectory("oneflex-cwd-").FullName;
        using var session = new PowerShellSession(importModule: false, workingDirectory: elsewhere);
        var loaded = session.Invoke(
            "Import-Module -Name $args[0] -ErrorAction Stop; (Get-Module OneFlexTokens).ExportedCmdlets.Keys",
            RepoPaths.ModuleManifest);
        var declared = session.Invoke("(Test-ModuleManifest -Path $args[0]).ExportedCmdlets.Keys", RepoPaths.ModuleManifest);
        Assert.Empty(loaded.AllErrors);
        Assert.Equal(
            new[] { "Get-OneFlexRenewal", "Get-OneFlexToken", "Invoke-OneFlexRenewal", "Register-OneFlexRenewal", "Restart-OneFlexBot", "Save-OneFlexEnv", "Send-OneFlexNotification", "Test-OneFlexToken", "Unregister-OneFlexRenewal" },
            declared.Objects.Cast<string>().Order().ToArray());
        Assert.Equal(declared.Objects.Cast<string>().Order(), loaded.Objects.Cast<string>().Order());
        Directory.Delete(elsewhere, true);
    }
}
