using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace FiftyOneCache.Hosting;

/// <summary>
/// Loads the engine and its SDKs (AWS, Google, MongoDB, Minio, SQLite) from the module's deps/ folder into their
/// own context, so the module works beside other modules that carry other versions of the same assemblies.
/// Framework assemblies are always taken from the default context: types such as ChannelReader must be the same
/// types on both sides of the cmdlet/engine boundary.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    static readonly HashSet<string> Platform = LoadPlatformNames();
    readonly string _dir;

    public DependencyLoadContext(string dir) : base("FiftyOneCache", isCollectible: false) => _dir = dir;

    static HashSet<string> LoadPlatformNames()
    {
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        return new HashSet<string>(tpa.Split(Path.PathSeparator).Select(Path.GetFileNameWithoutExtension).OfType<string>(),
                                   StringComparer.OrdinalIgnoreCase);
    }

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null || Platform.Contains(name.Name)) return null;
        var path = Path.Combine(_dir, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var candidate in NativeCandidates(unmanagedDllName))
            if (File.Exists(candidate)) return LoadUnmanagedDllFromPath(candidate);
        return IntPtr.Zero;
    }

    IEnumerable<string> NativeCandidates(string name)
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string[] rids = OperatingSystem.IsWindows() ? new[] { $"win-{arch}" }
            : OperatingSystem.IsMacOS() ? new[] { $"osx-{arch}", "osx" }
            : new[] { $"linux-{arch}", $"linux-musl-{arch}" };
        string[] files = OperatingSystem.IsWindows() ? new[] { name, name + ".dll" }
            : OperatingSystem.IsMacOS() ? new[] { name, $"lib{name}.dylib", name + ".dylib" }
            : new[] { name, $"lib{name}.so", name + ".so" };
        foreach (var rid in rids)
            foreach (var f in files)
                yield return Path.Combine(_dir, "runtimes", rid, "native", f);
    }
}
