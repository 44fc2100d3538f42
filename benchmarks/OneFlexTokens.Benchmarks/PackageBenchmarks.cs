using System.Globalization;
using System.IO.Compression;
using OneFlex.Simulator;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using static OneFlexTokens.Benchmarks.Stats;

// The benchmarks run where the tests run their real parts: Xvfb, dockerd, setpriv, Unix file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace OneFlexTokens.Benchmarks;

/// <summary>
/// The module as users get it: the package './build.ps1 -Package' writes, its install with Install-PSResource from a
/// folder repository, and the first headless sign-in after the install (which repairs the driver) against the same
/// sign-in with the source build. Every PowerShell here is the pinned pwsh in a fresh process.
/// </summary>
public static class PackageBenchmarks
{
    private const string RepositoryName = "OneFlexBench";
    private static readonly Lazy<Task<Package>> Built = new(Package.BuildAsync);

    // ---- package size, packed and unpacked, beside Microsoft.Playwright's own package ----

    public static async Task<BenchResult> Size(BenchOptions options)
    {
        var package = await Built.Value;
        var (packed, unpacked, nodes) = Measure(package.Nupkg);
        var (theirsPacked, theirsUnpacked, theirsNodes) = Measure(package.PlaywrightNupkg);
        return new BenchResult("package size (packed / unpacked)", $"{Mb(packed)} / {Mb(unpacked)}", $"{Mb(theirsPacked)} / {Mb(theirsUnpacked)} (Microsoft.Playwright {package.PlaywrightVersion})",
            $"×{(double)packed / theirsPacked:0.00} packed", "< 250 MB packed (NuGet's limit)", packed < 250_000_000,
            $"{Path.GetFileName(package.Nupkg)}: {packed:N0} bytes, {unpacked:N0} unpacked, {nodes} Node runtimes; {Path.GetFileName(package.PlaywrightNupkg)}: {theirsPacked:N0} bytes, {theirsUnpacked:N0} unpacked, {theirsNodes} Node runtimes; " +
            $"'./build.ps1 -Package' took {package.BuildSeconds:0} s (Release build of the module, layout of every driver, Compress-PSResource)");
    }

    // ---- Install-PSResource from a folder repository, beside unzipping the same package ----

    public static async Task<BenchResult> Install(BenchOptions options)
    {
        var runs = options.RunsOr(3);
        var package = await Built.Value;
        var installs = new List<double>();
        var unzips = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var home = package.NewFolder("install-home");
            installs.Add(package.InstallFor(home).Milliseconds);
            Directory.Delete(home, true);

            var target = package.NewFolder("unzip");
            unzips.Add(Elapsed(() => ZipFile.ExtractToDirectory(package.Nupkg, target)));
            Directory.Delete(target, true);
        }

