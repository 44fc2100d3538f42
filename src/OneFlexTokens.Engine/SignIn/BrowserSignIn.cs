using System.Management.Automation;
using Microsoft.Playwright;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Secrets;
using OneFlexTokens.Tokens;

namespace OneFlexTokens.SignIn;

/// <summary>
/// Signs in with a real installed browser on a persistent profile and takes the access_token and refresh_token
/// cookies of the app origin as soon as both exist. Completion is event-driven: every response, finished request and
/// navigation triggers one cookie read. Every browser, context and driver it starts is closed before it returns.
/// </summary>
internal sealed class BrowserSignIn
{
    public const string AccessTokenCookie = "access_token";
    public const string RefreshTokenCookie = "refresh_token";

    /// <summary>Inputs a sign-in page asks for; on a foreign origin in -Headless this means a human is needed.</summary>
    public const string SignInFormSelector = "input[type=password], input[type=email], input[name=loginfmt], input[autocomplete=username]";

    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(5);

    private readonly HostPlatform _platform;
    private readonly Action<string>? _verbose;

    public BrowserSignIn(HostPlatform platform, Action<string>? verbose = null)
    {
        _platform = platform;
        _verbose = verbose;
    }

    /// <summary>
    /// Arguments that keep the browser quiet (no sync, no component downloads, no first-run UI). GPU is off on Linux,
    /// where virtual displays (Xvfb) and remote sessions have none.
    /// </summary>
    public static IReadOnlyList<string> LaunchArguments(HostPlatform platform)
    {
        var args = new List<string> { "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check" };
        if (platform.OS == OSKind.Linux)
        {
            args.Add("--disable-gpu");
        }

        return args;
    }

