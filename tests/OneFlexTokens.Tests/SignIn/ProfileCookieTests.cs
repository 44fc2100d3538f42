using System.Text;
using Microsoft.Data.Sqlite;
using OneFlex.Simulator;
using OneFlexTokens.Common;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using OneFlexTokens.TestSupport;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

/// <summary>What the persistent browser profile keeps after a sign-in, read from Chromium's own cookie store on disk.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProfileCookieTests
{
    private const string SignIn = "Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -Timeout 60";
    private const string Headless = "Get-OneFlexToken -BaseUrl $args[0] -ProfilePath $args[1] -Headless -Timeout 30";

    private readonly XvfbDisplay _xvfb;

    public ProfileCookieTests(XvfbDisplay xvfb)
    {
        _xvfb = xvfb;
    }

    private IDisposable Display()
    {
        Requirements.Require(_xvfb.Available, "Xvfb is not installed (apt-get install xvfb xauth).");
        return _xvfb.Use();
    }

    private static OneFlexToken SingleToken(ScriptResult result)
    {
        Assert.True(!result.AllErrors.Any(), result.Describe());
        return Assert.Single(result.OutputOf<OneFlexToken>());
    }

    [SkippableFact]
    public async Task The_profile_keeps_the_SSO_session_not_the_tokens_and_a_later_headless_renewal_still_works()
    {
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { AutoSignIn = true, AutoSignInDelay = TimeSpan.FromMilliseconds(300), AutoSignInStaySignedIn = true });
        OneFlexToken first;
        using (Display())
        using (var interactive = new PowerShellSession())
        {
            var result = interactive.Invoke(SignIn + " -Verbose", scope.AppUrl, scope.ProfilePath);
            first = SingleToken(result);
            Assert.True(result.Verbose.Any(v => v.Contains("Removed the token cookies from the profile", StringComparison.Ordinal)), string.Join("\n", result.Verbose));
        }

        var afterSignIn = ChromiumCookieStore.Read(scope.ProfilePath);
        Assert.Contains(afterSignIn, c => c.Name == OneFlexSimulator.SsoSessionCookieName && c.Host == scope.Simulator.SsoUrl.Host);
        Assert.DoesNotContain(afterSignIn, c => c.Name is "access_token" or "refresh_token");
        Assert.DoesNotContain("access_token", ChromiumCookieStore.RawText(scope.ProfilePath));

        using var noDisplay = new EnvironmentScope(new() { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null });
        using var scheduled = new PowerShellSession();
        var renewed = SingleToken(scheduled.Invoke(Headless, scope.AppUrl, scope.ProfilePath));

        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(1, scope.Simulator.SignInFormsShown);
        Assert.DoesNotContain(ChromiumCookieStore.Read(scope.ProfilePath), c => c.Name is "access_token" or "refresh_token");
        Assert.DoesNotContain("refresh_token", ChromiumCookieStore.RawText(scope.ProfilePath));
    }

    [SkippableFact]
    public async Task A_token_cookie_that_is_not_a_readable_JWT_is_ServiceError_not_a_crash()
    {
        // The service sets an access_token whose 'sub' is a lone surrogate.
        var hostile = TestJwt.FromPayload("{\"sub\":\"\\ud800\",\"exp\":4102444800}");
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions
        {
            AutoSignIn = true,
            AutoSignInDelay = TimeSpan.FromMilliseconds(300),
            AccessTokenOverride = _ => hostile,
        });
        using var display = Display();
        using var session = new PowerShellSession();

        var result = session.Invoke(SignIn, scope.AppUrl, scope.ProfilePath);

        Assert.Empty(result.Output);
        var error = Assert.Single(result.AllErrors);
        ModuleErrors.AssertModuleError(error);
        Assert.Equal(ErrorIds.ServiceError, ModuleErrors.IdOf(error));
        Assert.Contains("not valid Unicode", error.Exception.Message);
        Assert.Contains(scope.AppUrl.TrimEnd('/'), error.Exception.Message);
        SecretAssert.NotLeaked(result, hostile);
    }
}

/// <summary>Chromium's cookie store (an SQLite file in the profile): which cookies it holds, by host and name.</summary>
public static class ChromiumCookieStore
{
    public static string FileOf(string profile) =>
        new[] { Path.Combine(profile, "Default", "Network", "Cookies"), Path.Combine(profile, "Default", "Cookies") }.FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException("The profile has no Chromium cookie store.", profile);

    /// <summary>The bytes of the store and its journal, as text: a deleted row can linger in free pages.</summary>
    public static string RawText(string profile)
    {
        var store = FileOf(profile);
        return string.Concat(Directory.GetFiles(Path.GetDirectoryName(store)!, Path.GetFileName(store) + "*").Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
    }

    public static IReadOnlyList<(string Host, string Name)> Read(string profile)
    {
        // A copy: SQLite must not create or change files inside the profile.
        var copy = Path.Combine(Path.GetTempPath(), "oneflex-cookies-" + Guid.NewGuid().ToString("N"));
        File.Copy(FileOf(profile), copy);
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT host_key, name FROM cookies";
            using var reader = command.ExecuteReader();
            var cookies = new List<(string, string)>();
            while (reader.Read())
            {
                cookies.Add((reader.GetString(0).TrimStart('.'), reader.GetString(1)));
            }

            return cookies;
        }
        finally
        {
            File.Delete(copy);
        }
    }
}
