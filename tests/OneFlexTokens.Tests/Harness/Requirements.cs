using Xunit;

namespace OneFlexTokens.Tests.Harness;

/// <summary>Skips a test whose real part (Chromium, Docker, Xvfb) is missing here, except on CI where it must fail instead.</summary>
public static class Requirements
{
    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool available, string reason)
    {
        if (available)
        {
            return;
        }

        if (IsCI)
        {
            Assert.Fail($"CI=true and a required part is missing: {reason}");
        }

        Skip.If(true, reason);
    }

    public static void RequireUnix() => Skip.If(OperatingSystem.IsWindows(), "Unix-only behaviour.");
}
