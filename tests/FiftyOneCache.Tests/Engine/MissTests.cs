using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// A miss that will be fetched is known by one stat, without reading the index. What the index said must not
/// matter then, and must still matter when nothing is fetched.
/// </summary>
public class MissTests
{
    [Fact]
    public async Task AFileDeletedBehindTheCacheIsFetchedAgainAndWithoutDownloadItsRowIsForgotten()
    {
        using var h = new EngineHarness();
        var bytes = EngineHarness.Random(5000);
        var url = h.Serve("gone.bin", bytes);
        var first = Assert.Single(await h.Run([url]));
        Assert.Equal(ItemStatus.Downloaded, first.Status);
        first.Lease?.Dispose();

        File.Delete(first.LocalPath!);  // behind the cache's back: the complete row stays
        var none = Assert.Single(await h.Run([url], new ProcessOptions { Download = false }));
        Assert.Equal(ItemStatus.NotCached, none.Status);
        Assert.Equal(0, h.Cache.GetStats().CurrentCount); // -NoDownload still reads the row, and forgets it

        var again = Assert.Single(await h.Run([url]));
        again.Lease?.Dispose();
        Assert.Equal(ItemStatus.Downloaded, again.Status);
        Assert.Equal(EngineHarness.Sha(bytes), EngineHarness.ShaFile(again.LocalPath!));
        Assert.Equal(1, h.Cache.GetStats().CurrentCount);
        Assert.Equal(bytes.Length, h.Cache.GetStats().CurrentSize);
    }
}
