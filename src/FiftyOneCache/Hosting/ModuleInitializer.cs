using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace FiftyOneCache.Hosting;

/// <summary>The documented resolver pattern: only the engine assembly is routed into the dependency context.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    static readonly string DepsDir = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");
    static DependencyLoadContext? _context;

    public void OnImport()
    {
        if (!Directory.Exists(DepsDir)) return; // running from a build folder where everything sits side by side
        _context ??= new DependencyLoadContext(DepsDir);
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnRemove(PSModuleInfo module)
    {
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        CacheSessions.CloseAll();
    }

    static Assembly? ResolveEngine(AssemblyLoadContext _, AssemblyName name) =>
        name.Name == "FiftyOneCache.Engine" && _context is not null ? _context.LoadFromAssemblyName(name) : null;
}
