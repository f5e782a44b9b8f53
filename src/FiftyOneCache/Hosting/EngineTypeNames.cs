using System.Reflection;

namespace FiftyOneCache.Hosting;

/// <summary>
/// Makes the engine's public types (the output types Get-Command advertises, their enums) resolvable in scripts:
/// [FiftyOneCache.Engine.Cache.ItemStatus]::Cached, $r -is [FiftyOneCache.Engine.Cache.MediaItemResult].
/// PowerShell resolves type names only in assemblies of the default load context, and the engine lives in the
/// module's own context so that its SDKs never meet other modules' versions of them (moving the engine to the
/// default context would bind its references to whatever AWSSDK.Core another module loaded first). Each type is
/// registered under its full name as a type accelerator, PowerShell's table of names it resolves before searching
/// assemblies; the names are removed again with the module.
/// </summary>
internal static class EngineTypeNames
{
    static readonly Type? Accelerators = typeof(System.Management.Automation.PSObject).Assembly
        .GetType("System.Management.Automation.TypeAccelerators");
    static readonly List<string> Added = new();

    public static void Register()
    {
        if (Accelerators is null) return; // a PowerShell without the table: type literals need Add-Type -Path instead
        var add = Accelerators.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(Type)]);
        if (add is null) return;
        lock (Added)
        {
            foreach (var type in EngineTypes())
            {
                add.Invoke(null, [type.FullName!, type]);
                Added.Add(type.FullName!);
            }
        }
    }

    public static void Unregister()
    {
        var remove = Accelerators?.GetMethod("Remove", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);
        if (remove is null) return;
        lock (Added)
        {
            foreach (var name in Added) remove.Invoke(null, [name]);
            Added.Clear();
        }
    }

    /// <summary>Public, non-generic top-level types of the engine (the ones a script can name).</summary>
    static IEnumerable<Type> EngineTypes() =>
        typeof(Engine.Cache.MediaItemResult).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested && !t.IsGenericTypeDefinition && t.FullName is not null && t.Namespace?.StartsWith("FiftyOneCache.Engine", StringComparison.Ordinal) == true);
}
