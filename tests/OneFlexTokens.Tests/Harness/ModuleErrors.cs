using System.Management.Automation;
using System.Reflection;
using OneFlexTokens.Errors;
using Xunit;

namespace OneFlexTokens.Tests.Harness;

/// <summary>The module's own error ids (Errors/ErrorIds), to tell them from raw .NET exception types reaching the user.</summary>
public static class ModuleErrors
{
    public static IReadOnlySet<string> Ids { get; } = typeof(ErrorIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public static string IdOf(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];

    /// <summary>Fails unless the record carries a module id and a module exception (not a raw .NET one).</summary>
    public static void AssertModuleError(ErrorRecord error, string context = "")
    {
        Assert.True(Ids.Contains(IdOf(error)), $"{context} raw error id '{error.FullyQualifiedErrorId}': {error.Exception.GetType().FullName}: {error.Exception.Message}");
        Assert.IsType<OneFlexException>(error.Exception);
    }
}
