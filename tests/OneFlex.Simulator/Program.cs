using System.Globalization;
using System.Runtime.InteropServices;

namespace OneFlex.Simulator;

/// <summary>Standalone run for demos and manual tries: prints the two origins and runs until Ctrl+C or SIGTERM.</summary>
public static class Program
{
    private const string Usage = """
        Usage: dotnet run --project tests/OneFlex.Simulator -- [options]
          --auto-sign-in                      the sign-in page fills and submits itself
          --auto-sign-in-delay-ms N           delay before it does (default 500)
          --no-stay-signed-in                 auto sign-in leaves "Stay signed in" unticked
          --access-token-lifetime-seconds N   access token lifetime (default 900)
          --sso-session-lifetime-seconds N    SSO session lifetime (default 18000)
          --email ADDRESS                     the simulated user's email
          --app-port N / --sso-port N         fixed ports (default: chosen by the OS)
          --log-requests                      one line per request on stdout
          --api-fails                         the app API (/api/...) answers 500 to everything
          --human-sign-in                     three pages for a person instead of the form: username,
                                              password (any non-empty), 6-digit MFA code (read it with
                                              GET {sso}/__control/mfa-code); no auto sign-in
          --human-sign-in-popup               the MFA code is entered in a pop-up window (implies --human-sign-in)
          --human-sign-in-confirm             verifying asks confirm("Stay signed in on this device?")
                                              (implies --human-sign-in)
          --password TEXT                     the one password the human sign-in accepts (any Unicode,
                                              compared exactly; default: any non-empty one)
        Control endpoints on the SSO origin (loopback clients only):
          GET  /__control/mfa-code            {"code":"123456"}, or 404 {} when no MFA step is pending
          POST /__control/end-sso-sessions    ends every SSO session (204)
        """;

    public static async Task<int> Main(string[] args)
    {
        var options = new SimulatorOptions();
        int appPort = 0, ssoPort = 0;
        var logRequests = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--auto-sign-in": options.AutoSignIn = true; break;
                    case "--auto-sign-in-delay-ms": options.AutoSignInDelay = TimeSpan.FromMilliseconds(Number(args, ref i)); break;
                    case "--no-stay-signed-in": options.AutoSignInStaySignedIn = false; break;
                    case "--access-token-lifetime-seconds": options.AccessTokenLifetime = TimeSpan.FromSeconds(Number(args, ref i)); break;
                    case "--sso-session-lifetime-seconds": options.SsoSessionLifetime = TimeSpan.FromSeconds(Number(args, ref i)); break;
                    case "--email": options.UserEmail = Value(args, ref i); break;
                    case "--app-port": appPort = Number(args, ref i); break;
                    case "--sso-port": ssoPort = Number(args, ref i); break;
                    case "--log-requests": logRequests = true; break;
                    case "--api-fails": options.ApiFails = true; break;
                    case "--human-sign-in": options.HumanSignIn = true; break;
                    case "--human-sign-in-popup": options.HumanSignIn = options.HumanSignInPopup = true; break;
                    case "--human-sign-in-confirm": options.HumanSignIn = options.HumanSignInConfirm = true; break;
                    case "--password": options.Password = Value(args, ref i); break;
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.TrySetResult();
        });

        await using var simulator = await OneFlexSimulator.StartAsync(
            options, appPort, ssoPort, logRequests ? line => Console.WriteLine(line) : null, CancellationToken.None);
        Console.WriteLine($"App: {simulator.AppUrl.GetLeftPart(UriPartial.Authority)}");
        Console.WriteLine($"SSO: {simulator.SsoUrl.GetLeftPart(UriPartial.Authority)}");
        Console.WriteLine("Press Ctrl+C to stop.");
        await stop.Task;
        return 0;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    private static int Number(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{args[i - 1]} needs a non-negative whole number, not '{text}'.");
    }
}
