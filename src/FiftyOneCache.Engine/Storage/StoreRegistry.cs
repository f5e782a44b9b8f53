using System.Collections.Concurrent;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The stores one cache session uses: every registered <see cref="StoreBackend"/> bound to the session's
/// configuration when the session opens (which decides how paths parse: a broken alias or endpoint is a
/// configuration error then), one path parser built from their forms, and each store's client created lazily on
/// first use (a cloud client costs credential discovery).
/// </summary>
public sealed class StoreRegistry : IDisposable
{
    readonly ConcurrentDictionary<string, Lazy<IObjectStore>> _stores = new();
    readonly Dictionary<string, (StoreBackend Backend, StoreBinding Binding)> _bound = new(StringComparer.Ordinal);

    /// <param name="env">The environment (tests pass their own); default: the process's.</param>
    /// <param name="backends">The stores (default: <see cref="StoreBackends.All"/>).</param>
    public StoreRegistry(CacheConfig config, IEngineLog log, Func<string, string?>? env = null, IEnumerable<StoreBackend>? backends = null)
    {
        Config = config;
        Log = log;
        Transport = new HttpTransport();
        Env = env ?? Environment.GetEnvironmentVariable;
        var context = new StoreContext(config, Env, Transport, log);
        foreach (var b in backends ?? StoreBackends.All)
        {
            var binding = b.Bind(context);
            _bound[b.Name] = (b, binding);
            Register(b.Name, binding.Create);
        }
        try { Parser = new MediaPathParser(_bound.Values.SelectMany(x => x.Binding.PathForms), _bound.Values.Select(x => x.Backend.UnconfiguredHint).OfType<string>()); }
        catch (PathFormConflictException e)
        {
            Transport.Dispose();
            throw new ConfigException(e.Form.Source ?? $"{e.Form.Store} configuration", "alias", e.Message);
        }
    }

    public CacheConfig Config { get; }
    public IEngineLog Log { get; }
    public HttpTransport Transport { get; }
    public Func<string, string?> Env { get; }

    /// <summary>The session's one parser, built from every store's path forms when the session opened.</summary>
    public MediaPathParser Parser { get; }

    /// <summary>The stores of this session, in registration order.</summary>
    public IEnumerable<StoreBackend> Backends => _bound.Values.Select(x => x.Backend);

    public StoreBackend? Backend(string name) => _bound.TryGetValue(name, out var b) ? b.Backend : null;

    /// <summary>Replaces how a store's client is created (tests put an in-memory client behind a store's paths).</summary>
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
            // SDKs that block on tasks wrap their failure in an AggregateException: its own message says nothing.
            var cause = e is AggregateException a && a.Flatten().InnerExceptions is [var only] ? only : e;
            if (cause is StoreException se) throw se;
            throw new StoreException(StoreErrorKind.NoCredentials, $"the {name} store could not be set up: {cause.Message}", cause);
        }
    }

    public bool Has(string name) => _stores.ContainsKey(name);

    /// <summary>
    /// The object a BucketName/Key pair names (as the cloud vendors' PowerShell tools take one): built directly by the store
    /// that claims such input, not spelled as a path and parsed back.
    /// </summary>
    public MediaRef RefForBucketKey(string bucket, string key)
    {
        var owner = Backends.FirstOrDefault(b => b.ClaimsBucketKeyInput)
                    ?? throw new InvalidMediaPathException($"{bucket}/{key}", "no store takes BucketName/Key input");
        return owner.Ref(bucket, key);
    }

    /// <summary>The endpoint this session's settings send a store's requests to (see <see cref="StoreBackend.Endpoint"/>).</summary>
    public string? EndpointOf(string store) => Backend(store)?.Endpoint(Config, Env);

    /// <summary>Each store's credential and settings source for this session, without network and without secrets.</summary>
    public IEnumerable<(string Store, string Source)> DescribeSources()
    {
        foreach (var (b, binding) in _bound.Values)
        {
            if (binding.DescribeSource is null) continue;
            string text;
            try { text = binding.DescribeSource(); }
            catch (Exception e) { text = $"not usable: {e.Message}"; }
            yield return (b.Name, text);
        }
    }

    /// <summary>Every store the module knows (<see cref="StoreBackends.All"/>), bound to the configuration.</summary>
    public static StoreRegistry CreateDefault(CacheConfig config, IEngineLog log) => new(config, log);

    public void Dispose()
    {
        foreach (var s in _stores.Values)
            if (s.IsValueCreated && s.Value is IDisposable d) d.Dispose();
        Transport.Dispose();
    }
}
