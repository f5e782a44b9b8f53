using System.Reflection;
using System.Runtime.Loader;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Storage.Azure;
using FiftyOneCache.Engine.Storage.Gcs;
using FiftyOneCache.Engine.Storage.Http;
using FiftyOneCache.Engine.Storage.Minio;
using FiftyOneCache.Engine.Storage.S3;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The one list of stores. The stores the module ships are registered here, in one place; plug-ins are loaded from
/// the assemblies listed in <see cref="PluginsVariable"/> (or by <see cref="LoadPlugin"/>) and declare their backends
/// with <see cref="StorePluginAttribute"/>. Everything else asks this list (and a session's <see cref="StoreRegistry"/>)
/// instead of naming a store.
/// </summary>
public static class StoreBackends
{
    /// <summary>Assemblies holding store plug-ins, separated by the platform's path separator (':' on Linux, ';' on Windows).</summary>
    public const string PluginsVariable = "FOC_STORE_PLUGINS";

    static readonly object Gate = new();
    static volatile StoreBackend[] _all = [];
    static readonly HashSet<string> LoadedPlugins = new(StringComparer.Ordinal);

    static StoreBackends()
    {
        Register(new HttpBackend());
        Register(new S3Backend());
        Register(new GcsBackend());
        Register(new MinioBackend());
        Register(new AzureBackend());
    }

    static volatile bool _pluginsLoaded;
    static ConfigException? _pluginFailure;

    /// <summary>
    /// Loads the plug-ins <see cref="PluginsVariable"/> lists, once, on first use of the list. A plug-in that cannot
    /// be loaded is a configuration error, reported again on every use (never a list silently without it).
    /// </summary>
    static void EnsurePlugins()
    {
        if (_pluginsLoaded) { if (_pluginFailure is { } f) throw f; return; }
        lock (Gate)
        {
            if (!_pluginsLoaded)
            {
                try
                {
                    if (Environment.GetEnvironmentVariable(PluginsVariable) is { Length: > 0 } list)
                        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            LoadPlugin(path);
                }
                catch (ConfigException e) { _pluginFailure = e; }
                _pluginsLoaded = true;
            }
        }
        if (_pluginFailure is { } failure) throw failure;
    }

    /// <summary>Every registered store, in registration order.</summary>
    public static IReadOnlyList<StoreBackend> All
    {
        get
        {
            EnsurePlugins();
            return _all;
        }
    }

    /// <summary>
    /// Adds a store (or replaces the one of the same name). Sessions opened afterwards see it; sessions already open
    /// keep the stores they were opened with.
    /// </summary>
    public static void Register(StoreBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (Gate)
        {
            var list = _all.Where(b => b.Name != backend.Name).ToList();
            var clash = list.SelectMany(b => b.LayoutDirs.Select(d => (b, d))).FirstOrDefault(x => backend.LayoutDirs.Contains(x.d));
            if (clash.b is not null)
                throw new InvalidOperationException($"store '{backend.Name}' would write into media/{clash.d}, which the '{clash.b.Name}' store owns");
            var keyClash = list.SelectMany(b => b.ConfigKeys).FirstOrDefault(k => backend.ConfigKeys.Any(n => n.Key == k.Key) || Configuration.ConfigKeys.Core.Contains(k.Key));
            if (keyClash is not null || backend.ConfigKeys.Any(k => Configuration.ConfigKeys.Core.Contains(k.Key)))
                throw new InvalidOperationException($"store '{backend.Name}' declares a configuration key that is already taken");
            list.Add(backend);
            _all = list.ToArray();
        }
    }

    /// <summary>Removes a store (tests); the stores the module ships can be removed too, but are back in a new process.</summary>
    public static bool Unregister(string name)
    {
        lock (Gate)
        {
            var before = _all.Length;
            _all = _all.Where(b => b.Name != name).ToArray();
            return _all.Length != before;
        }
    }

    /// <summary>
    /// Loads a plug-in assembly into the engine's own load context (so that it shares the engine's types) and
    /// registers every backend its <see cref="StorePluginAttribute"/>s declare. Loading one path twice does nothing.
    /// </summary>
    public static IReadOnlyList<StoreBackend> LoadPlugin(string path)
    {
        var full = Path.GetFullPath(path);
        lock (Gate) if (!LoadedPlugins.Add(full)) return [];
        try
        {
            var context = AssemblyLoadContext.GetLoadContext(typeof(StoreBackend).Assembly) ?? AssemblyLoadContext.Default;
            var assembly = context.Assemblies.FirstOrDefault(a => !a.IsDynamic && string.Equals(a.Location, full, StringComparison.Ordinal))
                           ?? context.LoadFromAssemblyPath(full);
            var added = new List<StoreBackend>();
            foreach (var attr in assembly.GetCustomAttributes<StorePluginAttribute>())
            {
                if (!typeof(StoreBackend).IsAssignableFrom(attr.Backend))
                    throw new InvalidOperationException($"{attr.Backend.FullName} is not a {nameof(StoreBackend)}");
                var backend = (StoreBackend)Activator.CreateInstance(attr.Backend)!;
                Register(backend);
                added.Add(backend);
            }
            if (added.Count == 0) throw new InvalidOperationException($"it declares no [assembly: {nameof(StorePluginAttribute)}(typeof(...))]");
            return added;
        }
        catch (Exception e)
        {
            lock (Gate) LoadedPlugins.Remove(full);
            throw new ConfigException($"store plug-in {full}", null, $"cannot be loaded: {e.Message} (plug-ins are listed in {PluginsVariable})");
        }
    }

    public static StoreBackend? Find(string name) => All.FirstOrDefault(b => b.Name == name);

    /// <summary>The store that wrote a top-level directory under <c>media/</c>.</summary>
    public static StoreBackend? OwnerOfLayoutDir(string dir) => All.FirstOrDefault(b => b.LayoutDirs.Contains(dir));

    /// <summary>Every store's configuration keys.</summary>
    public static IEnumerable<ConfigKeyDef> ConfigKeys => All.SelectMany(b => b.ConfigKeys);

    /// <summary>The store that owns a configuration key.</summary>
    public static StoreBackend? OwnerOfKey(string key) => All.FirstOrDefault(b => b.ConfigKeys.Any(k => k.Key == key));

    /// <summary>Top-level directories of the layout before <c>media/</c> existed.</summary>
    public static IEnumerable<string> LegacyLayoutDirs => All.SelectMany(b => b.LegacyLayoutDirs);

    /// <summary>Best-effort source of a file under <c>media/</c> from its unescaped segments; null when no store wrote it.</summary>
    public static string? SourceOf(IReadOnlyList<string> segments) =>
        segments.Count == 0 ? null : OwnerOfLayoutDir(segments[0])?.SourceOf(segments);

    /// <summary>Whether an environment variable keys a session (some store's settings read it).</summary>
    public static bool IsSessionVariable(string name) =>
        All.Any(b => b.SessionVariables.Any(v => v.EndsWith('*') ? name.StartsWith(v[..^1], StringComparison.Ordinal) : name == v));
}
