using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Tests.Infrastructure;
using FiftyOneCache.Tests.Plugins;
using Xunit;

namespace FiftyOneCache.Tests.Storage;

/// <summary>
/// A store added from outside the engine by one registration (the test assembly's [assembly: StorePlugin]) gets
/// paths, layout, configuration keys and variables, a credential trace and the whole cache without a change
/// elsewhere; and a path is parsed once, where it enters.
/// </summary>
public sealed class StorePluginTests : IDisposable
{
    readonly TempDir _dir = new("foc-plugin");
    readonly string _seed;

    public StorePluginTests()
    {
        StoreBackends.LoadPlugin(typeof(MemBackend).Assembly.Location); // what FOC_STORE_PLUGINS does
        _seed = _dir.Sub("seed");
        Directory.CreateDirectory(Path.Combine(_seed, "bkt", "img"));
        File.WriteAllBytes(Path.Combine(_seed, "bkt", "img", "a.jpg"), Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray());
        File.WriteAllBytes(Path.Combine(_seed, "bkt", "img", "b.jpg"), new byte[1234]);
        Directory.CreateDirectory(Path.Combine(_seed, "other"));
    }

    public void Dispose() => _dir.Dispose();

    CacheConfig Config() => new()
    {
        CacheDir = _dir.Sub("cache"), NumWorkers = 2, StoreSettings = TestStores.Settings((MemBackend.SeedDirKey, _seed), (MemBackend.ProfileKey, "lab")),
    };

    [Fact]
    public void ThePluginIsRegisteredByItsAssemblyAttribute()
    {
        Assert.Contains(StoreBackends.All, b => b.Name == "mem");
        Assert.Empty(StoreBackends.LoadPlugin(typeof(MemBackend).Assembly.Location)); // loading twice adds nothing
    }

    [Fact]
    public void APlugInThatCannotBeLoadedIsAConfigurationErrorNamingIt()
    {
        var missing = _dir.Sub("no-such-plugin.dll");
        var e = Assert.Throws<ConfigException>(() => StoreBackends.LoadPlugin(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains(StoreBackends.PluginsVariable, e.Message);
    }

    [Fact]
    public void ItsPathsParseAndErrorsListIt()
    {
        var parser = TestStores.Parser();
        var m = parser.Parse("mem://bkt/img/a.jpg");
        Assert.Equal(("mem", "bkt", "img/a.jpg", "mem://bkt/img/a.jpg"), (m.Store, m.Bucket, m.Key, m.Canonical));
        var e = Assert.Throws<InvalidMediaPathException>(() => parser.Parse("nope://x/y"));
        Assert.Contains("mem://", e.Message);
        Assert.Contains("s3://", e.Message);
        Assert.Contains("Azure alias", e.Message); // every store's spelling is listed, Azure's included
    }

    [Fact]
    public void ItsLayoutSegmentsAreItsOwn_AndTheSourceIsRecoveredFromThem()
    {
        var m = TestStores.Parser().Parse("mem://bkt/img/a.jpg");
        Assert.Equal("media/mem/v1/bkt/img/a.jpg", CacheLayout.RelativePath(m));
        Assert.Equal("mem://bkt/img/a.jpg", MediaCache.SourceFromRelative("media/mem/v1/bkt/img/a.jpg"));
    }

    [Fact]
    public void ItsConfigurationKeysAndVariablesAreTheModules()
    {
        var file = _dir.Sub("media_cache_config.json");
        File.WriteAllText(file, $"{{\"mem_seed_dir\": \"{_seed}\", \"mem_profile\": \"lab\", \"num_workers\": 3}}");
        var config = ConfigLoader.Load(env: _ => null, configPath: file);
        Assert.Equal((_seed, "lab", 3), (config.Setting("mem_seed_dir"), config.Setting("mem_profile"), config.NumWorkers));
        Assert.Equal($"file:{file}", config.Sources["MemProfile"]); // named as its parameter, like every key
        Assert.Contains("mem_seed_dir", ConfigKeys.All);
        File.WriteAllText(file, "{\"mem_profile\": \"\"}");
        var bad = Assert.Throws<ConfigException>(() => ConfigLoader.Load(env: _ => null, configPath: file));
        Assert.Contains("mem_profile", bad.Message);
        Assert.True(StoreBackends.IsSessionVariable(MemBackend.SeedDirVariable));
        Assert.False(StoreBackends.IsSessionVariable("MEMORY_UNRELATED"));

        using var stores = new StoreRegistry(Config(), NullLog.Instance, _ => null);
        var trace = stores.DescribeSources().Single(s => s.Store == "mem").Source;
        Assert.Equal($"objects of {_seed} (from mem_seed_dir), profile lab", trace);
        Assert.Equal(["bkt", "other"], StoreBackends.Find("mem")!.Complete("mem_profile", k => k == "mem_seed_dir" ? _seed : null, _ => null).Order());
    }

    [Fact]
    public async Task TheCacheFetchesListsAndRebuildsItsObjects()
    {
        using var cache = MediaCache.Open(Config());
        Assert.Same(cache.Parser, cache.Parser); // one parser per session
        var results = await Run(cache, [new WorkItem(0, "mem://bkt/img/a.jpg")]);
        var r = Assert.Single(results);
        Assert.Equal((ItemStatus.Downloaded, "mem"), (r.Status, r.Store));
        Assert.Equal(Path.Combine(cache.Config.CacheDir, "media", "mem", "v1", "bkt", "img", "a.jpg"), r.LocalPath);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_seed, "bkt", "img", "a.jpg")), File.ReadAllBytes(r.LocalPath!));