        var ratio = Median(installs) / Median(unzips);
        return new BenchResult("Install-PSResource (folder repository)", Ms(Median(installs)), Ms(Median(unzips)) + " (unzip the same .nupkg)", $"×{ratio:0.00}", "-", null,
            $"Install-PSResource -Scope CurrentUser timed inside a fresh pwsh under a fresh HOME {Spread(installs)}; ZipFile.ExtractToDirectory {Spread(unzips)}");
    }

    // ---- First headless sign-in after the install (driver repair included) vs the source build ----

    public static Task<BenchResult> FirstSignIn(BenchOptions options) => SignInAfterInstall(options, anotherAccount: false);

    public static Task<BenchResult> FirstSignInAnotherAccount(BenchOptions options) => SignInAfterInstall(options, anotherAccount: true);

    private static async Task<BenchResult> SignInAfterInstall(BenchOptions options, bool anotherAccount)
    {
        var runs = options.RunsOr(7);
        var package = await Built.Value;
        var browser = new BrowserLocator(HostPlatform.Current).Locate();
        await using var simulator = await OneFlexSimulator.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(100) });
        var appUrl = simulator.AppUrl.ToString();

        // The account that signs in: root with its own install, or another account with root's install for all users.
        using var account = anotherAccount ? Account.Create(package) : null;
        var home = account?.Home ?? package.NewFolder("home");
        string installedBase;
        string? modulePath = null;
        if (account is null)
        {
            installedBase = package.InstallFor(home).Base;
        }
        else
        {
            installedBase = package.SaveForAllUsers();
            modulePath = Path.GetDirectoryName(Path.GetDirectoryName(installedBase));
        }

        var sourceBuild = package.WorldReadableSourceBuild();
        var node = PlaywrightDriver.Locate(HostPlatform.Current, installedBase).NodePath;
        var perUserCopies = Path.Combine(home, ".local", "share", "OneFlexTokens", "playwright-driver");
        var profile = Path.Combine(home, "profile");
        using (var xvfb = new BenchDisplay())
        using (xvfb.Use())
        using (var interactive = new Session())
        {
            interactive.Run("Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -BrowserPath $args[2] -Timeout 60", appUrl, profile, browser.ExecutablePath);
        }

        account?.TakeOwnership(home);
        var repairs = new HashSet<string>();
        var repairMs = new List<double>();
        var driverReady = (Installed: new List<double>(), Source: new List<double>());
        double Run(string module, bool afterInstall)
        {
            if (afterInstall)
            {
                // As Install-PSResource leaves it: no execute bit, and (another account) no per-user copy yet.
                File.SetUnixFileMode(node, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                if (Directory.Exists(perUserCopies))
                {
                    Directory.Delete(perUserCopies, true);
                }
            }

            // "<command ms> <repair> <ms when the driver was checked and repaired, or -> <ms when the driver answered> <module base>"
            var output = package.Pwsh(package.SignInScript, new[] { module, appUrl, profile, browser.ExecutablePath }, home, modulePath, account).Stdout.Trim().Split(' ', 5);
            var expected = afterInstall ? installedBase : sourceBuild;
            if (output.Length != 5 || output[4] != expected)
            {
                throw new InvalidOperationException($"The sign-in ran the module in '{string.Join(' ', output.Skip(4))}', not '{expected}'.");
            }

            (afterInstall ? driverReady.Installed : driverReady.Source).Add(double.Parse(output[3], CultureInfo.InvariantCulture));
            if (afterInstall)
            {
                repairs.Add(output[1]);
                repairMs.Add(double.Parse(output[2], CultureInfo.InvariantCulture));
            }

            return double.Parse(output[0], CultureInfo.InvariantCulture);
        }

        var (ours, theirs) = Alternate(runs, () => Run("OneFlexTokens", afterInstall: true), () => Run(Path.Combine(sourceBuild, "OneFlexTokens.psd1"), afterInstall: false));
        var wanted = anotherAccount ? "per-user-copy" : "execute-bit";
        if (repairs.Count != 1 || !repairs.Contains(wanted))
        {
            throw new InvalidOperationException($"Expected every sign-in after the install to repair the driver by {wanted}; saw {string.Join(", ", repairs)}.");
        }

        var ratio = Median(ours) / Median(theirs);
        var who = anotherAccount ? "another account, root's install for all users (per-user copy)" : "root, its own install (execute bit)";
        return new BenchResult(anotherAccount ? "first headless sign-in after install, other account" : "first headless sign-in after install",
            Ms(Median(ours)), Ms(Median(theirs)) + " (source build)", $"×{ratio:0.00}", "ratio ≤ 1.10", ratio <= 1.10,
            $"{who}: installed {Spread(ours)}; source build {Spread(theirs)}; the repair (driver checked and repaired, from the command's start) {Ms(Median(repairMs))}, max {Ms(repairMs.Max())}; " +
            $"Playwright driver answering: installed {Ms(Median(driverReady.Installed))}, source build {Ms(Median(driverReady.Source))}; each sample is Get-OneFlexToken -Headless timed inside a fresh pwsh that imported the module by name (installed) or by its manifest (out/OneFlexTokens), on the same profile and browser; before each installed sample the driver is put back as the install left it");
    }

    private static (long Packed, long Unpacked, int Nodes) Measure(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return (new FileInfo(nupkg).Length, zip.Entries.Sum(e => e.Length),
            zip.Entries.Count(e => e.FullName.StartsWith(".playwright/node/", StringComparison.Ordinal) && e.Name is "node" or "node.exe"));
    }

    private static string Mb(long bytes) => $"{bytes / 1e6:0.0} MB";

    /// <summary>The package built once for all rows, with the folder repository it is published to.</summary>
    private sealed class Package
    {
        private string _work = "";

        public required string Nupkg { get; init; }

        public required string PlaywrightVersion { get; init; }

        public required string PlaywrightNupkg { get; init; }

        public required string PwshPath { get; init; }

        public double BuildSeconds { get; init; }

        public string Repository => Path.Combine(_work, "repository");

        public string SignInScript => Path.Combine(_work, "signin.ps1");

        private string InstallScript => Path.Combine(_work, "install.ps1");

        public static async Task<Package> BuildAsync()
        {
            await Task.Yield();
            var root = RepoPaths.Root;
            var (built, ms) = Exec.Run("dotnet", new[] { "tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "build.ps1"), "-Package" }, workingDirectory: root, bound: TimeSpan.FromMinutes(10));
            var nupkg = built.Trim().Split('\n')[^1].Trim();
            var nugetPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured ? configured
                : Exec.Run("dotnet", new[] { "nuget", "locals", "global-packages", "--list" }, workingDirectory: root).Stdout.Trim().Replace("global-packages:", "", StringComparison.Ordinal).Trim();
            var playwright = RepoPaths.PackageVersion("Microsoft.Playwright");
            var package = new Package
            {
                Nupkg = nupkg,
                PlaywrightVersion = playwright,
                PlaywrightNupkg = Path.Combine(nugetPackages, "microsoft.playwright", playwright, $"microsoft.playwright.{playwright}.nupkg"),
                PwshPath = PinnedPwsh.Path,
                BuildSeconds = ms / 1000,
            };
            package._work = Directory.CreateTempSubdirectory("oneflex-bench-package-").FullName;
            // Installs, copies and the repository take ~2 GB: gone when the program ends.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(package._work, recursive: true);
            File.SetUnixFileMode(package._work, (UnixFileMode)0b111_101_101);
            File.WriteAllText(package.InstallScript, """
                param([string] $Repository, [string] $Name, [string] $PublishNupkg, [string] $SavePath)
                $ErrorActionPreference = 'Stop'
                $ProgressPreference = 'SilentlyContinue'
                Register-PSResourceRepository -Name $Name -Uri $Repository -Trusted
                if ($PublishNupkg) { Publish-PSResource -NupkgPath $PublishNupkg -Repository $Name; return }
                $clock = [Diagnostics.Stopwatch]::StartNew()
                if ($SavePath) { $null = Save-PSResource -Name OneFlexTokens -Repository $Name -Path $SavePath }
                else { Install-PSResource -Name OneFlexTokens -Repository $Name -Scope CurrentUser }
                $ms = $clock.Elapsed.TotalMilliseconds
                if ($SavePath) { $env:PSModulePath = $SavePath }
                (Get-Module OneFlexTokens -ListAvailable)[0].ModuleBase
                '{0:0.0}' -f $ms
                """);
            File.WriteAllText(package.SignInScript, """
                param([string] $Module, [string] $BaseUrl, [string] $ProfilePath, [string] $BrowserPath)
                $ErrorActionPreference = 'Stop'
                $ProgressPreference = 'SilentlyContinue'
                Import-Module $Module
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $verbose = Get-OneFlexToken -BaseUrl $BaseUrl -ProfilePath $ProfilePath -BrowserPath $BrowserPath -Headless -Timeout 60 -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
                $ms = $clock.Elapsed.TotalMilliseconds
                $repair = if ($verbose.Message -match 'Restored the execute bit') { 'execute-bit' } elseif ($verbose.Message -match 'per-user copy') { 'per-user-copy' } else { 'none' }
                $phase = { param($pattern) $verbose.Message | ForEach-Object { if ($_ -match $pattern) { $Matches[1] } } | Select-Object -First 1 }
                $checked = & $phase 'driver checked after (\d+) ms'
                '{0:0.0} {1} {2} {3} {4}' -f $ms, $repair, $(if ($checked) { $checked } else { '-' }), (& $phase 'Playwright driver ready after (\d+) ms'), (Get-Module OneFlexTokens).ModuleBase
                """);
            Directory.CreateDirectory(package.Repository);
            package.Pwsh(package.InstallScript, new[] { "-Repository", package.Repository, "-Name", RepositoryName, "-PublishNupkg", nupkg }, package.NewFolder("publish-home"));
            return package;
        }

        public string NewFolder(string name)
        {
            var folder = Path.Combine(_work, name + "-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(folder);
            return folder;
        }

        /// <summary>Install-PSResource -Scope CurrentUser for a fresh HOME: the module folder and the install's own time.</summary>
        public (string Base, double Milliseconds) InstallFor(string home)
        {
            var lines = Pwsh(InstallScript, new[] { "-Repository", Repository, "-Name", RepositoryName }, home).Stdout.Trim().Split('\n');
            return (lines[0].Trim(), double.Parse(lines[^1], CultureInfo.InvariantCulture));
        }

        /// <summary>As root installs for all users: Save-PSResource into a root-owned module folder others may read.</summary>
        public string SaveForAllUsers()
        {
            var modules = Path.Combine(NewFolder("all-users"), "Modules");
            Directory.CreateDirectory(modules);
            var saved = Pwsh(InstallScript, new[] { "-Repository", Repository, "-Name", RepositoryName, "-SavePath", modules }, NewFolder("root-home")).Stdout.Trim().Split('\n')[0].Trim();
            Exec.Run("chmod", new[] { "-R", "u=rwX,go=rX", Path.GetDirectoryName(modules)! });
            return saved;
        }

        /// <summary>A copy of out/OneFlexTokens that any account may read (the driver keeps its execute bit, as a build leaves it).</summary>
        public string WorldReadableSourceBuild()
        {
            var copy = Path.Combine(NewFolder("source-build"), "OneFlexTokens");
            Exec.Run("cp", new[] { "-a", RepoPaths.ModuleDirectory, copy });
            Exec.Run("chmod", new[] { "-R", "a+rX", Path.GetDirectoryName(copy)! });
            return copy;
        }

        /// <summary>The pinned pwsh, fresh, with this HOME and nothing of this process's module or driver settings.</summary>
        public (string Stdout, double Milliseconds) Pwsh(string script, IEnumerable<string> arguments, string home, string? modulePath = null, Account? account = null)
        {
            var environment = new Dictionary<string, string?>
            {
                ["HOME"] = home,
                ["XDG_DATA_HOME"] = null,
                ["XDG_CONFIG_HOME"] = null,
                ["XDG_CACHE_HOME"] = null,
                ["TMPDIR"] = null,
                ["PSModulePath"] = modulePath,
                ["DISPLAY"] = null,
                ["WAYLAND_DISPLAY"] = null,
                [PlaywrightDriver.SearchPathVariable] = null,
                [PlaywrightDriver.NodePathVariable] = null,
                ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
                ["POWERSHELL_UPDATECHECK"] = "Off",
            };
            var pwshArguments = new[] { "-NoProfile", "-NonInteractive", "-File", script }.Concat(arguments);
            if (account is null)
            {
                return Exec.Run(PwshPath, pwshArguments, environment, home);
            }

            environment["USER"] = environment["LOGNAME"] = account.Name;
            return Exec.Run("setpriv", new[] { $"--reuid={account.Id}", $"--regid={account.Group}", "--clear-groups", "--", account.PwshPath }.Concat(pwshArguments), environment, home);
        }
    }

    /// <summary>A second, non-root account made for the row (useradd) and removed after it, with a pwsh it may run.</summary>
    private sealed class Account : IDisposable
    {
        private Account(string name, int id, int group, string home, string pwshPath)
        {
            Name = name;
            Id = id;
            Group = group;
            Home = home;
            PwshPath = pwshPath;
        }

        public string Name { get; }

        public int Id { get; }

        public int Group { get; }

        public string Home { get; }

        public string PwshPath { get; }

        public static Account Create(Package package)
        {
            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException("this row makes a second account (useradd): run it as root.");
            }

            // The pinned pwsh sits under /root/.nuget (0700): give the account a copy, as a system-wide install would be.
            var pwshHome = Path.Combine(package.NewFolder("pwsh"), "pwsh");
            Exec.Run("cp", new[] { "-a", Path.GetDirectoryName(package.PwshPath)!, pwshHome });
            Exec.Run("chmod", new[] { "-R", "a+rX", pwshHome });
            Exec.Run("chmod", new[] { "a+x", Path.Combine(pwshHome, "pwsh") });
            var name = "oneflex-b" + Guid.NewGuid().ToString("N")[..8];
            var home = package.NewFolder(name);
            Exec.Run("useradd", new[] { "--no-create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--user-group", name });
            var id = int.Parse(Exec.Run("id", new[] { "-u", name }).Stdout.Trim(), CultureInfo.InvariantCulture);
            var group = int.Parse(Exec.Run("id", new[] { "-g", name }).Stdout.Trim(), CultureInfo.InvariantCulture);
            var account = new Account(name, id, group, home, Path.Combine(pwshHome, "pwsh"));
            account.TakeOwnership(home);
            return account;
        }

        public void TakeOwnership(string folder)
        {
            Exec.Run("chown", new[] { "-R", $"{Name}:{Name}", folder });
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public void Dispose() => Exec.Run("userdel", new[] { Name });
    }
}
