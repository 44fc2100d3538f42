using System.Management.Automation;
using Microsoft.Playwright;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.SignIn;

/// <summary>
/// Watches one browser context for the end of a sign-in: both token cookies on the app origin (success), the SSO
/// form in -Headless (a human is needed), a failing sign-in page, or the user closing the browser.
/// </summary>
internal sealed class SignInWatch
{
    private readonly IBrowserContext _context;
    private readonly SignInRequest _request;
    private readonly Action<string>? _verbose;
    private readonly string _appOrigin;
    private readonly TaskCompletionSource<SignInTokens> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _checksRunning;
    private int _checkAgain;

    public SignInWatch(IBrowserContext context, SignInRequest request, Action<string>? verbose)
    {
        _context = context;
        _request = request;
        _verbose = verbose;
        _appOrigin = request.BaseUrl.Text;
        Status = request.Remote is not null ? "Complete the sign-in on the phone"
            : request.Headless ? "Renewing the tokens from the SSO session in the profile"
            : "Complete the sign-in in the browser window";

        context.Response += (_, response) => OnResponse(response);
        context.RequestFinished += (_, _) => CheckCookies();
        context.Request += (_, _) => CheckCookies();
        context.Page += (_, page) => Attach(page);
        context.Close += (_, _) => Fail(new OneFlexException(ErrorIds.BrowserClosed, ErrorCategory.OperationStopped, Messages.BrowserClosed));
    }

    public Task<SignInTokens> Outcome => _outcome.Task;

    public string Status { get; private set; }

    public void Attach(IPage page)
    {
        page.FrameNavigated += (_, frame) =>
        {
            if (frame.ParentFrame is null)
            {
                OnMainFrameNavigated(page, frame.Url);
            }
        };
        page.Load += (_, _) =>
        {
            CheckCookies();
            OnLoaded(page.Url);
        };
        page.Close += (_, _) =>
        {
            if (_context.Pages.Count == 0)
            {
                Fail(new OneFlexException(ErrorIds.BrowserClosed, ErrorCategory.OperationStopped, Messages.BrowserClosed));
            }
        };
    }

