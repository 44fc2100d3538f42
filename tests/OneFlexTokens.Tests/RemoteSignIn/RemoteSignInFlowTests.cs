using OneFlex.Simulator;
using OneFlexTokens.Platform;
using OneFlexTokens.RemoteSignIn;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tests.SignIn;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.RemoteSignIn;

/// <summary>
/// The flow of a scheduled run's sign-in from a phone, in the real engine with a real Chromium: no browser while it
/// waits; a fetch of the page starts one (the phone is loading it), and one that no claim follows stops again.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RemoteSignInFlowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task A_fetch_of_the_page_starts_the_browser_and_one_no_claim_follows_stops_until_the_next_fetch()
    {
        var browserChoice = SignInScope.TryFindBrowser();
        Requirements.Require(browserChoice is not null, "No Chromium/Chrome/Edge installed (apt-get install chromium).");
        await using var scope = await SignInScope.StartAsync(new SimulatorOptions { HumanSignIn = true });
        var lines = new VerboseLines();
        var announced = new TaskCompletionSource<SignInLink>(TaskCreationOptions.RunContinuationsAsynchronously);
        var callbacks = new RemoteSignInCallbacks
        {
            Verbose = lines.Add,
            Announce = (announcement, _) =>
            {
                announced.TrySetResult(announcement.Link);
                return Task.CompletedTask;
            },
        };
        var settings = new RemoteSignInSettings { ListenAddress = "127.0.0.1:0", LinkLifetime = TimeSpan.FromMinutes(5) };
        var flow = new RemoteSignInFlow(HostPlatform.Current, settings, browserAtOnce: false, callbacks, earlyStartGrace: TimeSpan.FromSeconds(20));
        var request = new SignInRequest(OneFlexBaseUrl.Validate(scope.AppUrl), browserChoice!, scope.ProfilePath, Headless: true, TimeSpan.FromSeconds(90));
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => flow.Runner(request, null, _ => { }, cancel.Token));
        var link = await announced.Task.WaitAsync(Bound);
        Assert.Empty(scope.BrowserProcesses());

        // A link preview: the page without its fragment, and no claim after it.
        using var http = new HttpClient();
        Assert.Contains("<canvas", await http.GetStringAsync(link.PublicUrl), StringComparison.Ordinal);
        await lines.WaitForAsync("starting the browser while the phone loads it", 1, Bound);
        await lines.WaitForAsync("Browser ready after", 1, Bound);
        Assert.NotEmpty(scope.BrowserProcesses());
        await lines.WaitForAsync("the browser was stopped until the link is opened", 1, Bound);
        Assert.Empty(scope.BrowserProcesses());
        Assert.False(run.IsCompleted);

        // The next fetch starts it again; Ctrl+C then leaves no browser and no listener.
        Assert.Contains("<canvas", await http.GetStringAsync(link.PublicUrl), StringComparison.Ordinal);
        await lines.WaitForAsync("starting the browser while the phone loads it", 2, Bound);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
        Assert.Empty(scope.BrowserProcesses());
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(link.PublicUrl));
    }

    /// <summary>The flow's verbose lines, and a wait for the n-th one containing a text.</summary>
    private sealed class VerboseLines
    {
        private readonly object _gate = new();
        private readonly List<string> _lines = new();
        private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> All
        {
            get
            {
                lock (_gate)
                {
                    return _lines.ToArray();
                }
            }
        }

        public void Add(string line)
        {
            TaskCompletionSource added;
            lock (_gate)
            {
                _lines.Add(line);
                added = _added;
                _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            added.TrySetResult();
        }

        public async Task WaitForAsync(string text, int count, TimeSpan bound)
        {
            var deadline = DateTime.UtcNow + bound;
            while (true)
            {
                Task added;
                lock (_gate)
                {
                    if (_lines.Count(l => l.Contains(text, StringComparison.Ordinal)) >= count)
                    {
                        return;
                    }

                    added = _added.Task;
                }

                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"No line with '{text}' ({count}) in: {string.Join(" | ", All)}");
                await Task.WhenAny(added, Task.Delay(left));
            }
        }
    }
}
