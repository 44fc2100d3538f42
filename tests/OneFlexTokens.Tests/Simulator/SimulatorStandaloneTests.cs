using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Simulator;

/// <summary>The simulator as `dotnet run` starts it: a separate process that prints its origins and stops on SIGTERM.</summary>
public sealed partial class SimulatorStandaloneTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Standalone_prints_both_origins_serves_the_sign_in_with_its_options_and_stops_on_sigterm()
    {
        Requirements.RequireUnix();
        using var process = Start("--access-token-lifetime-seconds", "60", "--email", "demo@example.com");
        try
        {
            using var timeout = new CancellationTokenSource(Bound);
            var app = AppLine().Match(await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "");
            var sso = SsoLine().Match(await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "");
            Assert.True(app.Success && sso.Success, "expected 'App: http://127.0.0.1:PORT' then 'SSO: http://localhost:PORT'");
            var appUrl = new Uri(app.Groups[1].Value);
            var ssoUrl = new Uri(sso.Groups[1].Value);

            using var browser = new TwoOriginBrowser(appUrl, ssoUrl);
            var form = await browser.NavigateAsync(appUrl);
            Assert.Equal(ssoUrl.Authority, form.Url.Authority);
            var landing = await browser.SubmitSignInAsync(form, "", staySignedIn: false);
            Assert.Contains("Signed in as demo@example.com", landing.Body);
            var jwt = DecodedJwt.Decode(browser.CookiesOf(appUrl)["access_token"]!.Value);
            Assert.Equal(TimeSpan.FromSeconds(60), jwt.ExpiresAt - jwt.IssuedAt);

            Assert.Equal(0, Kill(process.Id, Sigterm));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [SkippableFact]
    public async Task Standalone_human_sign_in_serves_the_username_page_and_its_control_endpoints_answer_another_process()
    {
        Requirements.RequireUnix();
        using var process = Start("--human-sign-in-popup");
        try
        {
            using var timeout = new CancellationTokenSource(Bound);
            var appUrl = new Uri(AppLine().Match(await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "").Groups[1].Value);
            var ssoUrl = new Uri(SsoLine().Match(await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "").Groups[1].Value);

            using var browser = new TwoOriginBrowser(appUrl, ssoUrl);
            var usernamePage = await browser.NavigateAsync(appUrl);
            Assert.Contains("id=\"username\"", usernamePage.Body);
            using var control = SimulatorApi.NewClient();
            using var noCode = await control.GetAsync(new Uri(ssoUrl, "/__control/mfa-code"), timeout.Token);
            Assert.Equal(HttpStatusCode.NotFound, noCode.StatusCode);
            using var ended = await control.PostAsync(new Uri(ssoUrl, "/__control/end-sso-sessions"), content: null, timeout.Token);
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);

            Assert.Equal(0, Kill(process.Id, Sigterm));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [SkippableFact]
    public async Task Standalone_refuses_an_unknown_option_with_usage_and_exit_code_2()
    {
        Requirements.RequireUnix();
        using var process = Start("--no-such-option");
        using var timeout = new CancellationTokenSource(Bound);
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Unknown option --no-such-option", error);
        Assert.Contains("--auto-sign-in", error);
    }

    private static Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OneFlex.Simulator.dll");
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"^App: (http://127\.0\.0\.1:\d+)$")]
    private static partial Regex AppLine();

    [GeneratedRegex(@"^SSO: (http://localhost:\d+)$")]
    private static partial Regex SsoLine();
}
