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

    // ---- Human sign-in (SimulatorOptions.HumanSignIn): three pages made for a phone, no script fills them in ----

    /// <summary>Confirm text of <see cref="SimulatorOptions.HumanSignInConfirm"/>; tests compare the dialog's message with it.</summary>
    public const string StaySignedInQuestion = "Stay signed in on this device?";

    public static string HumanUsername(string clientId, string redirectUri, string state, string? notice) =>
        PhoneLayout("Sign in - OneFlex SSO (simulator)", $"""
            <h1>Sign in to OneFlex</h1>
            {Notice(notice)}
            <form id="username-form" method="post" action="/login" accept-charset="utf-8">
              <input type="hidden" name="client_id" value="{Html(clientId)}">
              <input type="hidden" name="redirect_uri" value="{Html(redirectUri)}">
              <input type="hidden" name="state" value="{Html(state)}">
              <label for="username">Email</label>
              <input id="username" name="username" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false">
              <button id="next" type="submit">Next</button>
            </form>
            """);

    public static string HumanPassword(string flow, string username, string? notice) =>
        PhoneLayout("Password - OneFlex SSO (simulator)", $"""
            <h1>Enter your password</h1>
            <p id="account">{Html(username)}</p>
            {Notice(notice)}
            <form id="password-form" method="post" action="/login/password" accept-charset="utf-8">
              <input type="hidden" name="flow" value="{Html(flow)}">
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password">
              <button id="next" type="submit">Next</button>
            </form>
            """);

    /// <summary>The MFA code form; <paramref name="inPopup"/> when it is the pop-up window's page.</summary>
    public static string HumanMfa(string flow, bool inPopup, bool confirmStaySignedIn, string? notice)
    {
        // The answer travels with the code, so the server (not the page) decides whether the sign-in completes.
        var confirm = confirmStaySignedIn
            ? $$"""
              <script>
              document.getElementById('mfa-form').addEventListener('submit', function () {
                document.getElementById('stay-signed-in').value = confirm({{Js(StaySignedInQuestion)}}) ? 'yes' : 'no';
              });
              </script>
              """
            : "";
        return PhoneLayout("Verification code - OneFlex SSO (simulator)", $"""
            <h1>Enter the verification code</h1>
            <p>We sent a 6-digit code to your authenticator.</p>
            {Notice(notice)}
            <form id="mfa-form" method="post" action="/login/mfa" accept-charset="utf-8">
              <input type="hidden" name="flow" value="{Html(flow)}">
              <input type="hidden" name="window" value="{(inPopup ? "popup" : "main")}">
              <input type="hidden" id="stay-signed-in" name="stay_signed_in" value="">
              <label for="code">Code</label>
              <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]*">
              <button id="verify" type="submit">Verify</button>
            </form>
            {confirm}
            """);
    }

    /// <summary>The main window's page while the code is entered in a pop-up (<see cref="SimulatorOptions.HumanSignInPopup"/>).</summary>
    /// <param name="finishNow">The pop-up already verified the code: submit the finish at once.</param>
    public static string HumanMfaOpener(string flow, bool finishNow) =>
        PhoneLayout("Verification - OneFlex SSO (simulator)", $$"""
            <h1>Verify it's you</h1>
            <p>Enter the code in the verification window.</p>
            <button id="open-mfa" type="button">Open verification window</button>
            <form id="finish-form" method="post" action="/login/finish">
              <input type="hidden" name="flow" value="{{Html(flow)}}">
            </form>
            <script>
            var flow = {{Js(flow)}};
            document.getElementById('open-mfa').addEventListener('click', function () {
              window.open('/login/mfa?window=popup&flow=' + encodeURIComponent(flow), 'oneflex-mfa', 'popup,width=400,height=640');
            });
            window.addEventListener('message', function (event) {
              if (event.origin === location.origin && event.data && event.data.type === 'oneflex-mfa-verified' && event.data.flow === flow) {
                document.getElementById('finish-form').submit();
              }
            });
            if ({{(finishNow ? "true" : "false")}}) {
              document.getElementById('finish-form').submit();
            }
            </script>
            """);

    /// <summary>The pop-up's last page: tells its opener and closes itself.</summary>
    public static string HumanMfaVerifiedInPopup(string flow) =>
        PhoneLayout("Verified - OneFlex SSO (simulator)", $$"""
            <h1 id="verified">Verified</h1>
            <p>You can close this window.</p>
            <script>
            if (window.opener) {
              window.opener.postMessage({ type: 'oneflex-mfa-verified', flow: {{Js(flow)}} }, location.origin);
            }
            window.close();
            </script>
            """);

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

    // Phone-sized: the remote viewer shows this page on a phone about 400 CSS px wide. Inline style, no external resources.
    private static string PhoneLayout(string title, string body) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Html(title)}}</title>
        <style>
        body { font: 18px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 28rem; padding: 1rem; }
        label { display: block; margin: 1rem 0 .25rem; }
        input, button { box-sizing: border-box; width: 100%; min-height: 3rem; padding: .5rem .75rem; font-size: 1.25rem; }
        button { margin-top: 1.25rem; }
        #notice { color: #a40000; font-weight: bold; }
        </style>
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;

    private static string Notice(string? notice) => notice is null ? "" : $"""<p id="notice" role="alert">{Html(notice)}</p>""";

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    // System.Text.Json escapes <, > and & too, so the value cannot end the script element.
    private static string Js(string text) => JsonSerializer.Serialize(text);
}
