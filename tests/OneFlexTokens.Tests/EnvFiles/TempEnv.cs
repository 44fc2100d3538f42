using System.Text;
using OneFlexTokens.Tests.Harness;

namespace OneFlexTokens.Tests.EnvFiles;

/// <summary>
/// Fresh temporary folders and .env files for one test, all under one folder per test process. The test host
/// is not always let to run its exit handler, so each run also deletes the folders of test processes that are gone.
/// </summary>
internal static class TempEnv
{
    private const string Prefix = "oneflex-env-";
    private static readonly string Root;

    static TempEnv()
    {
        foreach (var old in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(Prefix + "*"))
        {
            var pid = old.Name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var id) && !ProcessIds.IsRunning(id))
            {
                Delete(old.FullName);
            }
        }

        Root = Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(Root);
    }

    public static string Folder() => Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N")[..12])).FullName;

    public static string Write(string text, string name = ".env") => WriteBytes(Encoding.UTF8.GetBytes(text), name);

    public static string WriteBytes(byte[] bytes, string name = ".env")
    {
        var path = Path.Combine(Folder(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left to the OS's temp cleanup.
        }
    }
}
