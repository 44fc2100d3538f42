using System.Collections;
using OneFlexTokens.Common;
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
            return new BotRenewal(HostPlatform.Current).RunAsync(options, new WorkCallbacks(), stop.Token).GetAwaiter().GetResult();
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
}
