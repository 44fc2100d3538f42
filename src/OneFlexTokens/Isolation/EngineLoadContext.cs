using System.Reflection;
using System.Runtime.Loader;

namespace OneFlexTokens.Isolation;

/// <summary>
/// The engine's own load context: OneFlexTokens.Engine and what it pulls in (Microsoft.Playwright, Docker.DotNet,
/// Microsoft.Extensions.*) load from the module's Dependencies folder, beside and apart from whatever versions other
/// modules put in the default context. This assembly, PowerShell and the runtime's own assemblies come from the default
/// context, so the types the module and the engine share (tokens, containers, errors) are one type.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private static readonly Assembly Module = typeof(EngineLoadContext).Assembly;
    private readonly string _folder;

    public EngineLoadContext(string folder)
        : base(Module.GetName().Name, isCollectible: false)
    {
        _folder = folder;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (string.Equals(assemblyName.Name, Module.GetName().Name, StringComparison.OrdinalIgnoreCase))
        {
            return Module;
        }

        var path = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    /// <summary>
    /// Loads <paramref name="engineName"/> and, through its references, every assembly of this context, and resolves each
    /// of their references (the runtime's and PowerShell's come from the default context), so that a missing or unloadable
    /// file is met here, named, rather than midway through a restart or a sign-in.
    /// </summary>
    public Assembly LoadClosure(string engineName)
    {
        var engine = LoadFromAssemblyName(new AssemblyName(engineName));
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { engineName };
        var pending = new Queue<Assembly>();
        pending.Enqueue(engine);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is { } name && seen.Add(name) && LoadFromAssemblyName(reference) is var loaded && GetLoadContext(loaded) == this)
                {
                    pending.Enqueue(loaded);
                }
            }
        }

        return engine;
    }
}