    public void Navigate(IPage page)
    {
        _verbose?.Invoke($"Opening {_appOrigin}.");
        page.GotoAsync(_appOrigin, new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = 0 }).ContinueWith(
            t =>
            {
                var message = t.Exception?.GetBaseException().Message ?? string.Empty;
                if (message.Contains("net::ERR_", StringComparison.Ordinal) && !message.Contains("net::ERR_ABORTED", StringComparison.Ordinal))
                {
                    Fail(new OneFlexException(
                        ErrorIds.ServiceUnreachable,
                        ErrorCategory.ConnectionError,
                        Messages.BrowserCouldNotOpen(_appOrigin, DisplayText.FirstLine(message)),
                        _appOrigin));
                }
            },
            TaskContinuationOptions.OnlyOnFaulted);
    }

    private void OnResponse(IResponse response)
    {
        if (response.Status >= 500 && response.Request.IsNavigationRequest && response.Frame.ParentFrame is null)
        {
            var origin = Origin(new Uri(response.Url));
            Fail(new OneFlexException(ErrorIds.ServiceError, ErrorCategory.InvalidResult, Messages.SignInPageFailed(origin, response.Status), origin));
            return;
        }

        CheckCookies();
    }

    private void OnLoaded(string url)
    {
        if (WebPage(url) is { } uri)
        {
            _verbose?.Invoke($"Page loaded: {PathOnly(uri)}");
        }
    }

    private void OnMainFrameNavigated(IPage page, string url)
    {
        CheckCookies();
        if (WebPage(url) is not { } uri)
        {
            return;
        }

        _verbose?.Invoke($"Page: {PathOnly(uri)}");
        if (Origin(uri) == _appOrigin)
        {
            return;
        }

        Status = $"Signing in at {Origin(uri)}";
    }

    private static Uri? WebPage(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && UrlPolicy.IsWebUrl(uri) ? uri : null;

    /// <summary>A page's address for the verbose stream: no query or fragment, where a sign-in carries its codes.</summary>
    private static string PathOnly(Uri uri) => UrlPolicy.Display(new Uri(uri.GetLeftPart(UriPartial.Path)));

    /// <summary>
    /// In -Headless nobody is there to sign in: the moment a page outside the app origin shows a credentials input,
    /// report it and never submit that form. A script in every page reports the input as soon as it is parsed
    /// (before the page's own scripts can submit anything); forms without one (e.g. an SSO form_post) go through.
    /// A remote sign-in is headless too, but a human fills the form through the viewer: no guard there.
    /// </summary>
    public async Task PrepareAsync()
    {
        if (!_request.Headless || _request.Remote is not null)
        {
            return;
        }

        await _context.ExposeFunctionAsync<string>(FormBinding, origin =>
            Fail(new OneFlexException(ErrorIds.InteractiveLoginRequired, ErrorCategory.AuthenticationError, Messages.InteractiveLoginRequired(origin), origin))).ConfigureAwait(false);
        await _context.AddInitScriptAsync(FormGuardScript(_appOrigin)).ConfigureAwait(false);
    }

    internal const string FormBinding = "__oneflexTokensSignInForm";

    internal static string FormGuardScript(string appOrigin) => $$"""
        (() => {
          if (location.origin === {{System.Text.Json.JsonSerializer.Serialize(appOrigin)}} || !/^https?:$/.test(location.protocol)) return;
          const selector = {{System.Text.Json.JsonSerializer.Serialize(BrowserSignIn.SignInFormSelector)}};
          let reported = false;
          const report = () => {
            if (reported) return true;
            if (!document.querySelector(selector)) return false;
            reported = true;
            window.{{FormBinding}}(location.origin);
            return true;
          };
          new MutationObserver(report).observe(document, { childList: true, subtree: true });
          document.addEventListener('submit', e => {
            if (e.target.querySelector && e.target.querySelector(selector)) { e.preventDefault(); e.stopImmediatePropagation(); report(); }
          }, true);
          for (const name of ['submit', 'requestSubmit']) {
            const original = HTMLFormElement.prototype[name];
            HTMLFormElement.prototype[name] = function (...args) {
              if (this.querySelector(selector)) { report(); return; }
              return original.apply(this, args);
            };
          }
        })();
        """;

    /// <summary>Reads the app origin's cookies; runs at most one read at a time and once more if asked meanwhile.</summary>
    private void CheckCookies()
    {
        if (_outcome.Task.IsCompleted)
        {
            return;
        }

        Interlocked.Exchange(ref _checkAgain, 1);
        if (Interlocked.CompareExchange(ref _checksRunning, 1, 0) != 0)
        {
            return;
        }

        _ = CheckCookiesLoopAsync();
    }

    private async Task CheckCookiesLoopAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref _checkAgain, 0) == 1 && !_outcome.Task.IsCompleted)
            {
                var cookies = await _context.CookiesAsync(new[] { _appOrigin }).ConfigureAwait(false);
                var access = cookies.FirstOrDefault(c => c.Name == BrowserSignIn.AccessTokenCookie && c.Value.Length > 0)?.Value;
                var refresh = cookies.FirstOrDefault(c => c.Name == BrowserSignIn.RefreshTokenCookie && c.Value.Length > 0)?.Value;
                if (access is not null && refresh is not null)
                {
                    _verbose?.Invoke($"Tokens found on {_appOrigin}: access token {SecretMask.Mask(access)}, refresh token {SecretMask.Mask(refresh)}.");
                    try
                    {
                        Tokens.IssuedTokens.Check(access, refresh, Messages.SignInAt(_appOrigin));
                        _outcome.TrySetResult(new SignInTokens(access, refresh));
                    }
                    catch (OneFlexException unusable)
                    {
                        Fail(unusable);
                    }
                }
            }
        }
        catch (Exception e) when (e is PlaywrightException or ObjectDisposedException or InvalidOperationException)
        {
            // The browser is closing; its Close event decides the outcome.
        }
        finally
        {
            Interlocked.Exchange(ref _checksRunning, 0);
            if (Volatile.Read(ref _checkAgain) == 1 && !_outcome.Task.IsCompleted)
            {
                CheckCookies();
            }
        }
    }

    private void Fail(OneFlexException failure) => _outcome.TrySetException(failure);

    private static string Origin(Uri uri) => UrlPolicy.Origin(uri);
}
