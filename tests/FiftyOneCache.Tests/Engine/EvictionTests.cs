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
    public async Task APassOverMoreUnevictableEntriesThanOnePageEnds()
    {
        // 300 held paths (more than one 256-row page, all with close access times) and a limit far below them:
        // the pass must page past what it cannot evict, not read the same page forever.
        using var h = new EngineHarness(sizeLimit: 10_000);
        var urls = Enumerable.Range(0, 300).Select(i => h.Serve($"page{i}.bin", EngineHarness.Random(100))).ToList();
        var input = System.Threading.Channels.Channel.CreateUnbounded<WorkItem>();
        for (var i = 0; i < urls.Count; i++) input.Writer.TryWrite(new WorkItem(i, urls[i]));
        input.Writer.Complete();
        var run = h.Cache.Process(input.Reader, new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken }, null, default);
        var held = new List<MediaItemResult>();
        await foreach (var r in run.Results.ReadAllAsync()) held.Add(r);
        var pass = h.Cache.EvictAsync(default, extraBytes: 50_000);
        Assert.Same(pass, await Task.WhenAny(pass, Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.All(held, r => Assert.True(File.Exists(r.LocalPath)));
        run.Dispose(); // only once the pass is known to end: the run's own final pass would hang with it
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
        h.Cache.Index.Reserve(rel, url, 5);                      // a crash after rename, before commit (the row still says 5 bytes)
        const string gone = "media/http/x/gone.bin";              // a crash before rename: a reservation and a part file
        h.Cache.Index.Reserve(gone, "http://x/gone.bin", 999);
        var goneFull = h.Cache.FullPathOf(gone);
        Directory.CreateDirectory(Path.GetDirectoryName(goneFull)!);
        File.WriteAllBytes(Downloader.TempPathFor(goneFull), new byte[400]);
        Assert.Equal(IndexEntry.Pending, h.Cache.Index.Get(gone)!.State);
        h.Reopen();
        var adopted = h.Cache.Index.Get(rel)!;
        Assert.Equal(IndexEntry.Complete, adopted.State);
        Assert.Equal(3000, adopted.Size); // the file's real size, not the reservation's
        Assert.Null(h.Cache.Index.Get(gone));
        Assert.False(File.Exists(Downloader.TempPathFor(goneFull)), "the dead download's part file was left behind");
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
