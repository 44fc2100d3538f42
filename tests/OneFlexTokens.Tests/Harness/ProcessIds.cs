using System.Diagnostics;

namespace OneFlexTokens.Tests.Harness;

/// <summary>Whether the test process that left something behind (a temp folder, a user) named by its id still runs.</summary>
public static class ProcessIds
{
    public static bool IsRunning(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
