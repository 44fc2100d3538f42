namespace OneFlexTokens.Tests.Harness;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModuleDirectory => Path.Combine(Root, "out", "OneFlexTokens");

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "OneFlexTokens.psd1");

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
