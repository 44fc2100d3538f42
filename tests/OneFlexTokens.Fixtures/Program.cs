using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneFlexTokens.TestSupport;

// Starts the real parts a Pester file asks for with the same C# fixtures the xunit tests and the demo use, prints
// what the tests need as one JSON line, answers requests on stdin (one JSON line each way), and stops everything
// when stdin closes, on SIGTERM or on Ctrl+C. See Start-TestFixture in tests/Pester/Common.ps1.
const string Usage = """
    Usage: dotnet OneFlexTokens.Fixtures.dll [xvfb] [docker] [phone]
    Prints {"Display":…,"XvfbMissing":…,"DockerHost":…,"DockerMissing":…,"PhoneMissing":…} (null for what was not
    asked or is there; xvfb is started on Linux only), then
    answers one JSON request per stdin line:
      {"Command":"CreateBot","Name":…,"ConfigDirectory":…}   a started bot container that prints config/.env on start
      {"Command":"StartedAt","Name":…}                       {"StartedAt":…,"Status":…}
      {"Command":"Stop","Name":…}                            {"Status":"exited"}
      {"Command":"WaitForLog","Name":…,"Text":…,"Seconds":N} {"Found":true|false} (the text is never echoed)
      {"Command":"SignIn","Link":…,"SsoUrl":…,"Username":…,"Password":…,"Popup":b,"Confirm":b,"Seconds":N}
                                                             the scripted phone (a second Chromium) opens the link and
                                                             signs in to the simulator's human sign-in (the MFA code from
                                                             its control endpoint): {"Notice":…}, what the phone's page
                                                             said at the end (the link and password are never echoed)
    Errors answer {"Error":…}. Stops everything when stdin closes, on SIGTERM or Ctrl+C.
    """;

var parts = args.Select(a => a.ToLowerInvariant()).ToHashSet();
if (parts.Count == 0 || !parts.IsSubsetOf(["xvfb", "docker", "phone"]))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

// Ends a phone's sign-in under way as well.
using var stopping = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
    stopping.Cancel();
});
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
    stopping.Cancel();
});

// Only Linux lacks a screen on a build machine; elsewhere the browser window opens on the desktop.
using var display = parts.Contains("xvfb") && OperatingSystem.IsLinux() ? new XvfbServer() : null;
await using var engine = new LocalDockerEngine();
if (parts.Contains("docker"))
{
    await engine.StartAsync();
}

var ready = new JsonObject
{
    ["Display"] = display?.Display,
    ["XvfbMissing"] = display?.MissingReason,
    ["DockerHost"] = parts.Contains("docker") && engine.MissingReason is null ? engine.DockerHost : null,
    ["DockerMissing"] = parts.Contains("docker") ? engine.MissingReason : null,
    ["PhoneMissing"] = parts.Contains("phone") ? ScriptedPhone.MissingReason : null,
};
Console.WriteLine(ready.ToJsonString());

var input = Console.In;
while (true)
{
    var read = input.ReadLineAsync();
    if (await Task.WhenAny(read, stop.Task) == stop.Task || await read is not { } line)
    {
        break;
    }

    if (string.IsNullOrWhiteSpace(line))
    {
        continue;
    }

    JsonObject answer;
    try
    {
        answer = await AnswerAsync(JsonNode.Parse(line)!.AsObject());
    }
    catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or Docker.DotNet.DockerApiException or HttpRequestException
        or TimeoutException or OperationCanceledException or Microsoft.Playwright.PlaywrightException)
    {
        answer = new JsonObject { ["Error"] = $"{e.GetType().Name}: {e.Message}" };
    }

    Console.WriteLine(answer.ToJsonString());
}

return 0;

async Task<JsonObject> AnswerAsync(JsonObject request)
{
    string Text(string name) => request[name]?.GetValue<string>() ?? throw new ArgumentException($"The request needs \"{name}\".");

    if (Text("Command") == "SignIn")
    {
        return await SignInOnPhoneAsync(request, Text);
    }

    if (engine.MissingReason is not null || !parts.Contains("docker"))
    {
        throw new InvalidOperationException($"No Docker engine here: {engine.MissingReason ?? "docker was not asked for"}");
    }

    switch (Text("Command"))
    {
        case "CreateBot":
            await engine.CreateBotAsync(Text("Name"), Text("ConfigDirectory"));
            return await StateAsync(Text("Name"));
        case "StartedAt":
            return await StateAsync(Text("Name"));
        case "Stop":
            await engine.StopAsync(Text("Name"));
            return await StateAsync(Text("Name"));
        case "WaitForLog":
            var seconds = request["Seconds"]?.GetValue<double>() ?? 20;
            try
            {
                await engine.WaitForLogAsync(Text("Name"), Text("Text"), TimeSpan.FromSeconds(seconds));
                return new JsonObject { ["Found"] = true };
            }
            catch (TimeoutException)
            {
                return new JsonObject { ["Found"] = false };
            }

        default:
            throw new ArgumentException($"Unknown command '{Text("Command")}'.");
    }
}

async Task<JsonObject> StateAsync(string name)
{
    var status = (await engine.InspectAsync(name)).State?.Status;
    return new JsonObject { ["StartedAt"] = (await engine.StartedAtAsync(name)).ToString("o"), ["Status"] = status };
}

// A phone started for each sign-in (a Pester file signs in once or twice): nothing of one sign-in is left for the next.
async Task<JsonObject> SignInOnPhoneAsync(JsonObject request, Func<string, string> text)
{
    if (!parts.Contains("phone") || ScriptedPhone.MissingReason is not null)
    {
        throw new InvalidOperationException($"No scripted phone here: {ScriptedPhone.MissingReason ?? "phone was not asked for"}");
    }

    var link = text("Link");
    var password = text("Password");
    var bound = TimeSpan.FromSeconds(request["Seconds"]?.GetValue<double>() ?? 90);
    var signIn = new PhoneSignIn(new Uri(text("SsoUrl")), text("Username"), password, request["Popup"]?.GetValue<bool>() ?? false, request["Confirm"]?.GetValue<bool>() ?? false);
    try
    {
        await using var phone = await ScriptedPhone.StartAsync();
        var viewer = await phone.OpenAsync(link);
        await ScriptedPhone.WaitForFirstFrameAsync(viewer, bound);
        await phone.SignInAsync(viewer, signIn, bound, stopping.Token);
        return new JsonObject { ["Notice"] = await ScriptedPhone.WaitForNoticeAsync(viewer, bound) };
    }
    catch (Exception e) when (e is TimeoutException or OperationCanceledException or Microsoft.Playwright.PlaywrightException or HttpRequestException or InvalidOperationException)
    {
        // Playwright's messages can quote what a call was given: never the link (its secret) or the password.
        throw new InvalidOperationException($"The scripted phone did not finish the sign-in ({e.GetType().Name}: {e.Message.Replace(link, "<link>", StringComparison.Ordinal).Replace(password, "<password>", StringComparison.Ordinal)})");
    }
}
