using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

[Collection("http-faults")]
public class EvictionTests
{
    [Fact]
    public async Task LeastRecentlyUsedFilesGoFirstAndTheLimitHolds()
    {
        using var h = new EngineHarness(sizeLimit: 50_000);
        var urls = Enumerable.Range(0, 8).Select(i => h.Serve($"e{i}.bin", EngineHarness.Random(10_000))).ToList();
        foreach (var u in urls.Take(4)) await h.Run(new[] { u });
        await Task.Delay(5);
        await h.Run(new[] { urls[0] });               // touch e0: now the most recent of the first four
        foreach (var u in urls.Skip(4).Take(2)) await h.Run(new[] { u });
        var stats = h.Cache.GetStats();
        Assert.True(stats.CurrentSize <= 50_000, $"size {stats.CurrentSize}");
        var cached = h.Cache.Entries().Select(e => e.Source).ToHashSet();
        Assert.Contains(urls[0], cached);
        Assert.DoesNotContain(urls[1], cached);
        Assert.True(h.Cache.Verify(false).Healthy);
    }

    [Fact]
    public async Task FilesHandedOutInTheSameCallAreNotEvicted()
    {
        using var h = new EngineHarness(sizeLimit: 25_000);
        var urls = Enumerable.Range(0, 6).Select(i => h.Serve($"p{i}.bin", EngineHarness.Random(10_000))).ToList();
        var results = await h.Run(urls, new ProcessOptions { Ordered = true, Concurrency = 1 });
        Assert.All(results, r => Assert.Equal(ItemStatus.Downloaded, r.Status));
        // Every path returned by the call existed when it was returned; after the call the limit is enforced again.
        await h.Run(new[] { h.Serve("after.bin", EngineHarness.Random(10_000)) });
        Assert.True(h.Cache.GetStats().CurrentSize <= 25_000);
    }

    [Fact]
    public async Task UnlimitedNeverEvicts()
    {
        using var h = new EngineHarness(sizeLimit: -1);
        var urls = Enumerable.Range(0, 5).Select(i => h.Serve($"n{i}.bin", EngineHarness.Random(10_000))).ToList();
        await h.Run(urls);
        Assert.Equal(5, h.Cache.GetStats().CurrentCount);
        Assert.Null(h.Cache.GetStats().LoadFactor);
    }

    [Fact]
    public async Task AnObjectLargerThanTheCacheIsRefused()
    {
        using var h = new EngineHarness(sizeLimit: 5_000);
        var r = (await h.Run(new[] { h.Serve("huge.bin", EngineHarness.Random(10_000)) })).Single();
        Assert.Equal("LargerThanCache", r.ErrorId);
    }

    [Fact]
    public async Task RecoveryAdoptsFinishedFilesAndDropsDeadReservations()
    {
        using var h = new EngineHarness();
        var url = h.Serve("r.bin", EngineHarness.Random(3000));
        var r = (await h.Run(new[] { url })).Single();
        var rel = Path.GetRelativePath(h.Config.CacheDir, r.LocalPath!).Replace('\\', '/');
        h.Cache.Index.Reserve(rel, url, 3000);                   // a crash after rename, before commit
        h.Cache.Index.Reserve("http/x/gone.bin", "http://x/gone.bin", 999); // a crash before rename
        h.Reopen();
        Assert.Equal(IndexEntry.Complete, h.Cache.Index.Get(rel)!.State);
        Assert.Null(h.Cache.Index.Get("media/http/x/gone.bin"));
        Assert.True(h.Cache.Verify(false).Healthy);
    }

    [Fact]
    public async Task ALostIndexIsRebuiltFromTheFiles()
    {
        using var h = new EngineHarness();
        await h.Run(Enumerable.Range(0, 3).Select(i => h.Serve($"lost{i}.bin", EngineHarness.Random(100))));
        h.Cache.Dispose();
        foreach (var f in Directory.GetFiles(Path.Combine(h.Config.CacheDir, ".fiftyonecache"), "index.db*")) File.Delete(f);
        h.Reopen();
        Assert.Equal(3, h.Cache.GetStats().CurrentCount);
    }
}
