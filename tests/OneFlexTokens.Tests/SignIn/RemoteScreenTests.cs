using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using OneFlex.Simulator;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;
using Xunit.Abstractions;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>
/// The remote sign-in's browser side in the real engine and a real headless Chromium: the screencast reaches a recording
/// viewer, and taps and typing sent through the control it is given sign in to the simulator, follow a pop-up, answer a
/// dialog. A second Chromium of the test's own finds where the fields are and decodes the frames.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RemoteScreenTests
{
    private const int PhoneWidth = 360;
    private const int PhoneHeight = 740;
    private const string Password = "Pässwörd-ü€🔑";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TypistPause = TimeSpan.FromMilliseconds(200);

    private readonly ITestOutputHelper _output;

    public RemoteScreenTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [SkippableFact]
    public async Task Taps_and_typing_on_the_picture_sign_in_to_the_simulator()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        await using var phone = await LayoutProbe.StartAsync(PhoneWidth, PhoneHeight);
        var fields = await phone.BoxesAsync(scope.AppUrl, "#email", "#password");
        var viewer = new RecordingViewer((PhoneWidth, PhoneHeight));
        var verbose = new ConcurrentQueue<string>();
        await using var running = Start(scope, scope.AppUrl, viewer, verbose);
        var signIn = running.Task;
        var control = await viewer.Control.Task.WaitAsync(Bound);
        var ssoOrigin = scope.Simulator.SsoUrl.GetLeftPart(UriPartial.Authority);
        await viewer.UntilAsync(v => v.Statuses.Contains("Showing " + ssoOrigin) && v.FrameCount > 0, Bound, signIn);

        // The sign-in watch hears the load before the screen does: the verbose stream says the SSO page has loaded (path only).
        Assert.Contains(verbose, v => v.StartsWith($"Page loaded: {ssoOrigin}/", StringComparison.Ordinal) && !v.Contains('?'));

        var first = viewer.Latest!;
        Assert.Equal((PhoneWidth, PhoneHeight), ((int)first.CssWidth, (int)first.CssHeight));

        // No picture of the blank page the browser starts on: the first frame comes once the sign-in's page is loading.
        Assert.Contains(viewer.StatusesAtFirstFrame!, s => s.StartsWith("Loading http", StringComparison.Ordinal));
        var device = ((int)(PhoneWidth * RemoteScreen.DeviceScaleFactor), (int)(PhoneHeight * RemoteScreen.DeviceScaleFactor));
        Assert.Equal(device, (first.Width, first.Height));
        Assert.Equal(device, await phone.DecodeAsync(first.Jpeg));
        Assert.InRange(first.PaintedAt, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeMilliseconds());

        await control.ApplyAsync(new TapInput(fields[0].X, fields[0].Y), CancellationToken.None);
        Assert.Equal((true, "email"), viewer.Focuses.Last());
        await control.ApplyAsync(new TextInput(scope.Simulator.Options.UserEmail), CancellationToken.None);
        await control.ApplyAsync(new KeyInput("Tab"), CancellationToken.None);
        Assert.Equal((true, "password"), viewer.Focuses.Last());
        await control.ApplyAsync(new KeyInput("Shift+Tab"), CancellationToken.None);
        Assert.Equal((true, "email"), viewer.Focuses.Last());

        await control.ApplyAsync(new TapInput(fields[1].X, fields[1].Y), CancellationToken.None);
        Assert.Equal((true, "password"), viewer.Focuses.Last());

        // Typing one character at a time at a quick human pace (5 a second; the delay is the typist, not a wait for
        // the engine): what the stream costs meanwhile, caret blinks included.
        var framesBefore = viewer.FrameCount;
        var bytesBefore = viewer.FrameBytes;
        var clock = Stopwatch.StartNew();
        var characters = StringInfo.GetTextElementEnumerator(Password);
        while (characters.MoveNext())
        {
            await control.ApplyAsync(new TextInput(characters.GetTextElement()), CancellationToken.None);
            await Task.Delay(TypistPause);
        }

        clock.Stop();
        Assert.True(viewer.FrameCount - framesBefore >= new StringInfo(Password).LengthInTextElements / 2, $"Only {viewer.FrameCount - framesBefore} frames while typing.");
        var frames = viewer.FrameCount - framesBefore;
        var bytes = viewer.FrameBytes - bytesBefore;
        _output.WriteLine($"Typing {new StringInfo(Password).LengthInTextElements} characters: {frames} frames, {bytes} bytes in {clock.ElapsedMilliseconds} ms = {bytes / clock.Elapsed.TotalSeconds / 1024:F1} KB/s (frame average {bytes / Math.Max(frames, 1) / 1024.0:F1} KB, {PhoneWidth}x{PhoneHeight} CSS px at {RemoteScreen.DeviceScaleFactor}x, JPEG quality {RemoteScreen.JpegQuality}).");

        await control.ApplyAsync(new KeyInput("Enter"), CancellationToken.None);
        var tokens = await signIn.WaitAsync(Bound);

        Assert.Equal(1, scope.Simulator.SignInsCompleted);
        Assert.Equal(scope.Simulator.UserId, JwtReader.Read(tokens.AccessToken).Subject);
        Assert.Matches("^[0-9a-f]{20}$", tokens.RefreshToken);
        Assert.Equal("Signed in", viewer.Statuses.Last());
        Assert.DoesNotContain(viewer.Statuses, s => s.Contains("/login", StringComparison.Ordinal) || s.Contains('?'));
        SecretAssert.NotIn(string.Join("\n", verbose.Concat(viewer.Statuses)), tokens.AccessToken, tokens.RefreshToken, Password);

        // The session is over: the control is inert, and no frame comes any more.
        var framesAtEnd = viewer.FrameCount;
        await control.ApplyAsync(new TapInput(10, 10), CancellationToken.None);
        await control.ApplyAsync(new TextInput("late"), CancellationToken.None);
        Assert.Equal(framesAtEnd, viewer.FrameCount);
        Assert.Empty(scope.BrowserProcesses());
    }

    [SkippableFact]
    public async Task A_popup_is_followed_until_it_closes_and_a_confirm_is_answered_from_the_phone()
    {
        var tokens = (Access: TestJwt.Valid(), Refresh: "refresh-" + Guid.NewGuid().ToString("N"));
        await using var app = new FaultServer(TestApp.Respond(tokens.Access, tokens.Refresh));
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions());
        await using var phone = await LayoutProbe.StartAsync(PhoneWidth, PhoneHeight);
        var boxes = await phone.BoxesAsync(app.Url.ToString(), "#popup", "#ask", "#secret");
        var viewer = new RecordingViewer(null);
        var verbose = new ConcurrentQueue<string>();
        using var log = new Finally(() => _output.WriteLine(string.Join("\n", verbose)));
        await using var running = Start(scope, app.Origin, viewer, verbose);
        var signIn = running.Task;
        var control = await viewer.Control.Task.WaitAsync(Bound);
        var ssoOrigin = $"http://localhost:{app.Url.Port}";
        await viewer.UntilAsync(v => v.Statuses.Contains("Showing " + ssoOrigin) && v.FrameCount > 0, Bound, signIn);

        // The phone had not come: the default viewport, until the phone says its size.
        Assert.Equal((RemoteScreen.DefaultWidth, RemoteScreen.DefaultHeight), ((int)viewer.Latest!.CssWidth, (int)viewer.Latest.CssHeight));
        await control.ApplyAsync(new ResizeInput(PhoneWidth, PhoneHeight), CancellationToken.None);
        await viewer.UntilAsync(v => v.Latest is { CssWidth: PhoneWidth, CssHeight: PhoneHeight }, Bound, signIn);
        Assert.Equal(TestApp.PageColor, await phone.CornerColourAsync(viewer.Latest!.Jpeg));

        var framesBeforePopup = viewer.FrameCount;
        await control.ApplyAsync(new TapInput(boxes[0].X, boxes[0].Y), CancellationToken.None);
        await viewer.UntilAsync(v => v.FrameCount > framesBeforePopup && v.Latest is { CssWidth: PhoneWidth }, Bound, signIn);
        Assert.True(await phone.UntilCornerAsync(viewer, TestApp.PopupColor, Bound), "The stream did not follow the pop-up.");

        // The pop-up's only content is a button that closes it: a tap anywhere.
        await control.ApplyAsync(new TapInput(PhoneWidth / 2.0, PhoneHeight / 2.0), CancellationToken.None);
        Assert.True(await phone.UntilCornerAsync(viewer, TestApp.PageColor, Bound), "The stream did not return to the page when the pop-up closed.");

        // The tap opens a confirm() that holds the click until the phone answers: the tap must come back first.
        await control.ApplyAsync(new TapInput(boxes[1].X, boxes[1].Y), CancellationToken.None).WaitAsync(Bound);
        var dialog = await viewer.Dialogs.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(RemoteDialogKind.Confirm, dialog.Kind);
        Assert.Equal("Use this device?", dialog.Message);
        await control.ApplyAsync(new DialogAnswer(dialog.Id, true, null), CancellationToken.None);
        await control.ApplyAsync(new DialogAnswer(dialog.Id, false, null), CancellationToken.None);

        await control.ApplyAsync(new TapInput(boxes[2].X, boxes[2].Y), CancellationToken.None);
        Assert.Equal((true, "password"), viewer.Focuses.Last());
        await control.ApplyAsync(new TextInput(Password), CancellationToken.None);
        await control.ApplyAsync(new KeyInput("Enter"), CancellationToken.None);
        var signedIn = await signIn.WaitAsync(Bound);

        Assert.Equal(tokens, (signedIn.AccessToken, signedIn.RefreshToken));
        var posted = Assert.Single(app.Received, r => r.Method == "POST");
        var form = posted.Body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => WebUtility.UrlDecode(p[1]));
        Assert.Equal(Password, form["secret"]);
        Assert.Equal("yes", form["confirmed"]);
        SecretAssert.NotIn(string.Join("\n", verbose.Concat(viewer.Statuses)), tokens.Access, tokens.Refresh, Password);
    }

    [SkippableFact]
    public async Task Cancelling_closes_the_browser_and_later_input_is_a_no_op()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = false });
        var viewer = new RecordingViewer((PhoneWidth, PhoneHeight));
        await using var running = Start(scope, scope.AppUrl, viewer, null);
        var signIn = running.Task;
        var control = await viewer.Control.Task.WaitAsync(Bound);
        await viewer.UntilAsync(v => v.FrameCount > 0 && scope.Simulator.SignInFormsShown > 0, Bound, signIn);
        Assert.NotEmpty(scope.BrowserProcesses());

        await running.Cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => signIn.WaitAsync(Bound));

        Assert.Empty(scope.BrowserProcesses());
        await control.ApplyAsync(new TapInput(10, 10), CancellationToken.None);
        await control.ApplyAsync(new KeyInput("Enter"), CancellationToken.None);
        await control.ApplyAsync(new DialogAnswer(1, true, null), CancellationToken.None);
        await control.ApplyAsync(new ResizeInput(400, 700), CancellationToken.None);
    }

    private static RunningSignIn Start(SignInScope scope, string baseUrl, RecordingViewer viewer, ConcurrentQueue<string>? verbose)
    {
        var request = new SignInRequest(OneFlexBaseUrl.Validate(baseUrl), SignInScope.TryFindBrowser()!, scope.ProfilePath, Headless: true, TimeSpan.FromSeconds(90))
        {
            Remote = viewer,
        };
        var cancel = new CancellationTokenSource();
        return new RunningSignIn(cancel, Task.Run(() => new BrowserSignIn(HostPlatform.Current, line => verbose?.Enqueue(line)).SignInAsync(request, null, null, cancel.Token)));
    }

    private sealed class Finally(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>A sign-in the test drives; a test that fails midway cancels it, so the failure shows rather than the browser it left.</summary>
    private sealed class RunningSignIn(CancellationTokenSource cancel, Task<SignInTokens> task) : IAsyncDisposable
    {
        public CancellationTokenSource Cancel { get; } = cancel;

        public Task<SignInTokens> Task { get; } = task;

        public async ValueTask DisposeAsync()
        {
            await Cancel.CancelAsync();
            try
            {
                await Task.WaitAsync(Bound);
            }
            catch (Exception)
            {
                // The test has its own verdict; this only ends the browser.
            }

            Cancel.Dispose();
        }
    }

    /// <summary>The viewer's side as the listener would be: it stores what the engine sends and keeps the control it is given.</summary>
    private sealed class RecordingViewer((int Width, int Height)? phone) : IRemoteViewer
    {
        private readonly object _gate = new();
        private readonly List<string> _statuses = new();
        private readonly List<(bool, string?)> _focuses = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ScreenFrame? _latest;
        private int _frames;
        private long _bytes;

        public (int Width, int Height)? PhoneViewport => phone;

        public TaskCompletionSource<IRemoteControl> Control { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public System.Threading.Channels.Channel<RemoteDialog> Dialogs { get; } = System.Threading.Channels.Channel.CreateUnbounded<RemoteDialog>();

        public ScreenFrame? Latest
        {
            get
            {
                lock (_gate)
                {
                    return _latest;
                }
            }
        }

        public int FrameCount => Volatile.Read(ref _frames);

        /// <summary>What the phone had been told when the first frame came.</summary>
        public string[]? StatusesAtFirstFrame { get; private set; }

        public long FrameBytes => Interlocked.Read(ref _bytes);

        public IReadOnlyList<string> Statuses
        {
            get
            {
                lock (_gate)
                {
                    return _statuses.ToArray();
                }
            }
        }

        public IReadOnlyList<(bool Editable, string? Type)> Focuses
        {
            get
            {
                lock (_gate)
                {
                    return _focuses.ToArray();
                }
            }
        }

        public void Attach(IRemoteControl control) => Control.TrySetResult(control);

        public void Frame(ScreenFrame frame)
        {
            lock (_gate)
            {
                StatusesAtFirstFrame ??= _statuses.ToArray();
                _latest = frame;
                _frames++;
                _bytes += frame.Jpeg.Length;
            }

            Changed();
        }

        public void Dialog(RemoteDialog dialog)
        {
            Dialogs.Writer.TryWrite(dialog);
            Changed();
        }

        public void Focus(bool editable, string? inputType)
        {
            lock (_gate)
            {
                _focuses.Add((editable, inputType));
            }

            Changed();
        }

        public void Status(string text)
        {
            lock (_gate)
            {
                _statuses.Add(text);
            }

            Changed();
        }

        /// <summary>Waits until <paramref name="condition"/> holds, woken by each thing the engine sends; fails early if the sign-in ends.</summary>
        public async Task UntilAsync(Func<RecordingViewer, bool> condition, TimeSpan bound, Task signIn)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var changed = Volatile.Read(ref _changed).Task;
                if (condition(this))
                {
                    return;
                }

                if (signIn.IsCompleted)
                {
                    await signIn;
                    Assert.Fail("The sign-in ended before the viewer saw what the test waits for.");
                }

                var left = bound - clock.Elapsed;
                Assert.True(left > TimeSpan.Zero, $"Timed out: {FrameCount} frames, statuses: {string.Join(" | ", Statuses)}");
                await Task.WhenAny(changed, signIn, Task.Delay(left));
            }
        }

        private void Changed() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// The test's own Chromium at the phone's viewport and scale: it lays the same pages out to find where fields are
    /// (same browser, same viewport, same layout), and decodes the engine's frames to check they are real JPEGs.
    /// </summary>
    private sealed class LayoutProbe : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;
        private readonly IPage _page;

        private LayoutProbe(IPlaywright playwright, IBrowser browser, IPage page)
        {
            _playwright = playwright;
            _browser = browser;
            _page = page;
        }

        public static async Task<LayoutProbe> StartAsync(int width, int height)
        {
            var playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new() { Headless = true, ExecutablePath = SignInScope.TryFindBrowser()!.ExecutablePath, ChromiumSandbox = false });
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, DeviceScaleFactor = RemoteScreen.DeviceScaleFactor });
            return new LayoutProbe(playwright, browser, await context.NewPageAsync());
        }

        /// <summary>The centre of each element, in CSS pixels of the viewport, once <paramref name="url"/> has loaded.</summary>
        public async Task<IReadOnlyList<(double X, double Y)>> BoxesAsync(string url, params string[] selectors)
        {
            await _page.GotoAsync(url);
            var centres = new List<(double, double)>();
            foreach (var selector in selectors)
            {
                var box = await _page.Locator(selector).BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not laid out.");
                centres.Add((box.X + (box.Width / 2), box.Y + (box.Height / 2)));
            }

            await _page.GotoAsync("about:blank");
            return centres;
        }

        /// <summary>The size Chromium decodes the JPEG to; fails if it is no picture.</summary>
        public async Task<(int Width, int Height)> DecodeAsync(byte[] jpeg)
        {
            var size = await _page.EvaluateAsync<int[]>(
                "async src => { const img = new Image(); img.src = src; await img.decode(); return [img.naturalWidth, img.naturalHeight]; }",
                "data:image/jpeg;base64," + Convert.ToBase64String(jpeg));
            return (size[0], size[1]);
        }

        /// <summary>
        /// The colour at three quarters of the JPEG's width and height (below and beside the test pages' text), as #rrggbb
        /// rounded to the nearest of 16 steps per channel (JPEG is lossy).
        /// </summary>
        public async Task<string> CornerColourAsync(byte[] jpeg) => await _page.EvaluateAsync<string>(
            """
            async src => {
              const img = new Image(); img.src = src; await img.decode();
              const canvas = document.createElement('canvas'); canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              const g = canvas.getContext('2d'); g.drawImage(img, 0, 0);
              const [r, gr, b] = g.getImageData(img.naturalWidth * 3 >> 2, img.naturalHeight * 3 >> 2, 1, 1).data;
              const step = v => Math.min(255, Math.round(v / 17) * 17).toString(16).padStart(2, '0');
              return '#' + step(r) + step(gr) + step(b);
            }
            """,
            "data:image/jpeg;base64," + Convert.ToBase64String(jpeg));

        /// <summary>Waits until the newest frame has <paramref name="colour"/> at the point <see cref="CornerColourAsync"/> reads.</summary>
        public async Task<bool> UntilCornerAsync(RecordingViewer viewer, string colour, TimeSpan bound)
        {
            var clock = Stopwatch.StartNew();
            ScreenFrame? checkedFrame = null;
            while (clock.Elapsed < bound)
            {
                var latest = viewer.Latest;
                if (latest is not null && !ReferenceEquals(latest, checkedFrame))
                {
                    checkedFrame = latest;
                    if (await CornerColourAsync(latest.Jpeg) == colour)
                    {
                        return true;
                    }

                    continue;
                }

                await viewer.UntilAsync(v => !ReferenceEquals(v.Latest, checkedFrame), bound - clock.Elapsed, Task.Delay(Timeout.Infinite));
            }

            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.CloseAsync();
            _playwright.Dispose();
        }
    }

    /// <summary>A tiny app on the fault server: a page with a pop-up, a confirm() and a password form whose post sets the token cookies.</summary>
    private static class TestApp
    {
        public const string PageColor = "#ffffff";
        public const string PopupColor = "#ff0000";

        public static FaultServer.Responder Respond(string accessToken, string refreshToken) => (request, connection, ct) =>
        {
            var path = request.Path.Split('?')[0];
            var (status, headers, body) = (request.Method, path) switch
            {
                ("GET", "/") => (302, $"Location: http://localhost:{request.Headers["Host"].Split(':')[1]}/sso\r\n", string.Empty),
                ("GET", "/sso") => (200, string.Empty, Page(request.Headers["Host"].Split(':')[1])),
                ("GET", "/popup") => (200, string.Empty, Popup),
                ("POST", "/done") => (200, $"Set-Cookie: access_token={accessToken}; Path=/\r\nSet-Cookie: refresh_token={refreshToken}; Path=/\r\n", "<!doctype html><p>Signed in</p>"),
                _ => (404, string.Empty, string.Empty),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status} X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {bytes.Length}\r\n{headers}Connection: close\r\n\r\n";
            return WriteAsync(connection, Encoding.UTF8.GetBytes(head).Concat(bytes).ToArray(), ct);
        };

        private static async Task WriteAsync(Stream connection, byte[] bytes, CancellationToken ct) => await connection.WriteAsync(bytes, ct);

        // Served on localhost, another site than the app's 127.0.0.1 (as an SSO is): the page runs in another renderer process.
        private static string Page(string port) => """
            <!doctype html><html><head><meta charset="utf-8"><title>App</title></head>
            <body style="margin:0;background:#fff;font:16px sans-serif">
            <p><button id="popup" onclick="window.open('/popup', 'mfa', 'width=300,height=300')">Verify</button></p>
            <p><button id="ask" onclick="document.getElementById('confirmed').value = confirm('Use this device?') ? 'yes' : 'no'">Trust</button></p>
            <form method="post" action="http://127.0.0.1:PORT/done">
              <input type="hidden" id="confirmed" name="confirmed" value="unasked">
              <p><input id="secret" name="secret" type="password"></p>
            </form>
            </body></html>
            """.Replace("PORT", port, StringComparison.Ordinal);

        private const string Popup = """
            <!doctype html><html><head><meta charset="utf-8"><title>MFA</title></head>
            <body style="margin:0"><button id="close" onclick="window.close()" style="position:fixed;inset:0;width:100%;height:100%;border:0;background:#f00">Done</button></body></html>
            """;
    }
}
