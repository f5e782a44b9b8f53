using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// Hits answered by the file alone (Get-MediaLocalPath without -Detailed): no index row is read, yet the access
/// time still reaches the index, a file the index lost is adopted, and a download's reservation is left alone.
/// </summary>
public class PathOnlyHitTests
{
    static readonly ProcessOptions PathOnly = new() { Ordered = true, PathOnly = true };

    /// <summary>A fresh cache holding one downloaded object: its URL and index key.</summary>
    static async Task<(string Url, string Rel)> CachedAsync(EngineHarness h, string name, int size)
    {
        var url = h.Serve(name, EngineHarness.Random(size));
        var first = (await h.Run(new[] { url })).Single();
        return (url, Path.GetRelativePath(h.Config.CacheDir, first.LocalPath!).Replace('\\', '/'));
    }

    [Fact]
    public async Task APathOnlyHitRecordsItsAccessTime()
    {
        using var h = new EngineHarness();
        var (url, rel) = await CachedAsync(h, "touch.bin", 1000);
        var before = h.Cache.Index.Get(rel)!.LastAccessMs;
        await Task.Delay(20);
        var hit = (await h.Run(new[] { url }, PathOnly)).Single();
        Assert.Equal(ItemStatus.Cached, hit.Status);
        Assert.Null(hit.ETag); // answered without the row
        Assert.True(h.Cache.Index.Get(rel)!.LastAccessMs > before, "the hit's access time was not written");
    }

    [Fact]
    public async Task AFileTheIndexLostIsAdoptedAtAPathOnlyHit()
    {
        using var h = new EngineHarness();
        var (url, rel) = await CachedAsync(h, "lost.bin", 1234);
        h.Cache.Index.Remove(rel);
        var countBefore = h.Cache.GetStats().CurrentCount;
        var hit = (await h.Run(new[] { url }, PathOnly)).Single();
        Assert.Equal(ItemStatus.Cached, hit.Status);
        Assert.Equal(0, await h.Requests("lost.bin") - 1); // no download: the file answered
        var row = h.Cache.Index.Get(rel);
        Assert.NotNull(row);
        Assert.Equal(IndexEntry.Complete, row!.State);
        Assert.Equal(1234, row.Size);
        Assert.Equal(countBefore + 1, h.Cache.GetStats().CurrentCount);
    }

    [Fact]
    public async Task AReservationIsLeftAsItIsByAPathOnlyHit()
    {
        using var h = new EngineHarness();
        var (url, rel) = await CachedAsync(h, "pending.bin", 500);
        h.Cache.Index.Reserve(rel, url, 9999); // another process re-downloading it (-Update): its file is still whole
        var hit = (await h.Run(new[] { url }, PathOnly)).Single();
        Assert.Equal(ItemStatus.Cached, hit.Status);
        var row = h.Cache.Index.Get(rel)!;
        Assert.Equal(IndexEntry.Pending, row.State);
        Assert.Equal(9999, row.Size);
    }
}
