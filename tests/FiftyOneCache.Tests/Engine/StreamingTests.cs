using System.Diagnostics;
using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Storage;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>FiftyOne's download_context as the engine does it: read-ahead batches, pins until taken, the cap while streaming.</summary>
[Collection("http-faults")]
public class StreamingTests
{
    static ChannelReader<WorkItem> Input(IEnumerable<string> paths)
    {
        var input = Channel.CreateUnbounded<WorkItem>();
        long i = 0;
        foreach (var p in paths) input.Writer.TryWrite(new WorkItem(i++, p));
        input.Writer.Complete();
        return input.Reader;
    }

    static long BytesOnDisk(EngineHarness h) =>
        Directory.EnumerateFiles(h.Config.CacheDir, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.fiftyonecache{Path.DirectorySeparatorChar}"))
            .Sum(f => { try { return new FileInfo(f).Length; } catch (IOException) { return 0; } });

    [Fact]
    public async Task PathsHandedOutAreNotEvictedUntilTheConsumerTakesThem()
    {
        using var h = new EngineHarness(sizeLimit: 25_000);
        var held = Enumerable.Range(0, 6).Select(i => h.Serve($"held{i}.bin", EngineHarness.Random(10_000))).ToList();
        using var run = h.Cache.Process(Input(held), new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken }, null, default);
        var results = new List<MediaItemResult>();
        await foreach (var r in run.Results.ReadAllAsync()) results.Add(r); // read, but not taken yet
        Assert.All(results, r => Assert.Equal(ItemStatus.Downloaded, r.Status));

        // Another call downloads more than the cache holds: its evictions must pass over the held paths.
        await h.Run(Enumerable.Range(0, 4).Select(i => h.Serve($"other{i}.bin", EngineHarness.Random(10_000))).ToList());
        Assert.All(results, r => Assert.True(File.Exists(r.LocalPath), $"{r.LocalPath} was evicted while the consumer had not taken it"));

        foreach (var r in results) run.Taken(r);
        run.Dispose();
        Assert.True(h.Cache.GetStats().CurrentSize <= 25_000, $"after the call the cache holds {h.Cache.GetStats().CurrentSize} bytes");
    }

    [Fact]
    public async Task ReadAheadStopsAtOneBatchWhileTheConsumerWaits()
    {
        using var h = new EngineHarness();
        var urls = Enumerable.Range(0, 40).Select(i => h.Serve($"ra{i}.bin", EngineHarness.Random(1000))).ToList();
        using var run = h.Cache.Process(Input(urls), new ProcessOptions { Ordered = true, ReadAhead = new ReadAhead(0, 5), Concurrency = 8 }, null, default);
        var first = await run.Results.ReadAsync();
        await Task.Delay(400); // the consumer is slow: nothing beyond the batch may start meanwhile
        var requested = 0;
        for (var i = 0; i < urls.Count; i++) requested += await h.Requests($"ra{i}.bin");
        Assert.True(requested <= 5, $"{requested} objects were requested while the consumer held the first of a 5-item batch");
        Assert.True(run.Window!.Outstanding.Count <= 5);
        run.Taken(first);
        var rest = 1;
        await foreach (var r in run.Results.ReadAllAsync()) { rest++; run.Taken(r); }
        Assert.Equal(40, rest);
    }

