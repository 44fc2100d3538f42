using System.Management.Automation;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;

namespace OneFlexTokens.SignIn;

/// <summary>An installed browser to drive: its executable, and on Windows the Playwright channel that names it.</summary>
internal sealed record BrowserChoice(BrowserKind Kind, string ExecutablePath, string? Channel);

/// <summary>
/// Finds an installed Chromium-family browser; never downloads one. Windows: Edge, then Chrome (launched by
/// Playwright channel). Linux and macOS: Chromium, Chrome, Edge, on PATH first, then their usual install paths.
/// </summary>
internal sealed class BrowserLocator
{
    private readonly HostPlatform _platform;
    private readonly Func<string, bool> _fileExists;

    public BrowserLocator(HostPlatform platform, Func<string, bool>? fileExists = null)
    {
        _platform = platform;
        _fileExists = fileExists ?? File.Exists;
    }

    public BrowserChoice Locate(BrowserKind kind = BrowserKind.Auto, string? browserPath = null)
    {
        if (!string.IsNullOrEmpty(browserPath))
        {
            if (!_fileExists(browserPath))
            {
                throw new OneFlexException(ErrorIds.BrowserNotFound, ErrorCategory.ObjectNotFound, Messages.BrowserPathNotFound(browserPath), browserPath);
            }

            return new BrowserChoice(kind == BrowserKind.Auto ? GuessKind(browserPath) : kind, browserPath, null);
        }

        foreach (var wanted in SearchOrder(kind))
        {
            foreach (var candidate in Candidates(wanted))
            {
                if (_fileExists(candidate))
                {
                    return new BrowserChoice(wanted, candidate, _platform.IsWindows ? WindowsChannel(wanted) : null);
                }
            }
        }

        throw new OneFlexException(ErrorIds.BrowserNotFound, ErrorCategory.NotInstalled, Messages.BrowserNotFound(_platform.OS, kind == BrowserKind.Auto ? null : kind.ToString()), kind);
    }

    public IEnumerable<BrowserKind> SearchOrder(BrowserKind kind) => kind switch
    {
        BrowserKind.Auto when _platform.IsWindows => new[] { BrowserKind.Edge, BrowserKind.Chrome, BrowserKind.Chromium },
        BrowserKind.Auto => new[] { BrowserKind.Chromium, BrowserKind.Chrome, BrowserKind.Edge },
        _ => new[] { kind },
    };

    /// <summary>Where <paramref name="kind"/> may be installed on this platform, most likely first.</summary>
    public IEnumerable<string> Candidates(BrowserKind kind) => _platform.OS switch
    {
        OSKind.Windows => WindowsCandidates(kind),
        OSKind.MacOS => OnPath(UnixCommandNames(kind)).Concat(MacCandidates(kind)),
        _ => OnPath(UnixCommandNames(kind)).Concat(LinuxCandidates(kind)),
    };

    private static string? WindowsChannel(BrowserKind kind) => kind switch
    {
        BrowserKind.Edge => "msedge",
        BrowserKind.Chrome => "chrome",
        _ => null,
    };

    private IEnumerable<string> WindowsCandidates(BrowserKind kind)
    {
        var roots = new[] { _platform.Env("ProgramFiles"), _platform.Env("ProgramFiles(x86)"), _platform.Env("LOCALAPPDATA") }
            .Where(r => r is not null)
            .Select(r => r!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        var relative = kind switch
        {
            BrowserKind.Edge => new[] { "Microsoft", "Edge", "Application", "msedge.exe" },
            BrowserKind.Chrome => new[] { "Google", "Chrome", "Application", "chrome.exe" },
            _ => new[] { "Chromium", "Application", "chrome.exe" },
        };
        return roots.Select(root => _platform.JoinPath(new[] { root }.Concat(relative).ToArray()));
    }

    private IEnumerable<string> MacCandidates(BrowserKind kind)
    {
        var bundle = kind switch
        {
            BrowserKind.Edge => "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            BrowserKind.Chrome => "Google Chrome.app/Contents/MacOS/Google Chrome",
            _ => "Chromium.app/Contents/MacOS/Chromium",
        };
        return new[] { "/Applications/" + bundle, _platform.JoinPath(_platform.HomeDirectory, "Applications", bundle) };
    }

    private static IEnumerable<string> LinuxCandidates(BrowserKind kind) => kind switch
    {
        BrowserKind.Edge => new[] { "/opt/microsoft/msedge/msedge", "/usr/bin/microsoft-edge", "/usr/bin/microsoft-edge-stable" },
        BrowserKind.Chrome => new[] { "/opt/google/chrome/chrome", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable" },
        _ => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium", "/snap/bin/chromium" },
    };

    private static IEnumerable<string> UnixCommandNames(BrowserKind kind) => kind switch
    {
        BrowserKind.Edge => new[] { "microsoft-edge", "microsoft-edge-stable" },
        BrowserKind.Chrome => new[] { "google-chrome", "google-chrome-stable", "chrome" },
        _ => new[] { "chromium", "chromium-browser" },
    };

    private IEnumerable<string> OnPath(IEnumerable<string> commands)
    {
        var directories = (_platform.Env("PATH") ?? string.Empty)
            .Split(_platform.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return commands.SelectMany(command => directories.Select(directory => _platform.JoinPath(directory, command)));
    }

    private static BrowserKind GuessKind(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path.Replace('\\', '/')).ToLowerInvariant();
        return name.Contains("edge") ? BrowserKind.Edge
            : name.Contains("chromium") ? BrowserKind.Chromium
            : name.Contains("chrome") ? BrowserKind.Chrome
            : BrowserKind.Chromium;
    }
}
