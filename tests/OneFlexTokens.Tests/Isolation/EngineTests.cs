using System.Runtime.Loader;
using OneFlexTokens.Docker;
using OneFlexTokens.Errors;
using OneFlexTokens.Isolation;
using OneFlexTokens.Platform;
using OneFlexTokens.SignIn;
using OneFlexTokens.Tests.Harness;
using Xunit;

namespace OneFlexTokens.Tests.Isolation;

/// <summary>The engine as the laid-out module holds it (out/OneFlexTokens/Dependencies), loaded into its own context by this test host.</summary>
public sealed class EngineTests
{
    private static string Dependencies => Path.Combine(RepoPaths.ModuleDirectory, Engine.DependenciesFolder);

    [Fact]
    public void The_cmdlet_assembly_references_only_PowerShell_and_the_runtime_and_sits_alone_at_the_module_root()
    {
        var references = typeof(Engine).Assembly.GetReferencedAssemblies().Select(reference => reference.Name!).ToArray();

        Assert.Contains("System.Management.Automation", references);
        Assert.All(references, name => Assert.True(
            name is "System.Management.Automation" or "netstandard" || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal),
            $"OneFlexTokens.dll references {name}: third-party assemblies belong to the engine."));
        Assert.Equal(new[] { "OneFlexTokens.dll" }, Directory.GetFiles(RepoPaths.ModuleDirectory, "*.dll").Select(Path.GetFileName));
        Assert.False(File.Exists(Path.Combine(RepoPaths.ModuleDirectory, "playwright.ps1")), "Playwright's browser downloader must not ship.");
    }

    [Fact]
    public async Task The_engine_and_what_it_pulls_in_load_from_Dependencies_into_a_context_of_their_own_and_share_the_module_types()
    {
        var entry = Engine.Load(RepoPaths.ModuleDirectory);

        var context = AssemblyLoadContext.GetLoadContext(entry.GetType().Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Equal("OneFlexTokens", context.Name);
        var loaded = context.Assemblies.ToDictionary(assembly => assembly.GetName().Name!, assembly => assembly.Location);
        foreach (var name in new[] { "OneFlexTokens.Engine", "Microsoft.Playwright", "Docker.DotNet", "Docker.DotNet.X509", "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Bcl.AsyncInterfaces" })
        {
            Assert.Equal(Path.Combine(Dependencies, name + ".dll"), loaded.GetValueOrDefault(name));
        }

        Assert.DoesNotContain("OneFlexTokens", loaded.Keys);
        Assert.DoesNotContain("System.Management.Automation", loaded.Keys);
        Assert.IsAssignableFrom<IBrowserSignIn>(entry.Get(typeof(IBrowserSignIn)));
        var connector = Assert.IsAssignableFrom<IDockerConnector>(entry.Get(typeof(IDockerConnector)));

        // The engine's failures are the module's own error type, so cmdlets map them as usual.
        var missing = Path.Combine(Directory.CreateTempSubdirectory("oneflex-engine-").FullName, "docker.sock");
        using var service = connector.Connect(DockerEndpointResolver.Parse(HostPlatform.Current, "unix://" + missing), TimeSpan.FromSeconds(5));
        var failure = await Assert.ThrowsAsync<OneFlexException>(() => service.PingAsync(CancellationToken.None));
        Assert.Equal(ErrorIds.DockerUnreachable, failure.ErrorId);
        Directory.Delete(Path.GetDirectoryName(missing)!, true);
    }

    [Fact]
    public void A_dependency_that_cannot_load_is_DependencyConflict_naming_it()
    {
        var module = Directory.CreateTempSubdirectory("oneflex-damaged-").FullName;
        var copy = Directory.CreateDirectory(Path.Combine(module, Engine.DependenciesFolder)).FullName;
        foreach (var file in Directory.GetFiles(Dependencies, "*.dll"))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(copy, "Docker.DotNet.Unix.dll"), "not an assembly");
        try
        {
            var failure = Assert.Throws<OneFlexException>(() => Engine.Load(module));

            Assert.Equal(ErrorIds.DependencyConflict, failure.ErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceUnavailable, failure.Category);
            Assert.Contains("Docker.DotNet.Unix", failure.Message);
            Assert.Contains("Install-PSResource OneFlexTokens -Reinstall", failure.Message);
            Assert.DoesNotContain("PublicKeyToken", failure.Message);
        }
        finally
        {
            Directory.Delete(module, true);
        }
    }

    [Theory]
    [InlineData("Docker.DotNet, Version=4.3.0.0, Culture=neutral, PublicKeyToken=null", "Docker.DotNet")]
    [InlineData("/opt/module/Dependencies/Docker.DotNet.Unix.dll", "Docker.DotNet.Unix")]
    [InlineData("Microsoft.Playwright", "Microsoft.Playwright")]
    public void An_assembly_is_named_by_its_simple_name(string fileName, string expected) =>
        Assert.Equal(expected, Engine.SimpleName(fileName));
}
