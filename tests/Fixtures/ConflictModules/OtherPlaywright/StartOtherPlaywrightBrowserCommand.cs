using System.Management.Automation;
using ConflictModules;
using Microsoft.Playwright;

namespace OtherPlaywright;

/// <summary>Launches an installed Chromium headless through Playwright 1.62 and says which Playwright it ran on.</summary>
[Cmdlet(VerbsLifecycle.Start, "OtherPlaywrightBrowser")]
[OutputType(typeof(PSObject))]
public sealed class StartOtherPlaywrightBrowserCommand : PSCmdlet
{
    [Parameter(Mandatory = true)]
    public string ExecutablePath { get; set; } = string.Empty;

    protected override void EndProcessing()
    {
        var detail = LaunchAsync(ExecutablePath).GetAwaiter().GetResult();
        WriteObject(DependencyReport.For(typeof(IPlaywright).Assembly, detail));
    }

    private static async Task<string> LaunchAsync(string executablePath)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            Headless = true,
            ExecutablePath = executablePath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<title>other playwright</title>");
        return $"browser {browser.Version}, page '{await page.TitleAsync()}'";
    }
}
