using Microsoft.Playwright;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>
/// The -Headless guard script in a real headless Chromium: a page outside the app origin that asks for credentials is
/// reported and its form never submitted; an auto-posting form without credentials (an SSO form_post) goes through.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInFormGuardTests
{
    private const string AppOrigin = "https://app.oneflex.test";

    private static string AutoSubmitting(string inputs) => $$"""
        <html><body>
        <form id="f" method="post" action="{{AppOrigin}}/auth/callback">{{inputs}}<input type="hidden" name="code" value="abc"></form>
        <script>setTimeout(() => { const f = document.getElementById('f'); f.submit(); f.requestSubmit(); fetch('https://sso.test/tried').catch(() => {}); }, 50);</script>
        </body></html>
        """;

    [SkippableTheory]
    [InlineData("<input type=\"password\" name=\"p\">", true)]
    [InlineData("<input type=\"email\" name=\"loginfmt\">", true)]
    [InlineData("", false)]
    public async Task Credential_forms_are_reported_and_held_other_forms_post(string inputs, bool isSignInForm)
    {
        var browser = SignInScope.TryFindBrowser();
        Requirements.Require(browser is not null, "No Chromium/Chrome/Edge installed.");
        var profile = Directory.CreateTempSubdirectory("oneflex-guard-").FullName;
        try
        {
            await RunAsync(browser!, profile, inputs, isSignInForm);
        }
        finally
        {
            Directory.Delete(profile, true);
        }
    }

    private static async Task RunAsync(BrowserChoice browser, string profile, string inputs, bool isSignInForm)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var context = await playwright.Chromium.LaunchPersistentContextAsync(
            profile,
            new BrowserTypeLaunchPersistentContextOptions { Headless = true, ExecutablePath = browser.ExecutablePath, ChromiumSandbox = false });
        var reported = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tried = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await context.ExposeFunctionAsync<string>(SignInWatch.FormBinding, origin => reported.TrySetResult(origin));
        await context.AddInitScriptAsync(SignInWatch.FormGuardScript(AppOrigin));
        await context.RouteAsync("https://sso.test/tried", route =>
        {
            tried.TrySetResult(true);
            return route.FulfillAsync(new() { Status = 204 });
        });
        await context.RouteAsync("https://sso.test/login", route => route.FulfillAsync(new() { ContentType = "text/html", Body = AutoSubmitting(inputs) }));
        await context.RouteAsync(AppOrigin + "/**", route =>
        {
            posted.TrySetResult(true);
            return route.FulfillAsync(new() { ContentType = "text/html", Body = "<html>app</html>" });
        });

        var page = context.Pages.FirstOrDefault() ?? await context.NewPageAsync();
        await page.GotoAsync("https://sso.test/login");
        var first = await Task.WhenAny(reported.Task, posted.Task).WaitAsync(TimeSpan.FromSeconds(30));

        if (isSignInForm)
        {
            Assert.Same(reported.Task, first);
            Assert.Equal("https://sso.test", await reported.Task);
            // The page tried submit() and requestSubmit() before this request: neither may have reached the app.
            await tried.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(posted.Task.IsCompleted, "A credentials form was submitted in headless mode.");
            Assert.Equal("https://sso.test/login", page.Url);
        }
        else
        {
            Assert.Same(posted.Task, first);
            Assert.False(reported.Task.IsCompleted);
        }
    }
}
