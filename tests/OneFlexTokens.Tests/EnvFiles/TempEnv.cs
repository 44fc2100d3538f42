using System.Text;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>Fresh temporary folders and .env files for one test.</summary>
internal static class TempEnv
{
    public static string Folder() => Directory.CreateTempSubdirectory("oneflex-env-").FullName;

    public static string Write(string text, string name = ".env") => WriteBytes(Encoding.UTF8.GetBytes(text), name);

    public static string WriteBytes(byte[] bytes, string name = ".env")
    {
        var path = Path.Combine(Folder(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
