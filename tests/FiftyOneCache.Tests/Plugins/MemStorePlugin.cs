using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

// The one registration: a store plug-in declares its backend, and the engine registers it when it loads the assembly
// (FOC_STORE_PLUGINS, or StoreBackends.LoadPlugin). Nothing else in the module names this store.
[assembly: StorePlugin(typeof(FiftyOneCache.Tests.Plugins.MemBackend))]

namespace FiftyOneCache.Tests.Plugins;

/// <summary>
/// A test-only store held in memory: <c>mem://bucket/key</c>, its objects read once from a seed directory (each
/// subdirectory a bucket), cached at <c>media/mem/v1/&lt;bucket&gt;/&lt;key&gt;</c> (its own layout segments), configured by
/// mem_seed_dir / mem_profile in media_cache_config.json or MEM_STORE_SEED_DIR, which also keys a session.
/// </summary>
public sealed class MemBackend : StoreBackend
{
    public const string StoreName = "mem";
    public const string SeedDirKey = "mem_seed_dir";
    public const string ProfileKey = "mem_profile";
    public const string SeedDirVariable = "MEM_STORE_SEED_DIR";

    public override string Name => StoreName;
    public override string Title => "In-memory test store";
    public override IReadOnlyList<ConfigKeyDef> ConfigKeys => [new(SeedDirKey, ConfigValueKind.Path), new(ProfileKey, ConfigValueKind.String, Completes: true)];
    public override IReadOnlyList<string> SessionVariables => ["MEM_STORE_*"];

    /// <summary>
    /// Read only (no IStoreOperations), listed; its ETag is the MD5 of the bytes, so a copy whose destination already
    /// holds the same bytes is recognised without reading either (the capability the storage operations ask).
    /// </summary>
    public override StoreCapabilities Capabilities { get; } = new() { ETagIsMd5 = true, ETagIdentifiesContent = true };

    public override StoreBinding Bind(StoreContext context)
    {
        var (seed, from) = SeedDir(context.Config, context.Env);
        return new StoreBinding
        {
            PathForms = [new PathForm(Name, PathFormKind.Scheme, "mem", p => Parse(p.Text, p.Rest), "mem://")],
            Create = () => new MemStore(seed),
            DescribeSource = () => seed is null ? "no seed directory (mem_seed_dir, MEM_STORE_SEED_DIR)"
                : $"objects of {seed} (from {from}){(context.Config.Setting(ProfileKey) is { } p ? $", profile {p}" : "")}",
        };
    }

    static (string? Dir, string? From) SeedDir(CacheConfig config, Func<string, string?> env) =>
        env(SeedDirVariable) is { Length: > 0 } e ? (e, SeedDirVariable) : config.Setting(SeedDirKey) is { } s ? (s, SeedDirKey) : (null, null);

    /// <summary>mem://bucket/key; the layout puts a version segment between the store and the bucket.</summary>
    static MediaRef Parse(string text, string rest) =>
        MediaPathParser.Bucketed(text, StoreName, rest) is var m ? m with { Root = [StoreName, "v1", m.Bucket] } : null!;

    public override MediaRef Ref(string bucket, string key) => Parse($"mem://{bucket}/{key}", $"{bucket}/{key}");

    /// <summary>media/mem/v1/&lt;bucket&gt;/&lt;key&gt; is mem://bucket/key.</summary>
    public override string? SourceOf(IReadOnlyList<string> segments) =>
        segments.Count < 4 || segments[1] != "v1" ? null : $"mem://{segments[2]}/{string.Join('/', segments.Skip(3))}";

    /// <summary>Profiles are the seed directory's buckets.</summary>
    public override IEnumerable<string> Complete(string key, Func<string, string?> setting, Func<string, string?> env)
    {
        if (key != ProfileKey) return [];
        var dir = env(SeedDirVariable) is { Length: > 0 } e ? e : setting(SeedDirKey);
        return dir is not null && Directory.Exists(dir) ? Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>() : [];
    }
}

/// <summary>The objects of one seed directory, in memory; tests may add more with <see cref="Put"/>.</summary>
public sealed class MemStore : IObjectStore
{
    static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]>> BySeed = new();
    readonly ConcurrentDictionary<string, byte[]> _objects;
    readonly string? _seed;

    public MemStore(string? seed)
    {
        _seed = seed;
        _objects = BySeed.GetOrAdd(seed ?? "", _ => Load(seed));
    }

    /// <summary>The objects of a seed directory (or of no seed directory: ""), shared by every session that uses it.</summary>
    public static ConcurrentDictionary<string, byte[]> Objects(string? seed) => BySeed.GetOrAdd(seed ?? "", _ => Load(seed));

    public static void Put(string? seed, string bucket, string key, byte[] data) => Objects(seed)[$"{bucket}/{key}"] = data;

    static ConcurrentDictionary<string, byte[]> Load(string? seed)
    {
        var d = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        if (seed is null || !Directory.Exists(seed)) return d;
        foreach (var f in Directory.EnumerateFiles(seed, "*", SearchOption.AllDirectories))
            d[Path.GetRelativePath(seed, f).Replace(Path.DirectorySeparatorChar, '/')] = File.ReadAllBytes(f);
        return d;
    }

    public string Name => MemBackend.StoreName;

    public Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct) =>
        _objects.TryGetValue($"{item.Bucket}/{item.Key}", out var d)
            ? Task.FromResult(Stat(d))
            : Task.FromException<RemoteStat>(new StoreException(StoreErrorKind.NotFound, $"'{item.Original}' was not found in the in-memory store", status: 404));

    static RemoteStat Stat(byte[] d) => new(d.Length, Convert.ToHexString(MD5.HashData(d)).ToLowerInvariant(), null, DateTimeOffset.UnixEpoch);

    public Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct)
    {
        if (!_objects.TryGetValue($"{item.Bucket}/{item.Key}", out var d))
            return Task.FromException<Stream>(new StoreException(StoreErrorKind.NotFound, $"'{item.Original}' was not found in the in-memory store", status: 404));
        if (Stat(d).ETag != expected.ETag)
            return Task.FromException<Stream>(new StoreException(StoreErrorKind.Changed, $"'{item.Original}' changed while it was read"));
        Stream s = range is { } r ? new MemoryStream(d, (int)r.From, (int)r.Length, writable: false) : new MemoryStream(d, writable: false);
        return Task.FromResult(s);
    }

    public async IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        var start = $"{prefix.Bucket}/{prefix.Key}";
        foreach (var (k, d) in _objects.Where(o => o.Key.StartsWith(start, StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var key = k[(prefix.Bucket.Length + 1)..];
            yield return new ListedItem(prefix with { Original = $"mem://{prefix.Bucket}/{key}", Key = key }, Stat(d));
        }
    }

    public string DescribeCredentials() => _seed is null ? "in memory, no seed directory" : $"in memory, seeded from {_seed}";
}
