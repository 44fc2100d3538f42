using OneFlexTokens.CmdletSupport;
using OneFlexTokens.EnvFiles;
using OneFlexTokens.Errors;
using OneFlexTokens.Platform;
using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;

// loop <path> <first>: saves the tokens of first, first+1, ... forever; prints "ready" after the first save.
// count <path> <writer> <saves>: saves ONEFLEX_TOKEN and WRITER_<writer>=<n> for n = 1..saves, then exits.
// time <path> <saves>: saves new tokens <saves> times into an existing file and prints the median and worst milliseconds.
// save <path> <n>: saves the tokens of n once and prints "saved", or the error id and category of the refusal; before
//   that, "waiting" when another save holds the folder's lock.
// read <path>: reads the tokens as -EnvPath does and prints "read <access token>", or the error id and category of the refusal.
// renewal <botFolder> run | unregister | <webhook url>: one renewal run as Invoke-OneFlexRenewal does, removing the saved
//   webhook as Unregister-OneFlexRenewal does, or saving it as Register-OneFlexRenewal -WebhookUrl does; prints "done",
//   the warning, or the error id, category and message.
var writer = new EnvFileWriter(TimeSpan.FromSeconds(60));
EnvSaveResult? Save(string path, List<KeyValuePair<string, string>> settings, Action<string>? onWait = null) =>
    writer.Save(EnvFileAccess.Resolve(path), EnvSettings.Create(settings), onWait: onWait);

switch (args[0])
{
    case "loop":
        for (var n = long.Parse(args[2]); ; n++)
        {
            Save(args[1], WriterTokens.For(n));
            if (n == long.Parse(args[2]))
            {
                Console.Out.WriteLine("ready");
                Console.Out.Flush();
            }
        }

    case "count":
        var id = int.Parse(args[2]);
        var saves = int.Parse(args[3]);
        for (var n = 1; n <= saves; n++)
        {
            Save(args[1], WriterTokens.For(id * 1_000_000L + n, ("WRITER_" + id, n.ToString())));
        }

        return 0;

    case "time":
        var times = new List<double>();
        for (var n = 1; n <= int.Parse(args[2]); n++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            Save(args[1], WriterTokens.For(n));
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.Out.WriteLine($"median {times[times.Count / 2]:F3} ms, worst {times[^1]:F3} ms over {times.Count} saves");
        return 0;

    case "save":
        try
        {
            Save(args[1], WriterTokens.For(long.Parse(args[2])), _ =>
            {
                Console.Out.WriteLine("waiting");
                Console.Out.Flush();
            });
            Console.Out.WriteLine("saved");
        }
        catch (OneFlexException refused)
        {
            Console.Out.WriteLine($"{refused.ErrorId} {refused.Category}");
        }

        return 0;

    case "read":
        try
        {
            Console.Out.WriteLine($"read {EnvFileReader.ReadTokens(args[1]).AccessToken}");
        }
        catch (OneFlexException refused)
        {
            Console.Out.WriteLine($"{refused.ErrorId} {refused.Category}");
        }

        return 0;

    case "renewal":
        try
        {
            if (args[2] == "run")
            {
                var result = new BotRenewal(HostPlatform.Current).RunAsync(new RenewalOptions { BotFolder = args[1] }, new RenewalCallbacks(), CancellationToken.None).GetAwaiter().GetResult();
                Console.Out.WriteLine(result.Failure is { } failed ? $"{failed.ErrorId} {failed.Category} {failed.Message}" : "done");
            }
            else
            {
                Console.Out.WriteLine(args[2] == "unregister" ? RenewalRegistrar.RemoveRegistrationState(args[1]) ?? "done" : Webhook(args[1], args[2]));
            }
        }
        catch (OneFlexException refused)
        {
            Console.Out.WriteLine($"{refused.ErrorId} {refused.Category} {refused.Message}");
        }

        return 0;

    default:
        Console.Error.WriteLine("usage: loop <path> <first> | count <path> <writer> <saves> | time <path> <saves> | save <path> <n> | read <path> | renewal <botFolder> run|unregister|<webhook url>");
        return 2;
}

static string Webhook(string botFolder, string url)
{
    RenewalRegistrar.SaveWebhook(botFolder, url);
    return "done";
}
