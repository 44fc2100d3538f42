using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OneFlex.Simulator;

namespace OneFlexTokens.Tests.Simulator;

/// <summary>One hop of a navigation: the request URL, the status and the Set-Cookie headers of its response.</summary>
internal sealed record Hop(Uri Url, HttpStatusCode Status, IReadOnlyList<string> SetCookies, string Body);

/// <summary>
/// A cookie-keeping client that drives the simulator's redirects by hand, with one HttpClient and one cookie jar
/// per origin (as a browser keeps cookies per host), and records every hop.
/// </summary>
internal sealed class TwoOriginBrowser : IDisposable
{
    private readonly Dictionary<string, (HttpClient Client, CookieContainer Jar)> _origins = new(StringComparer.Ordinal);

    public TwoOriginBrowser(OneFlexSimulator simulator)
        : this(simulator.AppUrl, simulator.SsoUrl)
    {
    }

    public TwoOriginBrowser(Uri appUrl, Uri ssoUrl)
    {
        foreach (var origin in new[] { appUrl, ssoUrl })
        {
            var jar = new CookieContainer();
            var handler = new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = jar, UseCookies = true };
            _origins[Key(origin)] = (new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) }, jar);
        }
    }

    public List<Hop> Hops { get; } = [];

    public CookieCollection CookiesOf(Uri origin) => _origins[Key(origin)].Jar.GetAllCookies();

    public HttpClient ClientFor(Uri origin) => _origins[Key(origin)].Client;

    /// <summary>GETs <paramref name="url"/> and follows redirects across both origins until a non-redirect answer.</summary>
    public Task<Hop> NavigateAsync(Uri url) => FollowAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Submits the sign-in form found in <paramref name="formPage"/> the way the page's form would.</summary>
    public Task<Hop> SubmitSignInAsync(Hop formPage, string email, bool staySignedIn)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("client_id", HiddenField(formPage.Body, "client_id")),
            new("redirect_uri", HiddenField(formPage.Body, "redirect_uri")),
            new("state", HiddenField(formPage.Body, "state")),
            new("email", email),
            new("password", "any password"),
        };
        if (staySignedIn)
        {
            fields.Add(new("stay_signed_in", "true"));
        }

        return FollowAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(formPage.Url, "/login")) { Content = new FormUrlEncodedContent(fields) });
    }

    /// <summary>
    /// Posts a form of <paramref name="page"/> to <paramref name="action"/> as the page would: its hidden fields named in
    /// <paramref name="hidden"/> plus the <paramref name="typed"/> ones, UTF-8 encoded.
    /// </summary>
    public Task<Hop> PostFormAsync(Hop page, string action, string[] hidden, params KeyValuePair<string, string>[] typed)
    {
        var fields = hidden.Select(name => new KeyValuePair<string, string>(name, HiddenField(page.Body, name))).Concat(typed);
        return FollowAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(page.Url, action)) { Content = new FormUrlEncodedContent(fields) });
    }

    private async Task<Hop> FollowAsync(HttpRequestMessage request)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            using var response = await _origins[Key(request.RequestUri!)].Client.SendAsync(request);
            var hop = new Hop(
                request.RequestUri!,
                response.StatusCode,
                response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToList() : [],
                await response.Content.ReadAsStringAsync());
            Hops.Add(hop);
            if (response.Headers.Location is not { } location)
            {
                return hop;
            }

            request = new HttpRequestMessage(HttpMethod.Get, new Uri(request.RequestUri!, location));
        }

        throw new InvalidOperationException("More than 10 redirects.");
    }

    private static string HiddenField(string html, string name)
    {
        var marker = $"name=\"{name}\" value=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"No hidden field {name} in the page.");
        }

        start += marker.Length;
        return WebUtility.HtmlDecode(html[start..html.IndexOf('"', start)]);
    }

    private static string Key(Uri url) => url.GetLeftPart(UriPartial.Authority);

    public void Dispose()
    {
        foreach (var (client, _) in _origins.Values)
        {
            client.Dispose();
        }
    }
}

/// <summary>Plain calls to the app API, as the module makes them.</summary>
internal static class SimulatorApi
{
    public const string MeQuery = """{"query":"query { me(languages: [\"fr-FR\", \"fr\"], defaultTimezone: \"Europe/Paris\") { id email firstName lastName fullName } }"}""";

    public static HttpClient NewClient() => new() { Timeout = TimeSpan.FromSeconds(30) };

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient http, OneFlexSimulator simulator, string refreshToken) =>
        PostJsonAsync(http, new Uri(simulator.AppUrl, "/api/auth/token"),
            $$"""{"grant_type":"refresh_token","refresh_token":"{{refreshToken}}"}""");

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient http, Uri url, string json) =>
        http.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> MeAsync(HttpClient http, OneFlexSimulator simulator, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(simulator.AppUrl, "/api/gql"))
        {
            Content = new StringContent(MeQuery, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http.SendAsync(request);
    }
}

/// <summary>Reads a JWT's header and payload independently of the module's reader, so these tests check the simulator alone.</summary>
internal sealed record DecodedJwt(System.Text.Json.JsonElement Header, System.Text.Json.JsonElement Payload)
{
    public static DecodedJwt Decode(string token)
    {
        var parts = token.Split('.');
        Xunit.Assert.Equal(3, parts.Length);
        return new DecodedJwt(Parse(parts[0]), Parse(parts[1]));
    }

    public string Subject => Payload.GetProperty("sub").GetString()!;

    public string Email => Payload.GetProperty("email").GetString()!;

    public DateTimeOffset IssuedAt => Time("iat");

    public DateTimeOffset NotBefore => Time("nbf");

    public DateTimeOffset ExpiresAt => Time("exp");

    private DateTimeOffset Time(string claim) => DateTimeOffset.FromUnixTimeSeconds(Payload.GetProperty(claim).GetInt64());

    private static System.Text.Json.JsonElement Parse(string segment) =>
        System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(segment)).RootElement.Clone();
}
