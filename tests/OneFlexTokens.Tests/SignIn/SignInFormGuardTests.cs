using System.Collections.Concurrent;
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

    private static readonly (string Name, string Inputs, bool IsSignInForm)[] Cases =
    {
        ("password", "<input type=\"password\" name=\"p\">", true),
        ("email", "<input type=\"email\" name=\"loginfmt\">", true),
        ("formpost", "", false),
    };

    private static string AutoSubmitting(string name, string inputs) => $$"""
        <html><body>
        <form id="f" method="post" action="{{AppOrigin}}/auth/callback">{{inputs}}<input type="hidden" name="case" value="{{name}}"></form>
        <script>setTimeout(() => { const f = document.getElementById('f'); f.submit(); f.requestSubmit(); fetch('/tried').catch(() => {}); }, 50);</script>
        </body></html>
        """;

    [SkippableFact]
    public async Task Credential_forms_are_reported_and_held_other_forms_post()
    {
        var browser = SignInScope.TryFindBrowser();
        Requirements.Require(browser is not null, "No Chromium/Chrome/Edge installed.");
        var profile = Directory.CreateTempSubdirectory("oneflex-guard-").FullName;
        try
        {
            await RunAsync(browser!, profile);
        }
        finally
        {
            Directory.Delete(profile, true);
        }
    }

    private static async Task RunAsync(BrowserChoice browser, string profile)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var context = await playwright.Chromium.LaunchPersistentContextAsync(
            profile,
            new BrowserTypeLaunchPersistentContextOptions { Headless = true, ExecutablePath = browser.ExecutablePath, ChromiumSandbox = false });
        var reported = new ConcurrentDictionary<string, TaskCompletionSource<bool>>();
        var posted = new ConcurrentDictionary<string, TaskCompletionSource<bool>>();
        var tried = new ConcurrentDictionary<string, TaskCompletionSource<bool>>();
        TaskCompletionSource<bool> Signal(ConcurrentDictionary<string, TaskCompletionSource<bool>> map, string name) =>
            map.GetOrAdd(name, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

        await context.ExposeFunctionAsync<string>(SignInWatch.FormBinding, origin => Signal(reported, new Uri(origin).Host.Split('.')[0]).TrySetResult(true));
        await context.AddInitScriptAsync(SignInWatch.FormGuardScript(AppOrigin));
        await context.RouteAsync("https://*.sso.test/**", route =>
        {
            var url = new Uri(route.Request.Url);
            var name = url.Host.Split('.')[0];
            if (url.AbsolutePath == "/tried")
            {
                Signal(tried, name).TrySetResult(true);
                return route.FulfillAsync(new() { Status = 204 });
            }

            return route.FulfillAsync(new() { ContentType = "text/html", Body = AutoSubmitting(name, Cases.Single(c => c.Name == name).Inputs) });
        });
        await context.RouteAsync(AppOrigin + "/**", route =>
        {
            Signal(posted, Cases.Single(c => route.Request.PostData?.Contains("case=" + c.Name) == true).Name).TrySetResult(true);
            return route.FulfillAsync(new() { ContentType = "text/html", Body = "<html>app</html>" });
        });

        foreach (var (name, _, isSignInForm) in Cases)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"https://{name}.sso.test/login");
            var first = await Task.WhenAny(Signal(reported, name).Task, Signal(posted, name).Task).WaitAsync(TimeSpan.FromSeconds(30));
            if (isSignInForm)
            {
                Assert.Same(Signal(reported, name).Task, first);
                // The page tried submit() and requestSubmit() before asking for /tried: neither may have reached the app.
                await Signal(tried, name).Task.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.False(Signal(posted, name).Task.IsCompleted, $"The {name} credentials form was submitted in headless mode.");
                Assert.Equal($"https://{name}.sso.test/login", page.Url);
            }
            else
            {
                Assert.Same(Signal(posted, name).Task, first);
                Assert.False(Signal(reported, name).Task.IsCompleted, "A form without credentials was reported as a sign-in form.");
            }

            await page.CloseAsync();
        }
    }
}
