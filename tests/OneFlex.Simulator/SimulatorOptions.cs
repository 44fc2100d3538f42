namespace OneFlex.Simulator;

/// <summary>How the simulated OneFlex service behaves. Mutable while it runs: tests flip faults on and off.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Lifetime of the access_token JWT (real service: 15 minutes).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of the SSO session (real: 4–6 hours); refresh grants fail once it is over.</summary>
    public TimeSpan SsoSessionLifetime { get; set; } = TimeSpan.FromHours(5);

    /// <summary>The sign-in page fills and submits itself after <see cref="AutoSignInDelay"/>, standing in for the human.</summary>
    public bool AutoSignIn { get; set; }

    /// <summary>How long the sign-in page waits before it fills and submits itself.</summary>
    public TimeSpan AutoSignInDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether the auto sign-in ticks "stay signed in" (persistent SSO cookie) or not (session-only cookie).</summary>
    public bool AutoSignInStaySignedIn { get; set; } = true;

    /// <summary>The simulated user: auto sign-in types this email, and an empty email in the form means it.</summary>
    public string UserEmail { get; set; } = "jane.doe@example.com";

    /// <summary>Names the gql <c>me</c> query answers (fullName is "first last").</summary>
    public string UserFirstName { get; set; } = "Jane";

    /// <inheritdoc cref="UserFirstName"/>
    public string UserLastName { get; set; } = "Doe";

    /// <summary>
    /// The sign-in is three pages a person fills in (username, password, 6-digit MFA code) instead of the one-page form;
    /// <see cref="AutoSignIn"/> does not apply. The code is read from <see cref="OneFlexSimulator.CurrentMfaCode"/> or
    /// <c>GET /__control/mfa-code</c> on the SSO origin.
    /// </summary>
    public bool HumanSignIn { get; set; }

    /// <summary>With <see cref="HumanSignIn"/>: the password the password page accepts, compared exactly; null accepts any non-empty one.</summary>
    public string? Password { get; set; }

    /// <summary>With <see cref="HumanSignIn"/>: the code is entered in a pop-up window (<c>#open-mfa</c>), which hands back to its opener and closes.</summary>
    public bool HumanSignInPopup { get; set; }

    /// <summary>With <see cref="HumanSignIn"/>: verifying the code asks <c>confirm("Stay signed in on this device?")</c>; declining shows the code page again.</summary>
    public bool HumanSignInConfirm { get; set; }

    // Faults.

    /// <summary>Delay added before every page (HTML) response of both origins, and before their redirects (every non-API request).</summary>
    public TimeSpan PageDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The SSO origin answers 500 to everything.</summary>
    public bool SsoFails { get; set; }

    /// <summary>The app API (/api/auth/token and /api/gql) answers 500.</summary>
    public bool ApiFails { get; set; }

    /// <summary>Submitting the sign-in form never leads to tokens (the form shows again, with a <c>#notice</c>, forever; auto sign-in does not resubmit it).</summary>
    public bool SignInNeverCompletes { get; set; }

    /// <summary>The SSO origin also sets access_token/refresh_token cookies of its own, which a client must ignore.</summary>
    public bool DecoyCookiesOnSso { get; set; }

    /// <summary>Replaces every access token the app hands out (cookie and refresh grant) with what it returns: a misbehaving service.</summary>
    public Func<string, string>? AccessTokenOverride { get; set; }
}
