using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Host;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;

namespace OneFlexTokens.Renewal;

/// <summary>
/// The scheduled script's way into the renewal: the same options (<see cref="RenewalOptions.FromParameters"/>) and the
/// same run (<see cref="BotRenewal"/>) as Invoke-OneFlexRenewal, called on the module's binary without importing the
/// module, which is most of what a nothing-due run would otherwise cost in a fresh pwsh. It never throws: whatever
/// fails is a Failed result with a module error id. Ctrl+C stops the run as it stops the cmdlet.
/// </summary>
public static class ScheduledRenewal
{
    /// <summary>
    /// The scheduled script's one call, right after it loads the module's binary: -Check or a run, its summary line
    /// written to the host, its exit code returned. Everything the script would otherwise do in PowerShell happens here,
    /// because each PowerShell operation a fresh pwsh meets for the first time costs more than the decision itself.
    /// </summary>
    /// <param name="parameters">The script's $PSBoundParameters: Invoke-OneFlexRenewal's parameters, plus -Check and -ModulePath.</param>
    /// <param name="binary">The module's binary as the script loaded it: the module is its folder.</param>
    /// <param name="currentLocation">The script's $PWD: what relative paths are relative to.</param>
    /// <param name="host">The script's $Host, which prints the summary line.</param>
    public static int RunScript(IDictionary parameters, string binary, PathInfo currentLocation, PSHost host)
    {
        var moduleBase = Path.GetDirectoryName(Path.GetFullPath(binary))!;
        var currentDirectory = currentLocation.ProviderPath;
        var check = (parameters["Check"] is PSObject wrapped ? wrapped.BaseObject : parameters["Check"]) is SwitchParameter { IsPresent: true };
        int exitCode;
        string summary;
        if (check)
        {
            var ready = Check(parameters, moduleBase, currentDirectory);
            (exitCode, summary) = (ready.ExitCode, ready.ToString());
        }
        else
        {
            var result = Run(parameters, moduleBase, currentDirectory);
            (exitCode, summary) = (result.ExitCode, result.ToString());
        }

        host.UI.WriteLine(summary);
        return exitCode;
    }

    /// <param name="parameters">The script's $PSBoundParameters: Invoke-OneFlexRenewal's parameter names.</param>
    /// <param name="moduleBase">The module's folder (the script's parent folder, or -ModulePath's).</param>
    /// <param name="currentDirectory">What relative paths are relative to: the script's $PWD.</param>
    public static RenewalResult Run(IDictionary parameters, string moduleBase, string currentDirectory)
    {
        RenewalOptions options;
        try
        {
            options = RenewalOptions.FromParameters(parameters, path => Path.GetFullPath(path, currentDirectory), RenewalOptions.ManifestIn(moduleBase));
        }
        catch (OneFlexException failure)
        {
            return RenewalResult.NotStarted(failure, currentDirectory);
        }

        PlaywrightDriver.UseModuleFolder(moduleBase);
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return new BotRenewal(HostPlatform.Current).RunAsync(options, new RenewalCallbacks(), stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException canceled)
        {
            return RenewalResult.NotStarted(new OneFlexException(ErrorIds.RenewalStopped, System.Management.Automation.ErrorCategory.OperationStopped, Messages.RenewalStopped, options.BotFolder, canceled), options.BotFolder, options.LogFile);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The script's -Check: whether a real run could start here, as this user. It reads the options, lists the bot
    /// folder, reads config/.env when there is one and asks whether the state folder (or the folder it would be created
    /// in) and the log's folder are writable, but renews, writes, locks and alerts nothing. Register-OneFlexRenewal runs
    /// the command it registers with -Check added, the way the scheduler will, before writing it.
    /// </summary>
    public static ScheduledCheck Check(IDictionary parameters, string moduleBase, string currentDirectory)
    {
        try
        {
            var options = RenewalOptions.FromParameters(parameters, path => Path.GetFullPath(path, currentDirectory), RenewalOptions.ManifestIn(moduleBase));
            if (options.ParameterError is { } parameterError)
            {
                throw parameterError;
            }

            if (RenewalOptions.MissingBotFolder(options.BotFolder) is { } missing)
            {
                throw missing;
            }

            try
            {
                using var entries = Directory.EnumerateFileSystemEntries(options.BotFolder).GetEnumerator();
                entries.MoveNext();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new OneFlexException(ErrorIds.RenewalBotFolderNotReadable, ErrorCategory.PermissionDenied,
                    Messages.RenewalBotFolderNotReadable(options.BotFolder, e.Message), options.BotFolder, e);
            }

            if (File.Exists(options.ConfigEnvFile) || Directory.Exists(options.ConfigEnvFile))
            {
                // The same read (and refusals) as the run's due check.
                _ = EnvFileReader.ReadTokens(options.ConfigEnvFile);
            }

            RequireWritable(options.StateFolder);
            RequireWritable(Path.GetDirectoryName(options.LogFile)!);
            return new ScheduledCheck(0, null, Messages.ScheduledCheckReady(options.BotFolder));
        }
        catch (OneFlexException failure)
        {
            return new ScheduledCheck(1, failure.ErrorId, failure.Message);
        }
    }

    /// <summary>The folder, or the nearest folder above it that exists (where the run would create it), must take new files.</summary>
    private static void RequireWritable(string folder)
    {
        var existing = folder;
        while (!Directory.Exists(existing) && !File.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        // A file where a folder must be (or on its way) fails the run as surely as a folder it cannot write.
        if (!Directory.Exists(existing) || !PlatformFiles.CanWriteFolder(existing))
        {
            throw new OneFlexException(ErrorIds.RenewalStateNotWritable, ErrorCategory.PermissionDenied,
                Messages.RenewalStateNotWritable(folder, Messages.ScheduledCheckStateNotWritable(existing)), folder);
        }
    }
}

/// <summary>What the scheduled script's -Check found: exit 0 when a run could start, else 1 with the reason, on one line.</summary>
public sealed record ScheduledCheck(int ExitCode, string? ErrorId, string Message)
{
    public override string ToString() => ExitCode == 0 ? "Ready (exit 0): " + Message : $"NotReady (exit {ExitCode}): {ErrorId}: {Message}";
}
