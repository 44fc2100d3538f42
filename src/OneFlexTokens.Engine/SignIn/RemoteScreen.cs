using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.SignIn;

/// <summary>
/// The remote sign-in's browser side: streams the page shown (the newest open page, so pop-ups are followed) to the
/// phone's viewer through the Chrome DevTools Protocol screencast, and applies the phone's input to that page.
/// JavaScript dialogs wait for the phone's answer. Nothing typed, no frame and no URL path reaches verbose text.
/// </summary>
internal sealed class RemoteScreen : IRemoteControl, IAsyncDisposable
{
    /// <summary>The viewport before the phone has come: a common Android phone's, in CSS pixels.</summary>
    public const int DefaultWidth = 412;

    /// <inheritdoc cref="DefaultWidth"/>
    public const int DefaultHeight = 800;

    /// <summary>
    /// One and a half device pixels per CSS pixel: the picture is shown at the phone's CSS width on screens of 2–3.5
    /// device pixels per CSS pixel, where 1× makes small text blur. 2× was sharper but has 78 % more pixels to capture,
    /// encode, relay and decode on each frame: on two cores it took the frames' median age from ~150–200 ms to ~270–300 ms.
    /// </summary>
    public const float DeviceScaleFactor = 1.5f;

    /// <summary>
    /// JPEG quality 50 keeps 14–16 px text legible at 1.5×; a frame of the simulator's sign-in form is about 15 KB, and
    /// typing five characters a second streams under 100 KB/s (one frame a key plus caret blinks).
    /// </summary>
    public const int JpegQuality = 50;

    private const int MinSide = 240;
    private const int MaxWidth = 1024;
    private const int MaxHeight = 1366;

