using System.Text.Json;
using Microsoft.Playwright;

namespace OneFlexTokens.TestSupport;

/// <summary>How the scripted phone signs in to the simulator's human sign-in (SimulatorOptions.HumanSignIn and its options).</summary>
/// <param name="SsoUrl">The simulator's SSO origin: its step previews say where the fields are, its control endpoint gives the MFA code.</param>
public sealed record PhoneSignIn(Uri SsoUrl, string Username, string Password, bool Popup = false, bool Confirm = false);

/// <summary>
/// A second Chromium that plays a phone (a Pixel 7: touch, a mobile viewport, 2.6 device pixels per CSS pixel) opening a
/// remote sign-in's link, as a person would: it waits for the page to show, taps the fields on the picture, types with
/// the "phone's keyboard" (the viewer's own input), answers dialogs on the viewer. A person knows where the fields are
/// because they see them; this script lays the simulator's step out at the remote viewport's size in a browser of its
/// own (the simulator's step previews) and taps there. Used by the tests, the demo and the benchmarks.
/// </summary>
public sealed class ScriptedPhone : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Device = "Pixel 7";

    /// <summary>How long the script waits for the remote page to answer a tap before it taps again.</summary>
    private static readonly TimeSpan TapAnswerBound = TimeSpan.FromSeconds(10);

    /// <summary>How long the script waits for the picture to change before it taps a field that was not there yet again.</summary>
    private static readonly TimeSpan RetapBound = TimeSpan.FromSeconds(1);

    private static readonly HttpClient Control = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _phone;

    private ScriptedPhone(IPlaywright playwright, IBrowser browser, IBrowserContext phone)
    {
        _playwright = playwright;
        _browser = browser;
        _phone = phone;
    }

    /// <summary>Whether a phone can be played here: Chromium at <see cref="ChromiumPath"/>.</summary>
    public static string? MissingReason => File.Exists(ChromiumPath) ? null : $"Chromium is not installed at {ChromiumPath}.";

    /// <param name="driverSearchPath">Where Playwright's driver is (a built module folder), when the host's own folder has none.</param>
    public static async Task<ScriptedPhone> StartAsync(string? driverSearchPath = null)
    {
        if (driverSearchPath is not null
            && !Directory.Exists(Path.Combine(AppContext.BaseDirectory, ".playwright"))
            && Environment.GetEnvironmentVariable("PLAYWRIGHT_DRIVER_SEARCH_PATH") is null)
        {
            Environment.SetEnvironmentVariable("PLAYWRIGHT_DRIVER_SEARCH_PATH", driverSearchPath);
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await TestChromium.LaunchAsync(playwright, ChromiumPath);
            var phone = await browser.NewContextAsync(playwright.Devices[Device]);
            return new ScriptedPhone(playwright, browser, phone);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="link"/> in a new tab of the phone.</summary>
    public async Task<IPage> OpenAsync(string link)
    {
        var page = await _phone.NewPageAsync();
        await page.GotoAsync(link);
        return page;
    }

    /// <summary>Opens <paramref name="link"/> on another device (another browser context: its own cookies and storage).</summary>
    public async Task<IPage> OpenOnAnotherDeviceAsync(string link)
    {
        var device = await _browser.NewContextAsync(_playwright.Devices[Device]);
        var page = await device.NewPageAsync();
        await page.GotoAsync(link);
        return page;
    }

    /// <summary>A link-preview fetcher's request: the page without its fragment, as chat apps fetch it.</summary>
    public static async Task<int> FetchLikeAPreviewAsync(string link)
    {
        var withoutFragment = link.Split('#')[0];
        using var reply = await Control.GetAsync(withoutFragment);
        return (int)reply.StatusCode;
    }

    /// <summary>The viewer's figures (window.viewerStats).</summary>
    public static async Task<JsonElement> StatsAsync(IPage viewer) =>
        JsonDocument.Parse(await viewer.EvaluateAsync<string>("() => JSON.stringify(window.viewerStats)")).RootElement.Clone();

    /// <summary>Until the viewer shows a frame.</summary>
    public static Task WaitForFirstFrameAsync(IPage viewer, TimeSpan bound) =>
        viewer.WaitForFunctionAsync("() => window.viewerStats && window.viewerStats.frames > 0", null, new() { Timeout = (float)bound.TotalMilliseconds, PollingInterval = 10 });

    /// <summary>The text the viewer ends with (the done message, or why it was refused or ended).</summary>
    public static async Task<string> WaitForNoticeAsync(IPage viewer, TimeSpan bound)
    {
        await viewer.WaitForSelectorAsync("#notice:not([hidden])", new() { Timeout = (float)bound.TotalMilliseconds });
        return await viewer.InnerTextAsync("#notice");
    }

    /// <summary>
    /// The whole sign-in on the picture: username, password (any Unicode), the MFA code the simulator gives, the pop-up and
    /// the confirm when the sign-in has them. Returns once the last step is sent; the viewer's notice says how it ended.
    /// </summary>
    public async Task SignInAsync(IPage viewer, PhoneSignIn signIn, TimeSpan bound, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(bound);
        var token = timeout.Token;
        var sso = signIn.SsoUrl.GetLeftPart(UriPartial.Authority);
        var seen = 0;

        seen = await WaitForPageAsync(viewer, sso, seen, token);
        await TapFieldAsync(viewer, signIn.SsoUrl, "username", "#username", "text", token);
        await viewer.Keyboard.InsertTextAsync(signIn.Username);
        await viewer.Keyboard.PressAsync("Enter");

        seen = await WaitForPageAsync(viewer, sso, seen, token);
        await TapFieldAsync(viewer, signIn.SsoUrl, "password", "#password", "password", token);
        await viewer.Keyboard.InsertTextAsync(signIn.Password);
        await viewer.Keyboard.PressAsync("Enter");

        seen = await WaitForPageAsync(viewer, sso, seen, token);
        var mfaStep = "mfa";
        if (signIn.Popup)
        {
            await TapAsync(viewer, await CentreOfAsync(viewer, signIn.SsoUrl, "mfa-opener", "#open-mfa", token));
            seen = await WaitForPageAsync(viewer, sso, seen, token);
            mfaStep = "mfa-popup";
        }

        await TapFieldAsync(viewer, signIn.SsoUrl, mfaStep, "#code", "text", token);
        await viewer.Keyboard.InsertTextAsync(await MfaCodeAsync(signIn.SsoUrl, token));
        await viewer.Keyboard.PressAsync("Enter");
        if (signIn.Confirm)
        {
            await viewer.WaitForSelectorAsync("#dialog:not([hidden])", new() { Timeout = (float)bound.TotalMilliseconds });
            await viewer.TapAsync("#dialog-ok");
        }
    }

    /// <summary>The simulator's code of the sign-in waiting at its MFA step (the code a person reads in their authenticator).</summary>
    public static async Task<string> MfaCodeAsync(Uri ssoUrl, CancellationToken cancellationToken)
    {
        using var reply = await Control.GetAsync(new Uri(ssoUrl, "/__control/mfa-code"), cancellationToken);
        reply.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("code").GetString()!;
    }

    /// <summary>
    /// Until the viewer says a page of <paramref name="origin"/> has loaded (after the <paramref name="seen"/> statuses
    /// already used) and a frame painted after that is shown: what a person waits for before tapping.
    /// </summary>
    private static async Task<int> WaitForPageAsync(IPage viewer, string origin, int seen, CancellationToken cancellationToken)
    {
        var showing = "Showing " + origin;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stats = await StatsAsync(viewer);
            var count = stats.GetProperty("statusCount").GetInt32();
            var statuses = stats.GetProperty("statuses").EnumerateArray().Select(s => s.GetString()).ToArray();
            var fresh = statuses.Skip(Math.Max(0, statuses.Length - (count - seen))).ToArray();
            var at = Array.FindLastIndex(fresh, s => s == showing);
            if (at >= 0)
            {
                // The page has loaded; its picture may have come before that news, and a still page paints no more.
                return count;
            }

            await viewer.WaitForFunctionAsync($"() => window.viewerStats.statusCount > {count}", null, new() { PollingInterval = 10, Timeout = 0 }).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Taps where <paramref name="selector"/> is until the remote page reports an editable field of <paramref name="type"/> focused.</summary>
    private async Task TapFieldAsync(IPage viewer, Uri ssoUrl, string step, string selector, string type, CancellationToken cancellationToken)
    {
        var point = await CentreOfAsync(viewer, ssoUrl, step, selector, cancellationToken);
        while (true)
        {
            var reports = (await StatsAsync(viewer)).GetProperty("focusReports").GetInt32();
            await TapAsync(viewer, point);
            try
            {
                // A person whose tap shows nothing taps again.
                await viewer.WaitForFunctionAsync($"() => window.viewerStats.focusReports > {reports}", null, new() { PollingInterval = 10, Timeout = (float)TapAnswerBound.TotalMilliseconds }).WaitAsync(cancellationToken);
                var focus = (await StatsAsync(viewer)).GetProperty("focus");
                if (focus.GetProperty("editable").GetBoolean() && focus.GetProperty("type").GetString() == type)
                {
                    return;
                }
            }
            catch (TimeoutException)
            {
            }

            // Not there yet (the page is still being painted): tap again once the picture changes, or after a moment.
            var frames = (await StatsAsync(viewer)).GetProperty("frames").GetInt32();
            try
            {
                await viewer.WaitForFunctionAsync($"() => window.viewerStats.frames > {frames}", null, new() { PollingInterval = 10, Timeout = (float)RetapBound.TotalMilliseconds }).WaitAsync(cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Where <paramref name="selector"/> is on the remote page, in its CSS pixels: the step laid out at the remote viewport's size.</summary>
    public async Task<(double X, double Y)> CentreOfAsync(IPage viewer, Uri ssoUrl, string step, string selector, CancellationToken cancellationToken)
    {
        var stats = await StatsAsync(viewer);
        var width = (int)Math.Round(stats.GetProperty("cw").GetDouble());
        var height = (int)Math.Round(stats.GetProperty("ch").GetDouble());
        await using var probe = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await probe.NewPageAsync();
        await page.GotoAsync(new Uri(ssoUrl, "/__control/preview/" + step).ToString()).WaitAsync(cancellationToken);
        var box = await page.Locator(selector).BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not on the {step} step.");
        return (box.X + box.Width / 2, box.Y + box.Height / 2);
    }

    /// <summary>A finger's tap on the picture at a point of the remote page.</summary>
    public static async Task TapAsync(IPage viewer, (double X, double Y) remote)
    {
        var stats = await StatsAsync(viewer);
        var picture = await viewer.Locator("#picture").BoundingBoxAsync() ?? throw new InvalidOperationException("The viewer shows no picture.");
        var x = picture.X + remote.X / stats.GetProperty("cw").GetDouble() * picture.Width;
        var y = picture.Y + remote.Y / stats.GetProperty("ch").GetDouble() * picture.Height;
        await viewer.Touchscreen.TapAsync((float)x, (float)y);
    }

    public async ValueTask DisposeAsync()
    {
        await _phone.CloseAsync();
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
