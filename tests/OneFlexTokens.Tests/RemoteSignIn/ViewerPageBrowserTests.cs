using Microsoft.Playwright;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.TestSupport;
using OneFlexTokens.Tests.SignIn;
using Xunit;
using static OneFlexTokens.Tests.RemoteSignIn.Viewer;

namespace OneFlexTokens.Tests.RemoteSignIn;

/// <summary>The viewer page in a real headless Chromium playing the phone, against the real listener.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ViewerPageBrowserTests
{
    private const int PhoneWidth = 390;
    private const int PhoneHeight = 800;

    [SkippableFact]
    public async Task The_page_hides_the_secret_shows_frames_and_relays_taps_text_keys_and_dialogs()
    {
        var browserChoice = SignInScope.TryFindBrowser();
        Requirements.Require(browserChoice is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        var said = new List<string>();
        await using var server = Start(said: said);
        var control = new RecordingControl();
        server.Attach(control);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await TestChromium.LaunchAsync(playwright, browserChoice!.ExecutablePath);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = PhoneWidth, Height = PhoneHeight } });
        var policyViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                policyViolations.Add(message.Text);
            }
        };

        await page.GotoAsync(server.Link.Link);
        await server.Claimed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(server.Link.PublicUrl.AbsoluteUri, await page.EvaluateAsync<string>("location.href"));
        Assert.Equal(PhoneWidth, server.PhoneViewport!.Value.Width);

        // A real JPEG of the remote page's size: the browser's own screenshot.
        var jpeg = await page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Jpeg, Quality = 60 });
        var remote = server.PhoneViewport!.Value;
        server.Frame(new ScreenFrame(jpeg, PhoneWidth, PhoneHeight, remote.Width, remote.Height, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await page.WaitForFunctionAsync("() => window.viewerStats.frames >= 1", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var age = await page.EvaluateAsync<double>("window.viewerStats.lastFrameAgeMs");
        Assert.InRange(age, 0, 10_000);
        Assert.True(await page.EvaluateAsync<bool>("(s => s.connectedAt <= s.firstDataAt && s.firstDataAt <= s.firstFrameAt)(window.viewerStats)"));

        // A frame painted before the page was opened shows a page unchanged since: its age (the wait for the human) is kept apart.
        server.Frame(new ScreenFrame(jpeg, PhoneWidth, PhoneHeight, remote.Width, remote.Height, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds()));
        await page.WaitForFunctionAsync("() => window.viewerStats.frames >= 2", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(new[] { 1, 1 }, await page.EvaluateAsync<int[]>("[window.viewerStats.ages.length, window.viewerStats.agesBeforeOpen.length]"));
        Assert.InRange(await page.EvaluateAsync<double>("window.viewerStats.agesBeforeOpen[0]"), 3_500_000, 3_700_000);

        var canvas = page.Locator("#picture");
        var box = (await canvas.BoundingBoxAsync())!;
        await canvas.ClickAsync(new LocatorClickOptions { Position = new Position { X = 100, Y = 150 } });
        var tap = Assert.IsType<TapInput>((await control.WaitForAsync(1))[0]);
        Assert.Equal(100 * remote.Width / box.Width, tap.X, 1);
        Assert.Equal(150 * remote.Height / box.Height, tap.Y, 1);
        Assert.Equal("keys", await page.EvaluateAsync<string>("document.activeElement.id"));

        await page.Keyboard.TypeAsync("Grüße");
        await page.Keyboard.InsertTextAsync("🙂 pasted");
        var typed = await WaitForTextAsync(control, "Grüße🙂 pasted");
        Assert.Equal("Grüße🙂 pasted", typed);
        var count = control.Inputs.Count;
        await page.Keyboard.PressAsync("Backspace");
        await page.Keyboard.PressAsync("Enter");
        var keys = (await control.WaitForAsync(count + 2)).Skip(count).ToArray();
        Assert.Equal(new ViewerInput[] { new KeyInput("Backspace"), new KeyInput("Enter") }, keys);

        server.Focus(false, null);
        await page.WaitForFunctionAsync("() => document.activeElement.id !== 'keys'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        server.Dialog(new RemoteDialog(7, RemoteDialogKind.Prompt, "Your name?", "x"));
        await page.Locator("#dialog").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        Assert.Equal("Your name?", await page.Locator("#dialog-message").TextContentAsync());
        await page.Locator("#dialog-text").FillAsync("Zoë");
        count = control.Inputs.Count;
        await page.Locator("#dialog-ok").ClickAsync();
        Assert.Equal(new DialogAnswer(7, true, "Zoë"), (await control.WaitForAsync(count + 1))[count]);

        // The phone turned: its new width resizes the remote page, once, from the width its hello gave.
        count = control.Inputs.Count;
        await page.SetViewportSizeAsync(PhoneHeight, PhoneWidth);
        Assert.Equal(PhoneHeight, Assert.IsType<ResizeInput>((await control.WaitForAsync(count + 1))[count]).Width);
        Assert.Equal(1, await page.EvaluateAsync<int>("window.viewerStats.sent.resize"));

        server.Finish("Signed in — the token is valid until 18:00; the bot restarts now.");
        await page.Locator("#notice").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        Assert.StartsWith("Signed in", await page.Locator("#notice").TextContentAsync());
        Assert.Empty(policyViolations);
        Assert.DoesNotContain(said, s => s.Contains(SecretOf(server), StringComparison.Ordinal) || s.Contains("Grüße", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_second_open_of_the_link_says_it_was_already_used()
    {
        var browserChoice = SignInScope.TryFindBrowser();
        Requirements.Require(browserChoice is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        await using var server = Start();
        using var first = await ClaimAsync(server);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await TestChromium.LaunchAsync(playwright, browserChoice!.ExecutablePath);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.Link.Link);
        await page.Locator("#notice").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        Assert.Contains("already used", await page.Locator("#notice").TextContentAsync());
        Assert.Contains("new link", await page.Locator("#notice").TextContentAsync());
    }

    [SkippableFact]
    public async Task On_a_touch_phone_a_tap_is_one_tap_and_the_key_bar_keeps_the_keyboard()
    {
        var browserChoice = SignInScope.TryFindBrowser();
        Requirements.Require(browserChoice is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        await using var server = Start();
        var control = new RecordingControl();
        server.Attach(control);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await TestChromium.LaunchAsync(playwright, browserChoice!.ExecutablePath);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = PhoneWidth, Height = PhoneHeight }, DeviceScaleFactor = 3, IsMobile = true, HasTouch = true,
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.Link.Link);
        await server.Claimed.WaitAsync(TimeSpan.FromSeconds(30));
        var remote = server.PhoneViewport!.Value;
        var jpeg = await page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Jpeg, Quality = 60 });
        server.Frame(new ScreenFrame(jpeg, PhoneWidth * 3, PhoneHeight * 3, remote.Width, remote.Height, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await page.WaitForFunctionAsync("() => window.viewerStats.frames >= 1", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        await page.Locator("#picture").TapAsync(new LocatorTapOptions { Position = new Position { X = 50, Y = 60 } });
        Assert.Equal("keys", await page.EvaluateAsync<string>("document.activeElement.id"));
        await page.Locator("#keybar button[data-key=Tab]").TapAsync();
        var inputs = await control.WaitForAsync(2);
        Assert.IsType<TapInput>(inputs[0]);
        Assert.Equal(new KeyInput("Tab"), inputs[1]);
        Assert.Equal("keys", await page.EvaluateAsync<string>("document.activeElement.id"));
        server.Finish("Signed in.");
        await page.Locator("#notice").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        Assert.Equal(2, control.Inputs.Count);
    }

    private static async Task<string> WaitForTextAsync(RecordingControl control, string expected)
    {
        while (true)
        {
            var text = string.Concat(control.Inputs.OfType<TextInput>().Select(t => t.Text));
            if (text.Length >= expected.Length)
            {
                return text;
            }

            await control.WaitForAsync(control.Inputs.Count + 1);
        }
    }
}
