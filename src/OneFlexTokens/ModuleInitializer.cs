using System.Management.Automation;

namespace OneFlexTokens;

/// <summary>Runs on Import-Module. Keep it cheap: nothing here may load Playwright or Docker.DotNet.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public const string DriverSearchPathVariable = "PLAYWRIGHT_DRIVER_SEARCH_PATH";

    public void OnImport()
    {
        // Playwright looks for .playwright/ beside its dll unless told; the host's own folder may hold another copy.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(DriverSearchPathVariable)))
        {
            Environment.SetEnvironmentVariable(DriverSearchPathVariable, ModuleDirectory);
        }
    }

    public static string ModuleDirectory => Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
}
