using System.Net;
using System.Text.Json;

namespace OneFlex.Simulator;

/// <summary>The few HTML pages of both origins. Element ids are part of the contract (tests and scripts use them).</summary>
internal static class Pages
{
    public static string SignIn(string clientId, string redirectUri, string state, string? notice, SimulatorOptions options)
    {
        // After a failed attempt the page stops submitting itself, so a never-completing sign-in settles on the form.
        var autoSignIn = options.AutoSignIn && notice is null
            ? $$"""
              <script>
              setTimeout(function () {
                document.getElementById('email').value = {{Js(options.UserEmail)}};
                document.getElementById('password').value = 'simulated-password';
                document.getElementById('stay-signed-in').checked = {{(options.AutoSignInStaySignedIn ? "true" : "false")}};
                document.getElementById('sign-in').click();
              }, {{(long)options.AutoSignInDelay.TotalMilliseconds}});
              </script>
              """
            : "";
        var noticeHtml = notice is null ? "" : $"""<p id="notice" role="alert">{Html(notice)}</p>""";
        return Layout("Sign in - OneFlex SSO (simulator)", $"""
            <h1>Sign in to OneFlex</h1>
            {noticeHtml}
            <form id="sign-in-form" method="post" action="/login">
              <input type="hidden" name="client_id" value="{Html(clientId)}">
              <input type="hidden" name="redirect_uri" value="{Html(redirectUri)}">
              <input type="hidden" name="state" value="{Html(state)}">
              <p><label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username"></p>
              <p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
              <p><label><input id="stay-signed-in" name="stay_signed_in" type="checkbox" value="true"> Stay signed in</label></p>
              <p><button id="sign-in" type="submit">Sign in</button></p>
            </form>
            {autoSignIn}
            """);
    }

    public static string SignedIn(string email) =>
        Layout("OneFlex (simulator)", $"""
            <h1>OneFlex</h1>
            <p id="signed-in-as">Signed in as {Html(email)}</p>
            """);

    public static string SsoHome() =>
        Layout("OneFlex SSO (simulator)", """<h1>OneFlex SSO (simulator)</h1><p>Sign-in starts at the app origin.</p>""");

    public static string Error(string title, string message) =>
        Layout(title, $"""<h1 id="error">{Html(title)}</h1><p>{Html(message)}</p>""");

    private static string Layout(string title, string body) => $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{Html(title)}</title></head>
        <body>
        {body}
        </body>
        </html>
        """;

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    // System.Text.Json escapes <, > and & too, so the value cannot end the script element.
    private static string Js(string text) => JsonSerializer.Serialize(text);
}
