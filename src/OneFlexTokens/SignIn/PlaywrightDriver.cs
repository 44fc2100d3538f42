namespace OneFlexTokens.SignIn;

/// <summary>
/// Points Playwright at the driver (.playwright/) laid out with this module. Playwright otherwise looks beside the
/// Microsoft.Playwright.dll that got loaded, which may be a host's own copy without a driver. A value the user set
/// is left alone. No Playwright type is touched here, so importing the module stays cheap.
/// </summary>
public static class PlaywrightDriver
{
    public const string SearchPathVariable = "PLAYWRIGHT_DRIVER_SEARCH_PATH";

    private static readonly object Gate = new();
    private static string? _setByModule;

    /// <summary>Uses <paramref name="moduleDirectory"/> when it holds a driver and the variable is unset or was set by this module.</summary>
    public static void UseModuleFolder(string? moduleDirectory)
    {
        if (string.IsNullOrEmpty(moduleDirectory) || !Directory.Exists(Path.Combine(moduleDirectory, ".playwright")))
        {
            return;
        }

        lock (Gate)
        {
            var current = Environment.GetEnvironmentVariable(SearchPathVariable);
            if (string.IsNullOrEmpty(current) || string.Equals(current, _setByModule, StringComparison.Ordinal))
            {
                Environment.SetEnvironmentVariable(SearchPathVariable, moduleDirectory);
                _setByModule = moduleDirectory;
            }
        }
    }
}