    // Sizes unknown until the GET answers (URLs), or known from a listing (prefixes, datasets with metadata), at a
    // pool smaller than one batch and at one larger than the whole window (num_workers 16 × 8 transfers).
    [Theory]
    [InlineData(16, false)]
    [InlineData(128, false)]
    [InlineData(128, true)]
    public async Task ADatasetLargerThanTheCacheStreamsThroughAndTheCapHolds(int concurrency, bool listed)
    {
        const int objects = 2000, size = 1000, limit = 200 * size, batch = 20 * size;
        using var h = new EngineHarness(sizeLimit: limit);
        var payload = Enumerable.Range(0, objects).Select(_ => EngineHarness.Random(size)).ToList();
        var urls = payload.Select((b, i) => h.Serve($"ds/{i:D5}.bin", b)).ToList();
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, BytesOnDisk(h));
                await Task.Delay(15);
            }
        });
        var input = Channel.CreateUnbounded<WorkItem>();
        for (var i = 0; i < urls.Count; i++)
            input.Writer.TryWrite(new WorkItem(i, urls[i]) { Listed = listed ? new RemoteStat(size, null, null, null) : null });
        input.Writer.Complete();
        var run = h.Cache.Process(input.Reader, new ProcessOptions { Ordered = true, ReadAhead = new ReadAhead(batch, 0), Concurrency = concurrency }, null, default);
        var seen = 0;
        await foreach (var r in run.Results.ReadAllAsync())
        {
            // The consumer: each file exists and is byte-exact when it is received.
            Assert.True(r.Status == ItemStatus.Downloaded, $"{r.Path}: {r.Status} {r.Error}");
            Assert.Equal(payload[(int)r.Sequence], File.ReadAllBytes(r.LocalPath!));
            run.Taken(r);
            seen++;
        }
        run.Dispose();
        stop.Cancel();
        await sampler;
        Assert.Equal(objects, seen);
        // At every moment: the cap, plus one batch, plus one object, whatever the pool size.
        Assert.True(run.Window!.PeakBytes <= batch, $"{run.Window.PeakBytes} bytes admitted ahead of the consumer with a {batch}-byte batch");
        Assert.True(peak <= limit + batch + size, $"peak {peak} bytes on disk with a {limit}-byte cache and a {batch}-byte batch at {concurrency} transfers");
        var after = h.Cache.GetStats();
        Assert.True(after.CurrentSize <= limit, $"after the call: {after.CurrentSize} bytes");
        Assert.True(BytesOnDisk(h) <= limit);
    }

    [Fact]
    public async Task ClearAfterUseRemovesWhatTheCallDownloadedAndKeepsWhatWasThere()
    {
        using var h = new EngineHarness();
        var before = h.Serve("kept.bin", EngineHarness.Random(500));
        await h.Run(new[] { before });
        var fresh = Enumerable.Range(0, 5).Select(i => h.Serve($"used{i}.bin", EngineHarness.Random(500))).ToList();
        using var run = h.Cache.Process(Input(fresh.Prepend(before)), new ProcessOptions { Ordered = true, ClearAfterUse = true, ReadAhead = new ReadAhead(0, 2) }, null, default);
        var handed = new List<MediaItemResult>();
        await foreach (var r in run.Results.ReadAllAsync())
        {
            Assert.True(File.Exists(r.LocalPath), "the path exists when the consumer receives it");
            run.Taken(r);
            handed.Add(r);
        }
        Assert.True(File.Exists(handed[0].LocalPath), "an item cached before the call stays");
        Assert.All(handed.Skip(1), r => Assert.False(File.Exists(r.LocalPath), $"{r.LocalPath} was downloaded by the call and should be gone"));
        Assert.Equal(1, h.Cache.GetStats().CurrentCount);
    }

    [Fact]
    public async Task AFailingObjectCostsABoundedNumberOfRequests()
    {
        using var h = new EngineHarness();
        var url = h.Serve("down.bin", EngineHarness.Random(100));
        try
        {
            await EngineHarness.Faults(new { match = $"{h.Prefix}/down.bin", kind = "status", status = 503 });
            var r = (await h.Run(new[] { url })).Single();
            Assert.Equal(ItemStatus.Failed, r.Status);
            Assert.Equal(RetryPolicy.Default.MaxAttempts, await h.Requests("down.bin"));
            Assert.Contains("gave up after 6 attempts", r.Error);
        }
        finally { await EngineHarness.ClearFaults(); }
    }

    [Fact]
    public void BackoffIsExponentialWithFullJitter()
    {
        var p = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) };
        var third = Enumerable.Range(0, 400).Select(_ => p.DelayFor(3, null).TotalMilliseconds).ToList();
        Assert.All(third, d => Assert.InRange(d, 0, 400));
        Assert.True(third.Min() < 100, "full jitter reaches down to zero (equal jitter never goes below half the cap)");
        Assert.True(third.Max() > 300);
        Assert.Equal(TimeSpan.FromSeconds(3), p.DelayFor(1, TimeSpan.FromSeconds(3)));
    }
}
