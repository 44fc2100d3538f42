using System.Management.Automation;
using System.Reflection;
using OneFlexTokens.Commands;
using OneFlexTokens.Tests.Harness;
using OneFlexTokens.Tokens;
using Xunit;

namespace OneFlexTokens.Tests.SignIn;

public class GetOneFlexTokenCommandShapeTests
{
    [Fact]
    public void Binding_the_cmdlet_needs_no_Playwright_type()
    {
        var members = typeof(GetOneFlexTokenCommand).GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Select(p => p.PropertyType)
            .Concat(typeof(GetOneFlexTokenCommand).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Select(f => f.FieldType));
        Assert.DoesNotContain(members, t => t.Assembly.GetName().Name == "Microsoft.Playwright");
        var output = Assert.Single(typeof(GetOneFlexTokenCommand).GetCustomAttributes<OutputTypeAttribute>());
        Assert.Equal(typeof(OneFlexToken), Assert.Single(output.Type).Type);
    }

    [Fact]
    public void Timeout_also_binds_as_TimeoutSeconds()
    {
        using var session = new PowerShellSession();
        Assert.Contains("TimeoutSeconds", session.Invoke("(Get-Command Get-OneFlexToken).Parameters['Timeout'].Aliases").ThrowOnError().Objects.Cast<string>());
    }
}
