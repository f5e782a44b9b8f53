using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// One remove for every caller (CacheItem.RemoveAsync): pin stripe, then object lock. An explicit clear, from
/// another process (here: a second cache instance, whose kernel locks conflict as another process's would), leaves
/// a file that a running command has handed to its consumer and reports it.
/// </summary>
[Collection("http-faults")]
public class RemoveTests
{
    static ChannelReader<WorkItem> Input(params string[] paths)
    {
        var input = Channel.CreateUnbounded<WorkItem>();
        for (var i = 0; i < paths.Length; i++) input.Writer.TryWrite(new WorkItem(i, paths[i]));
        input.Writer.Complete();
        return input.Reader;
    }

    [Fact]
    public async Task AnExplicitClearLeavesAPinnedItemAndReportsIt()
    {
        using var h = new EngineHarness();
        var url = h.Serve("held.bin", EngineHarness.Random(2000));
        using var run = h.Cache.Process(Input(url), new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken }, null, default);
        var handed = await run.Results.ReadAsync(); // handed to the consumer, not yet taken: pinned
        Assert.Equal(ItemStatus.Downloaded, handed.Status);

        using var other = MediaCache.Open(h.Config);
        var r = await other.ClearItemAsync(url, default);
        Assert.Equal(ClearStatus.InUse, r.Status);
        Assert.Contains("in use", r.Error);
        Assert.True(File.Exists(handed.LocalPath), "Clear-MediaCache deleted a file a running command had handed to its consumer");
        var all = other.ClearAll(default);
        Assert.True(File.Exists(handed.LocalPath), "clearing everything deleted a pinned file");
        Assert.Contains("in use by a running command", all.Error);

        run.Taken(handed);
        r = await other.ClearItemAsync(url, default);
        Assert.Equal(ClearStatus.Removed, r.Status);
        Assert.Equal(2000, r.Size);
        Assert.False(File.Exists(handed.LocalPath));
        Assert.Null(other.EntryOf(url));
    }

    [Fact]
    public async Task AnExplicitClearWaitsForADownloadInFlightThenRemovesIt()
    {
        using var h = new EngineHarness();
        var url = h.Serve("slow.bin", EngineHarness.Random(3000));
        try
        {
            await EngineHarness.Faults(new { match = $"{h.Prefix}/slow.bin", kind = "drip", delayMs = 800, times = 1 });
            var download = h.Run(new[] { url });
            await Task.Delay(300); // the download holds the item's lock now
            using var other = MediaCache.Open(h.Config);
            var r = await other.ClearItemAsync(url, default);
            Assert.Equal(ItemStatus.Downloaded, (await download).Single().Status);
            Assert.Equal(ClearStatus.Removed, r.Status);
            Assert.False(File.Exists(h.Cache.LocalPathOf(url)), "the clear ran before the download had finished writing");
        }
        finally { await EngineHarness.ClearFaults(); }
    }
}