        var listed = await Run(cache, [new WorkItem(0, "mem://bkt/img/")], new ProcessOptions { Recurse = true });
        Assert.Equal(["mem://bkt/img/a.jpg", "mem://bkt/img/b.jpg"], listed.Select(x => x.Path).Order());
        Assert.All(listed, x => Assert.NotEqual(ItemStatus.Failed, x.Status));

        Assert.Equal(2, cache.Rebuild());
        Assert.Equal(["mem://bkt/img/a.jpg", "mem://bkt/img/b.jpg"], cache.Entries().Select(e => e.Source).Order());
    }

    /// <summary>The reference parsed where the path entered is the one the pipeline uses: the text is not parsed again.</summary>
    [Fact]
    public async Task ThePipelineUsesTheCarriedReference_InHandleShardAndRecurse()
    {
        using var cache = MediaCache.Open(Config());
        var parsed = cache.Parser.Parse("mem://bkt/img/b.jpg");
        // A path text that cannot be parsed: only the carried reference can make these items succeed.
        var plain = await Run(cache, [new WorkItem(0, "unparseable://x") { Ref = parsed }]);
        Assert.Equal(ItemStatus.Downloaded, Assert.Single(plain).Status);

        var sharded = await Run(cache, [new WorkItem(0, "unparseable://x") { Ref = parsed }, new WorkItem(1, "unparseable://y") { Ref = parsed }],
                                new ProcessOptions { Shard = new Shard(0, 2) });
        var other = await Run(cache, [new WorkItem(0, "unparseable://x") { Ref = parsed }], new ProcessOptions { Shard = new Shard(1, 2) });
        Assert.Equal(2, sharded.Count + other.Count * 2); // the shard is decided by the reference's canonical path
        Assert.All(sharded.Concat(other), x => Assert.NotEqual(ItemStatus.Failed, x.Status));

        var prefix = cache.Parser.Parse("mem://bkt/img/");
        var expanded = await Run(cache, [new WorkItem(0, "unparseable://z") { Ref = prefix }], new ProcessOptions { Recurse = true });
        Assert.Equal(["mem://bkt/img/a.jpg", "mem://bkt/img/b.jpg"], expanded.Select(x => x.Path).Order());
    }

    [Fact]
    public void BucketKeyInputIsBuiltByTheStoreThatClaimsIt_NotParsedBack()
    {
        using var stores = new StoreRegistry(Config(), NullLog.Instance, _ => null);
        var m = stores.RefForBucketKey("media", "/dir/k.jpg");
        Assert.Equal(("s3", "media", "dir/k.jpg", "s3://media/dir/k.jpg"), (m.Store, m.Bucket, m.Key, m.Original));
    }

    static async Task<List<MediaItemResult>> Run(MediaCache cache, IEnumerable<WorkItem> items, ProcessOptions? options = null)
    {
        var input = Channel.CreateUnbounded<WorkItem>();
        foreach (var w in items) input.Writer.TryWrite(w);
        input.Writer.Complete();
        using var run = cache.Process(input.Reader, options ?? new ProcessOptions(), new TransferProgress(), default);
        var list = new List<MediaItemResult>();
        await foreach (var r in run.ReadAllAsync(default)) list.Add(r);
        return list;
    }
}
