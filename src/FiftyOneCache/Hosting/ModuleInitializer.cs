using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace FiftyOneCache.Hosting;

/// <summary>
/// The documented resolver pattern: only the engine assembly is routed into the dependency context. The
/// resolver is registered when this assembly loads (before PowerShell inspects the cmdlet types, which already
/// need the engine) and stays registered across Remove-Module/Import-Module -Force, since the assembly stays loaded.
/// The engine's public types are then made resolvable by name in scripts (<see cref="EngineTypeNames"/>).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    static readonly string DepsDir = Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");
    static DependencyLoadContext? _context;

#pragma warning disable CA2255 // a module initializer is exactly what this needs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (_context is not null || !Directory.Exists(DepsDir)) return; // a build folder with everything side by side
        _context = new DependencyLoadContext(DepsDir);
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnImport()
    {
        Register();
        EngineTypeNames.Register();
    }

    public void OnRemove(PSModuleInfo module)
    {
        EngineTypeNames.Unregister();
        CacheSessions.CloseAll();
    }

    static Assembly? ResolveEngine(AssemblyLoadContext _, AssemblyName name) =>
        name.Name == "FiftyOneCache.Engine" && _context is not null ? _context.LoadFromAssemblyName(name) : null;
}