    // The key names Playwright takes for the phone's keys (ViewerKeys.Allowed); "Space" is the key that types a space.
    private static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Backspace"] = "Backspace",
        ["Delete"] = "Delete",
        ["Tab"] = "Tab",
        ["Shift+Tab"] = "Shift+Tab",
        ["Enter"] = "Enter",
        ["Escape"] = "Escape",
        ["ArrowLeft"] = "ArrowLeft",
        ["ArrowRight"] = "ArrowRight",
        ["ArrowUp"] = "ArrowUp",
        ["ArrowDown"] = "ArrowDown",
        ["Home"] = "Home",
        ["End"] = "End",
        ["Space"] = " ",
    };

    private readonly IBrowserContext _context;
    private readonly IRemoteViewer _viewer;
    private readonly TimeSpan _dialogTimeout;
    private readonly Action<string>? _verbose;
    private readonly CancellationTokenSource _ending = new();
    private readonly SemaphoreSlim _switching = new(1, 1);

    /// <summary>
    /// The longest a call to the browser about the stream may take: a page that does not paint (a tab behind a pop-up)
    /// can leave a screenshot unanswered, and the stream must not stop on it.
    /// </summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(3);
    private readonly object _gate = new();
    private readonly object _statusGate = new();
    private readonly List<IPage> _pages = new();
    private readonly ConcurrentDictionary<int, PendingDialog> _dialogs = new();
    private TaskCompletionSource _dialogOpened = NewSignal();
    private Screencast? _cast;
    private (int Width, int Height) _viewport;
    private int _lastDialogId;
    private int _ended;
    private int _cleanedUp;

    /// <param name="dialogTimeout">How long a dialog waits for the phone's answer before it is dismissed: the sign-in's own timeout.</param>
    public RemoteScreen(IBrowserContext context, IRemoteViewer viewer, TimeSpan dialogTimeout, Action<string>? verbose)
    {
        _context = context;
        _viewer = viewer;
        _dialogTimeout = dialogTimeout;
        _verbose = verbose;
        _viewport = InitialViewport(viewer);
        context.Page += (_, page) => Open(page);
    }

    /// <summary>The phone's viewport if it has come (clamped to sane bounds), else <see cref="DefaultWidth"/>×<see cref="DefaultHeight"/>.</summary>
    public static (int Width, int Height) InitialViewport(IRemoteViewer viewer) =>
        viewer.PhoneViewport is { } phone ? Clamp(phone.Width, phone.Height) : (DefaultWidth, DefaultHeight);

    public static (int Width, int Height) Clamp(int width, int height) =>
        (Math.Clamp(width, MinSide, MaxWidth), Math.Clamp(height, MinSide, MaxHeight));

    private bool Ended => Volatile.Read(ref _ended) == 1;

    /// <summary>Streams <paramref name="page"/> (the sign-in's first page) and hands the viewer the controls.</summary>
    public async Task ShowAsync(IPage page)
    {
        Open(page);
        await FollowAsync().ConfigureAwait(false);
        _viewer.Attach(this);
    }

    /// <summary>The tokens are taken: the phone's last status says so, and the stream ends as in <see cref="DisposeAsync"/>.</summary>
    public async Task SignedInAsync()
    {
        End("Signed in");
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The sign-in is over: the stream stops, open dialogs are dismissed and input becomes a no-op.</summary>
    public async ValueTask DisposeAsync()
    {
        End(null);
        if (Interlocked.Exchange(ref _cleanedUp, 1) == 1)
        {
            return;
        }

        await _ending.CancelAsync().ConfigureAwait(false);
        foreach (var id in _dialogs.Keys)
        {
            if (_dialogs.TryRemove(id, out var pending))
            {
                await Quietly(pending.Dialog.DismissAsync().WaitAsync(CallBound)).ConfigureAwait(false);
            }
        }

        if (!await _switching.WaitAsync(CallBound).ConfigureAwait(false))
        {
            // A switch is stuck on the browser: closing the browser ends it and the stream with it.
            return;
        }

        try
        {
            if (_cast is not null)
            {
                await _cast.StopAsync().ConfigureAwait(false);
                _cast = null;
            }
        }
        finally
        {
            _switching.Release();
        }
    }

    public async Task ApplyAsync(ViewerInput input, CancellationToken cancellationToken)
    {
        var page = Shown();
        if (Ended || page is null)
        {
            return;
        }

        try
        {
            switch (input)
            {
                case TapInput tap:
                    await RunAsync(() => page.Mouse.ClickAsync((float)tap.X, (float)tap.Y), () => ReportFocusAsync(page), cancellationToken).ConfigureAwait(false);
                    break;
                case TextInput text:
                    await RunAsync(() => page.Keyboard.InsertTextAsync(text.Text), null, cancellationToken).ConfigureAwait(false);
                    break;
                case KeyInput key when Keys.TryGetValue(key.Key, out var name):
                    // Tab moves the focus to another field: the phone's keyboard follows it.
                    var moves = key.Key is "Tab" or "Shift+Tab";
                    await RunAsync(() => page.Keyboard.PressAsync(name), moves ? () => ReportFocusAsync(page) : null, cancellationToken).ConfigureAwait(false);
                    break;
                case ScrollInput scroll:
                    await page.Mouse.MoveAsync((float)scroll.X, (float)scroll.Y).WaitAsync(CallBound, cancellationToken).ConfigureAwait(false);
                    await page.Mouse.WheelAsync((float)scroll.DeltaX, (float)scroll.DeltaY).WaitAsync(CallBound, cancellationToken).ConfigureAwait(false);
                    break;
                case DialogAnswer answer:
                    await AnswerAsync(answer).WaitAsync(CallBound, cancellationToken).ConfigureAwait(false);
                    break;
                case ResizeInput resize:
                    await ResizeAsync(resize).WaitAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (TimeoutException)
        {
            // Never the input itself: it may be typed text.
            _verbose?.Invoke($"The browser did not take a {input.GetType().Name.Replace("Input", "", StringComparison.Ordinal).ToLowerInvariant()} from the phone within {CallBound.TotalSeconds:0} s; it was dropped.");
        }
        catch (Exception e) when (e is PlaywrightException or ObjectDisposedException or InvalidOperationException)
        {
            // The page (or the browser) went away meanwhile: the input has nothing left to act on.
        }
    }

    /// <summary>
    /// Runs one input. A dialog the page opens in answer holds the input until the phone answers it, and that answer is
    /// itself an input: the input then finishes in the background, so the answer can come.
    /// </summary>
    private async Task RunAsync(Func<Task> action, Func<Task>? then, CancellationToken cancellationToken)
    {
        var dialogOpened = Volatile.Read(ref _dialogOpened).Task;
        var acting = action();
        Task first;
        try
        {
            first = await Task.WhenAny(acting, dialogOpened).WaitAsync(CallBound, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            _ = Quietly(acting);
            throw;
        }

        if (first == acting)
        {
            await acting.ConfigureAwait(false);
            if (then is not null)
            {
                await then().WaitAsync(CallBound, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        _ = Quietly(then is null ? acting : acting.ContinueWith(_ => then(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap());
    }

    private void Open(IPage page)
    {
        (int Width, int Height) viewport;
        lock (_gate)
        {
            if (Ended || _pages.Contains(page) || page.IsClosed)
            {
                return;
            }

            _pages.Add(page);
            viewport = _viewport;
        }

        page.Close += (_, _) =>
        {
            lock (_gate)
            {
                _pages.Remove(page);
            }

            _ = Quietly(FollowAsync());
        };
        page.Dialog += (_, dialog) => OnDialog(dialog);
        page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest && request.Frame.ParentFrame is null && page == Shown())
            {
                ShowStatus("Loading", request.Url);
            }
        };
        page.Load += (_, _) =>
        {
            if (page == Shown())
            {
                ShowStatus("Showing", page.Url);
            }
        };

        // Pop-ups open at the context's first viewport: they take the phone's current one.
        if (viewport != (page.ViewportSize?.Width, page.ViewportSize?.Height))
        {
            _ = Quietly(page.SetViewportSizeAsync(viewport.Width, viewport.Height));
        }

        _ = Quietly(FollowAsync());
    }

    private int OpenPages
    {
        get
        {
            lock (_gate)
            {
                return _pages.Count;
            }
        }
    }

    private IPage? Shown()
    {
        lock (_gate)
        {
            return _pages.Count == 0 ? null : _pages[^1];
        }
    }

    /// <summary>Moves the screencast to the newest open page (a pop-up), or back to the one before when it closed.</summary>
    private async Task FollowAsync()
    {
        await _switching.WaitAsync().ConfigureAwait(false);
        try
        {
            var target = Shown();
            if (Ended || _cast?.Page == target)
            {
                return;
            }

            if (_cast is not null)
            {
                await _cast.StopAsync().ConfigureAwait(false);
                _cast = null;
            }

            if (target is null)
            {
                return;
            }

            try
            {
                // Only the front page paints in a headless browser: the one the phone sees must be it.
                await Quietly(target.BringToFrontAsync().WaitAsync(CallBound)).ConfigureAwait(false);
                _cast = await Screencast.StartAsync(_context, target, this).ConfigureAwait(false);
                _verbose?.Invoke($"Streaming the newest of {OpenPages} open page(s) to the phone.");
                ShowStatus("Showing", target.Url);
            }
            catch (PlaywrightException)
            {
                _cast = null;

                // The page closed while its stream started; its Close event follows and moves the stream on.
            }
        }
        finally
        {
            _switching.Release();
        }
    }

    private void OnFrame(Screencast cast, JsonElement frame)
    {
        if (Ended || !ReferenceEquals(Volatile.Read(ref _cast), cast))
        {
            return;
        }

        var jpeg = Convert.FromBase64String(frame.GetProperty("data").GetString() ?? string.Empty);
        var size = JpegSize.Read(jpeg);
        if (size is null)
        {
            return;
        }

        var metadata = frame.GetProperty("metadata");
        var paintedAt = metadata.TryGetProperty("timestamp", out var timestamp) ? timestamp.GetDouble() * 1000 : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Deliver(cast, new ScreenFrame(jpeg, size.Value.Width, size.Value.Height, metadata.GetProperty("deviceWidth").GetDouble(), metadata.GetProperty("deviceHeight").GetDouble(), paintedAt));
    }

    private void Deliver(Screencast cast, ScreenFrame frame)
    {
        // The blank page a browser (or a pop-up) starts on is no picture of the sign-in: the phone waits for the first real one.
        if (!Ended && ReferenceEquals(Volatile.Read(ref _cast), cast) && !IsBlank(cast.Page) && cast.IsNewer(frame.PaintedAt))
        {
            _viewer.Frame(frame);
        }
    }

    private static bool IsBlank(IPage page) => page.Url == "about:blank";

    private async Task ReportFocusAsync(IPage page)
    {
        var focus = await FocusOfAsync(page.MainFrame).ConfigureAwait(false);
        if (focus.CrossOrigin)
        {
            // A cross-origin frame has the focus: it answers for itself; only the focused document has hasFocus().
            foreach (var frame in page.Frames.Where(f => f.ParentFrame is not null))
            {
                var inner = await FocusOfAsync(frame).ConfigureAwait(false);
                if (inner.Focused && inner.Editable)
                {
                    focus = inner;
                    break;
                }
            }
        }

        _viewer.Focus(focus.Editable, focus.Editable ? focus.Type : null);
    }

    private static async Task<FocusState> FocusOfAsync(IFrame frame)
    {
        try
        {
            var state = await frame.EvaluateAsync<JsonElement>(FocusScript).WaitAsync(CallBound).ConfigureAwait(false);
            return new FocusState(
                state.GetProperty("editable").GetBoolean(),
                state.GetProperty("type").ValueKind == JsonValueKind.String ? state.GetProperty("type").GetString() : null,
                state.GetProperty("crossOrigin").GetBoolean(),
                state.GetProperty("focused").GetBoolean());
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // The tap navigated: the new page has no focused field yet.
            return new FocusState(false, null, false, false);
        }
    }

    /// <summary>The focused element, looking into same-origin frames: an editable field (and its type) or not.</summary>
    internal const string FocusScript = """
        () => {
          let el = document.activeElement;
          while (el && (el.tagName === 'IFRAME' || el.tagName === 'FRAME')) {
            let inner = null;
            try { inner = el.contentDocument; } catch (e) { inner = null; }
            if (!inner) return { editable: false, type: null, crossOrigin: true, focused: document.hasFocus() };
            el = inner.activeElement;
          }
          const state = (editable, type) => ({ editable, type, crossOrigin: false, focused: document.hasFocus() });
          if (!el) return state(false, null);
          if (el.tagName === 'INPUT') {
            const type = (el.type || 'text').toLowerCase();
            const notText = ['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'image', 'color', 'range', 'hidden'];
            return state(!notText.includes(type) && !el.disabled && !el.readOnly, type);
          }
          if (el.tagName === 'TEXTAREA') return state(!el.disabled && !el.readOnly, 'textarea');
          if (el.isContentEditable) return state(true, 'text');
          return state(false, null);
        }
        """;

    private void OnDialog(IDialog dialog)
    {
        if (Ended)
        {
            _ = Quietly(dialog.DismissAsync());
            return;
        }

        if (dialog.Type == "beforeunload")
        {
            // Leaving a page is what signing in does: no need to ask the phone.
            _ = Quietly(dialog.AcceptAsync());
            return;
        }

        var id = Interlocked.Increment(ref _lastDialogId);
        var pending = new PendingDialog(dialog);
        _dialogs[id] = pending;
        var kind = dialog.Type switch
        {
            "confirm" => RemoteDialogKind.Confirm,
            "prompt" => RemoteDialogKind.Prompt,
            _ => RemoteDialogKind.Alert,
        };
        _viewer.Dialog(new RemoteDialog(id, kind, dialog.Message, kind == RemoteDialogKind.Prompt ? dialog.DefaultValue : null));
        Interlocked.Exchange(ref _dialogOpened, NewSignal()).TrySetResult();
        _ = Quietly(DismissUnansweredAsync(id, pending));
    }

    private async Task DismissUnansweredAsync(int id, PendingDialog pending)
    {
        try
        {
            await Task.WhenAny(pending.Answered.Task, Task.Delay(_dialogTimeout, _ending.Token)).ConfigureAwait(false);
        }
        finally
        {
            if (_dialogs.TryRemove(id, out _))
            {
                await pending.Dialog.DismissAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task AnswerAsync(DialogAnswer answer)
    {
        if (!_dialogs.TryRemove(answer.Id, out var pending))
        {
            return;
        }

        pending.Answered.TrySetResult();
        if (answer.Accept)
        {
            await pending.Dialog.AcceptAsync(pending.Dialog.Type == "prompt" ? answer.Text ?? string.Empty : null).ConfigureAwait(false);
        }
        else
        {
            await pending.Dialog.DismissAsync().ConfigureAwait(false);
        }
    }

    private async Task ResizeAsync(ResizeInput resize)
    {
        var (width, height) = Clamp(resize.Width, resize.Height);
        IPage[] open;
        lock (_gate)
        {
            _viewport = (width, height);
            open = _pages.ToArray();
        }

        foreach (var page in open)
        {
            await Quietly(page.SetViewportSizeAsync(width, height).WaitAsync(CallBound)).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the end once, under the status lock, so that no page's status can follow <paramref name="lastStatus"/>.</summary>
    private void End(string? lastStatus)
    {
        lock (_statusGate)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0 && lastStatus is not null)
            {
                _viewer.Status(lastStatus);
            }
        }
    }

    /// <summary>"Loading https://sso.example" — the origin only: a URL's path or query can carry a code or a token.</summary>
    private void ShowStatus(string what, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !UrlPolicy.IsWebUrl(uri))
        {
            return;
        }

        lock (_statusGate)
        {
            if (!Ended)
            {
                _viewer.Status($"{what} {UrlPolicy.Origin(uri)}");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Awaits a call whose failure only means the page or the browser is gone.</summary>
    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is PlaywrightException or ObjectDisposedException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            // Nothing left to act on.
        }
    }

    private sealed record FocusState(bool Editable, string? Type, bool CrossOrigin, bool Focused);

    private sealed class PendingDialog(IDialog dialog)
    {
        public IDialog Dialog { get; } = dialog;

        public TaskCompletionSource Answered { get; } = NewSignal();
    }

    /// <summary>One page's screencast over its own CDP session. Each frame is acknowledged at once, so the stream never stalls.</summary>
    private sealed class Screencast
    {
        private readonly ICDPSession _session;
        private readonly object _order = new();
        private double _lastPaintedAt = double.MinValue;

        private Screencast(IPage page, ICDPSession session)
        {
            Page = page;
            _session = session;
        }

        public IPage Page { get; }

        public static async Task<Screencast> StartAsync(IBrowserContext context, IPage page, RemoteScreen screen)
        {
            var session = await context.NewCDPSessionAsync(page).ConfigureAwait(false);
            var cast = new Screencast(page, session);
            session.Event("Page.screencastFrame").OnEvent += (_, frame) =>
            {
                if (frame is not { } value)
                {
                    return;
                }

                _ = Quietly(session.SendAsync("Page.screencastFrameAck", new Dictionary<string, object> { ["sessionId"] = value.GetProperty("sessionId").GetInt32() }));
                screen.OnFrame(cast, value);
            };
            Volatile.Write(ref screen._cast, cast);
            var requestedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await session.SendAsync("Page.startScreencast", new Dictionary<string, object> { ["format"] = "jpeg", ["quality"] = JpegQuality, ["everyNthFrame"] = 1 }).ConfigureAwait(false);
            if (!IsBlank(page))
            {
                await Quietly(cast.SnapshotAsync(screen, requestedAt).WaitAsync(CallBound)).ConfigureAwait(false);
            }

            return cast;
        }

        /// <summary>
        /// The screencast sends a frame when the page paints, and a page already painted (a pop-up that loaded while
        /// its stream started, a page the phone comes back to) may not paint again for long: one screenshot shows it now.
        /// A frame of the screencast painted since wins over it.
        /// </summary>
        private async Task SnapshotAsync(RemoteScreen screen, double requestedAt)
        {
            var shot = await _session.SendAsync("Page.captureScreenshot", new Dictionary<string, object> { ["format"] = "jpeg", ["quality"] = JpegQuality }).ConfigureAwait(false);
            var jpeg = shot is { } value && value.TryGetProperty("data", out var data) ? Convert.FromBase64String(data.GetString() ?? string.Empty) : [];
            if (JpegSize.Read(jpeg) is { } size && Page.ViewportSize is { } viewport)
            {
                screen.Deliver(this, new ScreenFrame(jpeg, size.Width, size.Height, viewport.Width, viewport.Height, requestedAt));
            }
        }

        /// <summary>Frames can overtake each other between threads: an older one than the last shown is dropped.</summary>
        public bool IsNewer(double paintedAt)
        {
            lock (_order)
            {
                if (paintedAt < _lastPaintedAt)
                {
                    return false;
                }

                _lastPaintedAt = paintedAt;
                return true;
            }
        }

        public async Task StopAsync()
        {
            await Quietly(_session.SendAsync("Page.stopScreencast").WaitAsync(CallBound)).ConfigureAwait(false);
            await Quietly(_session.DetachAsync().WaitAsync(CallBound)).ConfigureAwait(false);
        }
    }
}
