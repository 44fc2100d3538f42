using OneFlexTokens.Demo;

var keep = args.Contains("--keep");
var phoneManual = args.Contains("--phone-manual");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var root = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(root, "OneFlexTokens.sln")))
{
    root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run the demo from the OneFlexTokens repository.");
}

return await RenewalDemo.RunAsync(Console.Out, root, keep, phoneManual, cancel.Token);
