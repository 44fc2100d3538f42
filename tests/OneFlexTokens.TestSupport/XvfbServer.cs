using System.Diagnostics;

namespace OneFlexTokens.TestSupport;

/// <summary>An Xvfb X server on the first free display number, for a headed browser on a machine without a screen.</summary>
public class XvfbServer : IDisposable
{
    public const string Executable = "/usr/bin/Xvfb";

    private readonly Process? _server;

    public XvfbServer()
    {
        if (OperatingSystem.IsWindows() || !File.Exists(Executable))
        {
            MissingReason = $"Xvfb is not installed at {Executable} (apt-get install -y xvfb xauth).";
            return;
        }

        // -displayfd lets Xvfb pick a free display itself (it also sees through stale lock files) and print its number.
        var process = Process.Start(new ProcessStartInfo(Executable, "-displayfd 1 -screen 0 1280x800x24 -nolisten tcp")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        var number = process.StandardOutput.ReadLineAsync();
        if (number.Wait(TimeSpan.FromSeconds(15)) && int.TryParse(number.Result, out var display) && !process.HasExited)
        {
            _server = process;
            Display = $":{display}";
            process.BeginErrorReadLine();
        }
        else
        {
            MissingReason = $"{Executable} did not report a display within 15 s.";
            Stop(process);
        }
    }

    public string? Display { get; }

    /// <summary>Why there is no display, when there is none.</summary>
    public string? MissingReason { get; }

    public bool Available => Display is not null;

    /// <summary>Sets DISPLAY (and clears WAYLAND_DISPLAY) for this process until disposed.</summary>
    public IDisposable Use() => new EnvironmentScope(new() { ["DISPLAY"] = Display, ["WAYLAND_DISPLAY"] = null });

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (_server is not null)
        {
            Stop(_server);
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }
}

/// <summary>Sets environment variables for this process and puts the old values back on dispose.</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _before = new();

    public EnvironmentScope(Dictionary<string, string?> values)
    {
        foreach (var (name, value) in values)
        {
            _before[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _before)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}

public static class Wait
{
    /// <summary>Waits for <paramref name="condition"/>, checking every 25 ms, at most <paramref name="bound"/>.</summary>
    public static bool Until(Func<bool> condition, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > bound)
            {
                return false;
            }

            Thread.Sleep(25);
        }

        return true;
    }
}
