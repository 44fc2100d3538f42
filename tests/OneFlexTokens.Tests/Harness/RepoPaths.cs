namespace OneFlexTokens.Tests.Harness;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDirectory => Path.Combine(Root, "out", "OneFlexTokens");

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "OneFlexTokens.psd1");

    /// <summary>
    /// The built dll of a program in this repository (e.g. "demo/OneFlexTokens.Demo"), in the configuration these tests
    /// were built in; the test project references it so that it is built first.
    /// </summary>
    public static string BuiltProgram(string projectFolder)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(Root, projectFolder, "bin", configuration, "net10.0", Path.GetFileName(projectFolder) + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the solution first: {dll} is missing.", dll);
        }

        return dll;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneFlexTokens.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OneFlexTokens.sln not found above " + AppContext.BaseDirectory);
    }
}
