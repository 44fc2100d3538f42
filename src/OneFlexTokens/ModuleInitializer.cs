using System.Management.Automation;
using OneFlexTokens.SignIn;

namespace OneFlexTokens;

/// <summary>Runs on Import-Module. Keep it cheap: nothing here may load Playwright or Docker.DotNet.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    // Playwright looks for .playwright/ beside its dll unless told; the host's own folder may hold another copy.
    public void OnImport() => PlaywrightDriver.UseModuleFolder(ModuleDirectory);

    public static string ModuleDirectory => Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
}