    /// <summary>
    /// The Chromium sandbox stays on, except on Linux as root, where Chromium refuses to start with it. (When a
    /// non-root Linux host has no usable sandbox either, the launch is retried once without it, with a warning.)
    /// </summary>
    public static bool UseSandbox(HostPlatform platform, bool isRoot) => !(platform.OS == OSKind.Linux && isRoot);

    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>Runs the sign-in. <paramref name="onTokens"/> gets the tokens the moment they exist, before the browser is closed.</summary>
    public async Task<SignInTokens> SignInAsync(
        SignInRequest request,
        Action<SignInProgress>? progress,
        Action<SignInTokens>? onTokens,
        CancellationToken cancellationToken)
    {
        var store = new SessionStateStore(request.ProfilePath);
        store.EnsureProfileDirectory();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IPlaywright? playwright = null;
        IBrowserContext? context = null;
        RemoteScreen? screen = null;
        try
        {
            var driver = await Task.Run(() => PlaywrightDriver.PrepareForSignIn(_platform), cancellationToken).ConfigureAwait(false);
            ReportRepair(driver, clock.ElapsedMilliseconds);
            playwright = await CreatePlaywrightAsync(driver, cancellationToken).ConfigureAwait(false);
            _verbose?.Invoke($"Playwright driver ready after {clock.ElapsedMilliseconds} ms.");
            context = await LaunchAsync(playwright, request, cancellationToken).ConfigureAwait(false);
            _verbose?.Invoke($"Browser ready after {clock.ElapsedMilliseconds} ms.");
            await RestoreSessionAsync(context, store).ConfigureAwait(false);
            if (await ForgetTokenCookiesAsync(context, request.BaseUrl).ConfigureAwait(false) is > 0 and var dropped)
            {
                _verbose?.Invoke($"Dropped {dropped} token cookie(s) left in the profile by an earlier run.");
            }

            var watch = new SignInWatch(context, request, _verbose);
            await watch.PrepareAsync().ConfigureAwait(false);
            var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync().ConfigureAwait(false);
            watch.Attach(page);
            if (request.Remote is { } viewer)
            {
                // A human signs in on the phone: the page goes to the viewer before it loads, so the first paint shows.
                screen = new RemoteScreen(context, viewer, request.Timeout, _verbose);
                await screen.ShowAsync(page).ConfigureAwait(false);
            }

            watch.Navigate(page);

            // The timeout is the time given to the sign-in itself, counted once the browser shows the page.
            var deadline = DateTimeOffset.UtcNow + request.Timeout;
            while (!watch.Outcome.IsCompleted)
            {
                var remaining = deadline - DateTimeOffset.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    var message = request.Remote is null ? Messages.SignInTimeout(request.Timeout, request.Headless) : Messages.RemoteSignInTimeout(request.Timeout);
                    throw new OneFlexException(ErrorIds.SignInTimeout, ErrorCategory.OperationTimeout, message, request.BaseUrl.Text);
                }

                progress?.Invoke(new SignInProgress(remaining, request.Timeout, watch.Status));
                var tick = remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1);
                await Task.WhenAny(watch.Outcome, Task.Delay(tick, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            var tokens = await watch.Outcome.ConfigureAwait(false);
            _verbose?.Invoke($"Tokens after {clock.ElapsedMilliseconds} ms.");
            onTokens?.Invoke(tokens);
            if (screen is not null)
            {
                // The phone stops seeing the page before the app's cookies are cleaned up behind it.
                await screen.SignedInAsync().ConfigureAwait(false);
            }

            await SaveSessionAsync(context, request.BaseUrl, store).ConfigureAwait(false);
            await LeaveOnlyTheSessionAsync(context, request.BaseUrl).ConfigureAwait(false);
            return tokens;
        }
        catch (PlaywrightException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The browser went away under a call of ours (most often: the user closed it while a page loaded).
            var closed = context is null || context.Pages.Count == 0 || e.Message.Contains("closed", StringComparison.OrdinalIgnoreCase);
            throw closed
                ? new OneFlexException(ErrorIds.BrowserClosed, ErrorCategory.OperationStopped, Messages.BrowserClosed, null, e)
                : new OneFlexException(ErrorIds.BrowserLaunchFailed, ErrorCategory.ResourceUnavailable, Messages.BrowserLaunchFailed(request.Browser.ExecutablePath, DisplayText.FirstLine(e.Message)), request.Browser.ExecutablePath, e);
        }
        finally
        {
            if (screen is not null)
            {
                await screen.DisposeAsync().ConfigureAwait(false);
            }

            await CloseAsync(context, playwright).ConfigureAwait(false);
            if (playwright is not null)
            {
                await BrowserProcesses.WaitForExitAsync(Path.GetFullPath(request.ProfilePath), CloseBound).ConfigureAwait(false);
            }
        }
    }

    private static async Task<IPlaywright> CreatePlaywrightAsync(PreparedDriver driver, CancellationToken cancellationToken)
    {
        Task<IPlaywright> creating;
        try
        {
            // The driver process starts inside this call, before its first await: the variables are back once it returns.
            creating = PlaywrightDriver.StartWith(driver, Playwright.CreateAsync);
        }
        catch (Exception e) when (e is PlaywrightException or System.ComponentModel.Win32Exception)
        {
            throw new OneFlexException(ErrorIds.PlaywrightDriverUnusable, ErrorCategory.ResourceUnavailable, Messages.PlaywrightDriverFailed(DisplayText.FirstLine(e.Message)), null, e);
        }

        try
        {
            return await creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = creating.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
        catch (Exception e) when (e is PlaywrightException or System.ComponentModel.Win32Exception)
        {
            // The driver (Node running Playwright's JS package) did not start or did not answer: the install, not the browser.
            throw new OneFlexException(ErrorIds.PlaywrightDriverUnusable, ErrorCategory.ResourceUnavailable, Messages.PlaywrightDriverFailed(DisplayText.FirstLine(e.Message)), null, e);
        }
    }

    private void ReportRepair(PreparedDriver driver, long elapsedMs)
    {
        switch (driver.Repair)
        {
            case DriverRepair.RestoreExecuteBit:
                _verbose?.Invoke($"Restored the execute bit of the browser driver's Node runtime {driver.NodePath} (packages keep no file modes); driver checked after {elapsedMs} ms.");
                break;
            case DriverRepair.PerUserCopy:
                _verbose?.Invoke($"Running the browser driver's Node runtime from the per-user copy {driver.NodePath}: the installed one is not executable for this user; driver checked after {elapsedMs} ms.");
                break;
        }
    }

    private async Task<IBrowserContext> LaunchAsync(IPlaywright playwright, SignInRequest request, CancellationToken cancellationToken)
    {
        var sandbox = UseSandbox(_platform, IsRoot);
        try
        {
            return await LaunchOnceAsync(playwright, request, sandbox, cancellationToken).ConfigureAwait(false);
        }
        catch (PlaywrightException e) when (sandbox && e.Message.Contains("sandbox", StringComparison.OrdinalIgnoreCase))
        {
            _verbose?.Invoke("The browser has no usable sandbox on this host; starting it without one.");
            return await LaunchOnceAsync(playwright, request, false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IBrowserContext> LaunchOnceAsync(IPlaywright playwright, SignInRequest request, bool sandbox, CancellationToken cancellationToken)
    {
        var headless = request.Headless || request.Remote is not null;
        var options = new BrowserTypeLaunchPersistentContextOptions
        {
            Headless = headless,
            Channel = request.Browser.Channel,
            ExecutablePath = request.Browser.Channel is null ? request.Browser.ExecutablePath : null,
            Args = LaunchArguments(_platform),
            IgnoreDefaultArgs = new[] { "--enable-automation" },
            ChromiumSandbox = sandbox,
            AcceptDownloads = false,
            Timeout = 60_000,
        };
        if (request.Remote is { } viewer)
        {
            var (width, height) = RemoteScreen.InitialViewport(viewer);
            options.ViewportSize = new ViewportSize { Width = width, Height = height };
            options.DeviceScaleFactor = RemoteScreen.DeviceScaleFactor;
            options.Args = options.Args.Append("--force-device-scale-factor=" + RemoteScreen.DeviceScaleFactor.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        else if (!request.Headless)
        {
            options.ViewportSize = ViewportSize.NoViewport;
        }

        _verbose?.Invoke($"Starting {request.Browser.Kind} ({request.Browser.Channel ?? request.Browser.ExecutablePath}){(headless ? " headless" : string.Empty)} with profile {request.ProfilePath}.");
        var launching = playwright.Chromium.LaunchPersistentContextAsync(request.ProfilePath, options);
        try
        {
            return await launching.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The launch goes on in the driver; close what it opens so no browser is left behind.
            try
            {
                await (await launching.WaitAsync(CloseBound).ConfigureAwait(false)).CloseAsync().WaitAsync(CloseBound).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Disposing the driver below ends the browser anyway.
            }

            throw;
        }
        catch (PlaywrightException e) when (!e.Message.Contains("sandbox", StringComparison.OrdinalIgnoreCase) || !sandbox)
        {
            throw new OneFlexException(ErrorIds.BrowserLaunchFailed, ErrorCategory.ResourceUnavailable, Messages.BrowserLaunchFailed(request.Browser.ExecutablePath, DisplayText.FirstLine(e.Message)), request.Browser.ExecutablePath, e);
        }
    }

    private async Task RestoreSessionAsync(IBrowserContext context, SessionStateStore store)
    {
        var saved = store.Load(DateTimeOffset.UtcNow);
        if (saved.Count == 0)
        {
            return;
        }

        foreach (var cookie in saved)
        {
            try
            {
                await context.AddCookiesAsync(new[] { ToPlaywright(cookie) }).ConfigureAwait(false);
            }
            catch (PlaywrightException)
            {
                // One cookie the browser no longer accepts must not stop the others.
            }
        }

        _verbose?.Invoke($"Restored {saved.Count} SSO session cookie(s) from the profile.");
    }

    /// <summary>
    /// The profile keeps the SSO session, not the OneFlex tokens: once they are taken, the app's token cookies are
    /// removed before the browser closes, so its cookie store (whose key is public on Linux) never keeps them. The app
    /// gets no more requests first (an answer could set them again) and the pages leave it.
    /// </summary>
    private async Task LeaveOnlyTheSessionAsync(IBrowserContext context, OneFlexBaseUrl baseUrl)
    {
        try
        {
            await context.RouteAsync(baseUrl.Text + "/**", route => route.AbortAsync()).ConfigureAwait(false);
            foreach (var page in context.Pages)
            {
                try
                {
                    await page.GotoAsync("about:blank", new PageGotoOptions { Timeout = (float)CloseBound.TotalMilliseconds }).ConfigureAwait(false);
                }
                catch (PlaywrightException)
                {
                    // Interrupted by a navigation of the app's, which the route above ends: the cookies are removed anyway.
                }
            }

            var left = 0;
            for (var round = 0; round < 3; round++)
            {
                await ForgetTokenCookiesAsync(context, baseUrl).ConfigureAwait(false);
                left = (await context.CookiesAsync().ConfigureAwait(false)).Count(c => IsTokenCookie(c, baseUrl));
                if (left == 0)
                {
                    break;
                }
            }

            _verbose?.Invoke(left == 0
                ? "Removed the token cookies from the profile: it keeps the SSO session only."
                : $"{left} token cookie(s) could not be removed from the profile; the next run drops them.");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            _verbose?.Invoke("Could not remove the token cookies from the profile (the next run drops them): " + DisplayText.FirstLine(e.Message));
        }
    }

    /// <summary>Drops the app's token cookies (any path); token cookies a previous run left would look like a finished sign-in.</summary>
    private static async Task<int> ForgetTokenCookiesAsync(IBrowserContext context, OneFlexBaseUrl baseUrl)
    {
        var tokens = (await context.CookiesAsync().ConfigureAwait(false)).Where(c => IsTokenCookie(c, baseUrl)).ToArray();
        foreach (var cookie in tokens)
        {
            await context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = cookie.Name, Domain = cookie.Domain, Path = cookie.Path }).ConfigureAwait(false);
        }

        return tokens.Length;
    }

    /// <summary>A cookie the app origin gets (host or parent-domain cookie, any path): the app's, never the SSO session's.</summary>
    private static bool IsAppCookie(BrowserContextCookiesResult cookie, OneFlexBaseUrl baseUrl)
    {
        var domain = cookie.Domain.TrimStart('.');
        return string.Equals(domain, baseUrl.Host, StringComparison.OrdinalIgnoreCase)
            || baseUrl.Host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsTokenCookie(BrowserContextCookiesResult cookie, OneFlexBaseUrl baseUrl) =>
        cookie.Name is AccessTokenCookie or RefreshTokenCookie && IsAppCookie(cookie, baseUrl);

    private async Task SaveSessionAsync(IBrowserContext context, OneFlexBaseUrl baseUrl, SessionStateStore store)
    {
        try
        {
            var all = await context.CookiesAsync().ConfigureAwait(false);
            var session = all.Where(c => !IsAppCookie(c, baseUrl)).Select(FromPlaywright).ToArray();
            store.Save(session);
            _verbose?.Invoke($"Kept {session.Length} SSO session cookie(s) in the profile for later -Headless runs.");
        }
        catch (Exception e) when (e is PlaywrightException or IOException or UnauthorizedAccessException)
        {
            _verbose?.Invoke("Could not keep the SSO session state in the profile: " + DisplayText.FirstLine(e.Message));
        }
    }

    private static async Task CloseAsync(IBrowserContext? context, IPlaywright? playwright)
    {
        if (context is not null)
        {
            try
            {
                await context.CloseAsync().WaitAsync(CloseBound).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already closed by the user, or stuck: disposing the driver ends the browser.
            }
        }

        playwright?.Dispose();
    }

    private static Cookie ToPlaywright(SavedCookie c) => new()
    {
        Name = c.Name,
        Value = c.Value,
        Domain = c.Domain,
        Path = string.IsNullOrEmpty(c.Path) ? "/" : c.Path,
        Expires = c.Expires < 0 ? null : (float)c.Expires,
        HttpOnly = c.HttpOnly,
        Secure = c.Secure,
        SameSite = c.SameSite switch
        {
            "Strict" => SameSiteAttribute.Strict,
            "None" => SameSiteAttribute.None,
            _ => SameSiteAttribute.Lax,
        },
    };

    private static SavedCookie FromPlaywright(BrowserContextCookiesResult c) =>
        new(c.Name, c.Value, c.Domain, c.Path, c.Expires, c.HttpOnly, c.Secure, c.SameSite.ToString());
}
