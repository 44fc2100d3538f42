using System.Text;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>Fresh temporary folders and .env files for one test.</summary>
internal static class TempEnv
{
    private static readonly List<string> Created = new();

    static TempEnv() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    public static string Folder()
    {
        var folder = Directory.CreateTempSubdirectory("oneflex-env-").FullName;
        lock (Created)
        {
            Created.Add(folder);
        }

        return folder;
    }

    private static void DeleteAll()
    {
        lock (Created)
        {
            foreach (var folder in Created)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A folder a test made unremovable is left to the OS's temp cleanup.
                }
            }
        }
    }

    public static string Write(string text, string name = ".env") => WriteBytes(Encoding.UTF8.GetBytes(text), name);

    public static string WriteBytes(byte[] bytes, string name = ".env")
    {
        var path = Path.Combine(Folder(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
