using OneFlexTokens.Renewal;
using OneFlexTokens.Scheduling;

namespace OneFlexTokens.Tests.Scheduling;

/// <summary>A request or Register's options with other run options, in one expression.</summary>
internal static class RenewalRequestTestExtensions
{
    public static RenewalRequest WithRun(this RenewalRequest request, Func<RenewalOptions, RenewalOptions> change) => request with { Run = change(request.Run) };

    public static RenewalSetupOptions WithRun(this RenewalSetupOptions options, Func<RenewalOptions, RenewalOptions> change) => options with { Run = change(options.Run) };
}
