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

    static string Rel(EngineHarness h, string local) => Path.GetRelativePath(h.Config.CacheDir, local).Replace('\\', '/');

    [Fact]
    public async Task APathOnlyHitRecordsItsAccessTime()
    {
        using var h = new EngineHarness();
        var url = h.Serve("touch.bin", EngineHarness.Random(1000));
        var first = (await h.Run(new[] { url })).Single();
        var rel = Rel(h, first.LocalPath!);
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
        var url = h.Serve("lost.bin", EngineHarness.Random(1234));
        var first = (await h.Run(new[] { url })).Single();
        var rel = Rel(h, first.LocalPath!);
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
        var url = h.Serve("pending.bin", EngineHarness.Random(500));
        var first = (await h.Run(new[] { url })).Single();
        var rel = Rel(h, first.LocalPath!);
        h.Cache.Index.Reserve(rel, url, 9999); // another process re-downloading it (-Update): its file is still whole
        var hit = (await h.Run(new[] { url }, PathOnly)).Single();
        Assert.Equal(ItemStatus.Cached, hit.Status);
        var row = h.Cache.Index.Get(rel)!;
        Assert.Equal(IndexEntry.Pending, row.State);
        Assert.Equal(9999, row.Size);
    }
}
