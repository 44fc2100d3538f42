using System.Management.Automation;
using OneFlexTokens.CmdletSupport;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Module;

/// <summary>
/// One timeout convention for every cmdlet: -Timeout is the whole wait, a TimeSpan that also takes seconds, checked by
/// one rule (InvalidTimeout) before anything starts; the old names still bind as aliases.
/// </summary>
public sealed class TimeoutConventionTests
{
    // Enough to bind each cmdlet without reaching any service: the timeout is checked first.
    private static readonly Dictionary<string, string> Calls = new()
    {
        ["Get-OneFlexToken"] = "Get-OneFlexToken -BaseUrl https://oneflex.example.invalid -RefreshToken 0123456789abcdef0123 -NoBrowser",
        ["Test-OneFlexToken"] = "Test-OneFlexToken -AccessToken x -Online -BaseUrl https://oneflex.example.invalid",
        ["Send-OneFlexNotification"] = "Send-OneFlexNotification -Message m -WebhookUrl https://chat.example.invalid/hook",
        ["Restart-OneFlexBot"] = "Restart-OneFlexBot -DockerHost unix:///nonexistent/docker.sock",
    };

    public static TheoryData<string, string> Aliases => new()
    {
        { "Get-OneFlexToken", "TimeoutSeconds" },
        { "Test-OneFlexToken", "TimeoutSeconds" },
        { "Send-OneFlexNotification", "TimeoutSeconds" },
        { "Restart-OneFlexBot", "WaitTimeoutSeconds" },
        { "Restart-OneFlexBot", "WaitTimeout" },
    };

    public static TheoryData<string> Cmdlets => new(Calls.Keys);

    private static ErrorRecord SingleError(ScriptResult result)
    {
        var error = Assert.Single(result.AllErrors);
        Assert.Empty(result.Output);
        return error;
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Timeout_is_a_TimeSpan_taking_seconds_or_a_TimeSpan_and_nonsense_is_refused(string cmdlet)
    {
        using var session = new PowerShellSession();

        var type = session.Invoke("(Get-Command $args[0]).Parameters['Timeout'].ParameterType.FullName", cmdlet).ThrowOnError();
        var transformed = session.Invoke("(Get-Command $args[0]).Parameters['Timeout'].Attributes | ForEach-Object { $_.GetType().Name }", cmdlet).ThrowOnError();
        var nonsense = session.Invoke(Calls[cmdlet] + " -Timeout 'soon'");

        Assert.Equal(typeof(TimeSpan).FullName, type.Objects.Single());
        Assert.Contains(nameof(TimeoutTransformationAttribute), transformed.Objects.Cast<string>());
        var error = SingleError(nonsense);
        Assert.StartsWith("ParameterArgumentTransformationError", error.FullyQualifiedErrorId);
        Assert.Contains("'soon' is not a duration", error.Exception.Message);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Out_of_range_is_InvalidTimeout_with_one_message_before_anything_starts(string cmdlet)
    {
        using var session = new PowerShellSession();

        foreach (var (value, shown) in new[] { ("0", "0 s"), ("-5", "-5 s"), ("'1.00:00:01'", "1 d 1 s") })
        {
            var error = SingleError(session.Invoke($"{Calls[cmdlet]} -Timeout {value}"));

            Assert.Equal(ErrorIds.InvalidTimeout, ModuleErrors.IdOf(error));
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal($"-Timeout is {shown}; it must be more than 0 and at most 1 d. Give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00').", error.Exception.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Aliases))]
    public void The_old_name_still_binds_to_Timeout(string cmdlet, string alias)
    {
        using var session = new PowerShellSession();

        var aliases = session.Invoke("(Get-Command $args[0]).Parameters['Timeout'].Aliases", cmdlet).ThrowOnError();
        var error = SingleError(session.Invoke($"{Calls[cmdlet]} -{alias} 0"));

        Assert.Contains(alias, aliases.Objects.Cast<string>());
        Assert.Equal(ErrorIds.InvalidTimeout, ModuleErrors.IdOf(error));
        Assert.StartsWith("-Timeout is 0 s;", error.Exception.Message);
    }

    [Fact]
    public void StopGracePeriod_takes_seconds_or_a_TimeSpan_from_zero_to_an_hour()
    {
        using var session = new PowerShellSession();

        var type = session.Invoke("(Get-Command Restart-OneFlexBot).Parameters['StopGracePeriod'].ParameterType.FullName").ThrowOnError();
        var negative = SingleError(session.Invoke($"{Calls["Restart-OneFlexBot"]} -StopGracePeriod -1"));
        var tooLong = SingleError(session.Invoke($"{Calls["Restart-OneFlexBot"]} -StopGracePeriod '01:00:01'"));
        var zero = SingleError(session.Invoke($"{Calls["Restart-OneFlexBot"]} -StopGracePeriod 0"));

        Assert.Equal(typeof(TimeSpan).FullName, type.Objects.Single());
        Assert.Equal("-StopGracePeriod is -1 s; it must be from 0 and at most 1 h. Give seconds (e.g. 90) or a TimeSpan (e.g. '00:05:00').", negative.Exception.Message);
        Assert.Equal(ErrorIds.InvalidTimeout, ModuleErrors.IdOf(tooLong));
        Assert.StartsWith("-StopGracePeriod is 1 h 1 s;", tooLong.Exception.Message);

        // Zero is a valid grace period (kill at once): the command goes on to the engine, which is not there.
        Assert.Equal(ErrorIds.DockerUnreachable, ModuleErrors.IdOf(zero));
    }

    [Theory]
    [InlineData(0.0, 0u)]
    [InlineData(1.0, 1u)]
    [InlineData(1.2, 2u)]
    [InlineData(3600.0, 3600u)]
    public void The_engine_gets_the_grace_period_in_whole_seconds_rounded_up(double seconds, uint engineSeconds) =>
        Assert.Equal(engineSeconds, new RestartLimits(TimeSpan.FromSeconds(seconds), TimeSpan.FromMinutes(1)).StopGraceSeconds);
}
