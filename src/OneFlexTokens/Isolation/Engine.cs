using System.Management.Automation;
using System.Reflection;
using OneFlexTokens.Errors;
using OneFlexTokens.Secrets;

namespace OneFlexTokens.Isolation;

/// <summary>What the engine assembly gives the module: one object per contract interface the module declares.</summary>
internal interface IEngineEntry
{
    /// <returns>An object implementing <paramref name="contract"/>, or null when the engine has none.</returns>
    object? Get(Type contract);
}

/// <summary>
/// The one way into the engine (OneFlexTokens.Engine: the code that drives Chromium through Playwright and the Docker
/// engine through Docker.DotNet). It is loaded on first use, never on import, into <see cref="EngineLoadContext"/> from
/// the module's Dependencies folder; what cannot load there is DependencyConflict, naming the assembly.
/// </summary>
internal static class Engine
{
    public const string AssemblyName = "OneFlexTokens.Engine";
    public const string DependenciesFolder = "Dependencies";
    private const string EntryTypeName = "OneFlexTokens.Isolation.EngineEntry";

    private static readonly Lazy<IEngineEntry> Entry = new(() => Load(Path.GetDirectoryName(typeof(Engine).Assembly.Location)!), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The engine's implementation of <typeparamref name="T"/> (IDockerConnector, IBrowserSignIn…).</summary>
    public static T Get<T>()
        where T : class =>
        Entry.Value.Get(typeof(T)) as T
        ?? throw new OneFlexException(ErrorIds.DependencyConflict, ErrorCategory.ResourceUnavailable, Messages.EngineContractMissing(typeof(T).Name, AssemblyName), AssemblyName);

    /// <summary>Loads the engine of the module in <paramref name="moduleFolder"/> (the folder of OneFlexTokens.dll).</summary>
    internal static IEngineEntry Load(string moduleFolder)
    {
        var dependencies = Path.Combine(moduleFolder, DependenciesFolder);
        try
        {
            // A development build (the xunit host) has no Dependencies folder: there the engine sits beside this assembly,
            // listed in the host's own deps.json, with nothing else to keep apart from.
            var engine = Directory.Exists(dependencies)
                ? new EngineLoadContext(dependencies).LoadClosure(AssemblyName)
                : Assembly.Load(AssemblyName);
            var entry = engine.GetType(EntryTypeName, throwOnError: true)!;
            return (IEngineEntry)Activator.CreateInstance(entry, nonPublic: true)!;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException or InvalidCastException)
        {
            var assembly = SimpleName((e as FileNotFoundException)?.FileName ?? (e as FileLoadException)?.FileName ?? (e as BadImageFormatException)?.FileName) ?? AssemblyName;
            throw new OneFlexException(ErrorIds.DependencyConflict, ErrorCategory.ResourceUnavailable,
                Messages.DependencyConflict(assembly, dependencies, Messages.AssemblyLoadFailure(e is FileNotFoundException, e is BadImageFormatException)), assembly, e);
        }
    }

    /// <summary>"Docker.DotNet" of "Docker.DotNet, Version=4.3.0.0, Culture=neutral, PublicKeyToken=…" or of a file path.</summary>
    internal static string? SimpleName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return null;
        }

        if (fileName.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return Path.GetFileNameWithoutExtension(fileName);
        }

        try
        {
            return new AssemblyName(fileName).Name;
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return fileName;
        }
    }
}
