using System.Collections.Concurrent;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage.Http;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The stores one cache uses, created lazily on first use (an S3 or GCS client costs credential discovery).
/// New stores register a factory in <see cref="CreateDefault"/>.
/// </summary>
public sealed class StoreRegistry : IDisposable
{
    readonly ConcurrentDictionary<string, Lazy<IObjectStore>> _stores = new();

    public StoreRegistry(CacheConfig config, IEngineLog log)
    {
        Config = config;
        Log = log;
        Transport = new HttpTransport();
    }

    public CacheConfig Config { get; }
    public IEngineLog Log { get; }
    public HttpTransport Transport { get; }
    public IMinioRouting? MinioRouting { get; set; }
    public IAzureRouting? AzureRouting { get; set; }
    public MediaPathParser Parser => new(MinioRouting, AzureRouting);

    public void Register(string name, Func<IObjectStore> factory) =>
        _stores[name] = new Lazy<IObjectStore>(() =>
        {
            var s = factory();
            Log.Verbose($"{name}: {s.DescribeCredentials()}");
            return s;
        }, LazyThreadSafetyMode.ExecutionAndPublication);

    public IObjectStore Get(string name)
    {
        if (!_stores.TryGetValue(name, out var lazy))
            throw new StoreException(StoreErrorKind.Permanent, $"no store is available for '{name}' paths");
        try { return lazy.Value; }
        catch (Exception e) when (e is not StoreException)
        {
            throw new StoreException(StoreErrorKind.NoCredentials, $"the {name} store could not be set up: {e.Message}", e);
        }
    }

    public bool Has(string name) => _stores.ContainsKey(name);

    /// <summary>Every store the module ships, wired to the configuration.</summary>
    public static StoreRegistry CreateDefault(CacheConfig config, IEngineLog log)
    {
        var r = new StoreRegistry(config, log);
        r.Register(StoreNames.Http, () => new HttpStore(r.Transport));
        StoreCatalog.RegisterCloudStores(r);
        return r;
    }

    public void Dispose()
    {
        foreach (var s in _stores.Values)
            if (s.IsValueCreated && s.Value is IDisposable d) d.Dispose();
        Transport.Dispose();
    }
}
