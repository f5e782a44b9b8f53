using System.Diagnostics;
using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

[Collection("http-faults")] // fault rules are global to the server: these tests do not run in parallel
public class DownloadTests
{
    [Fact]
    public async Task DownloadsOnceThenServesFromTheCache()
    {
        using var h = new EngineHarness();
        var bytes = EngineHarness.Random(123_456);
        var url = h.Serve("a.bin", bytes);
        var first = (await h.Run(new[] { url })).Single();
        Assert.Equal(ItemStatus.Downloaded, first.Status);
        Assert.Equal(EngineHarness.Sha(bytes), EngineHarness.ShaFile(first.LocalPath!));
        var second = (await h.Run(new[] { url })).Single();
        Assert.Equal(ItemStatus.Cached, second.Status);
        Assert.Equal(1, h.Cache.GetStats().CurrentCount);
        Assert.Equal(1, await h.Requests("a.bin")); // one GET whose headers are the stat, then nothing
    }

    [Fact]
    public async Task LargeObjectsUseParallelRangesAndAreByteExact()
    {
        using var h = new EngineHarness();
        var bytes = EngineHarness.Random(70 * 1024 * 1024 + 17);
        var url = h.Serve("big.bin", bytes);
        var r = (await h.Run(new[] { url })).Single();
        Assert.Equal(ItemStatus.Downloaded, r.Status);
        Assert.Equal(EngineHarness.Sha(bytes), EngineHarness.ShaFile(r.LocalPath!));
        Assert.True(await h.Requests("big.bin") >= 4, "expected several ranged GETs");
    }

    [Fact]
    public async Task UpdateRefetchesOnlyChangedObjects()
    {
        using var h = new EngineHarness();
        var url = h.Serve("u.bin", EngineHarness.Random(1000));
        await h.Run(new[] { url });
        Assert.Equal(ItemStatus.Cached, (await h.Run(new[] { url }, new ProcessOptions { Update = true })).Single().Status);
        var v2 = EngineHarness.Random(2000);
        await Task.Delay(20);
        h.Serve("u.bin", v2);
        var r = (await h.Run(new[] { url }, new ProcessOptions { Update = true })).Single();
        Assert.Equal(ItemStatus.Updated, r.Status);
        Assert.Equal(EngineHarness.Sha(v2), EngineHarness.ShaFile(r.LocalPath!));
        Assert.Equal(2000, h.Cache.GetStats().CurrentSize);
    }

    [Fact]
    public async Task RetriesHonourRetryAfterAndResumeAfterResets()
    {
        using var h = new EngineHarness();
        var bytes = EngineHarness.Random(400_000);
        var url = h.Serve("flaky.bin", bytes);
        try
        {
            await EngineHarness.Faults(new object[]
            {
                new { match = $"{h.Prefix}/flaky.bin", kind = "status", status = 503, retryAfter = 2, times = 1 },
                new { match = $"{h.Prefix}/flaky.bin", kind = "reset", afterBytes = 100_000, times = 1 },
                new { match = $"{h.Prefix}/flaky.bin", kind = "truncate", afterBytes = 50_000, times = 1 },
            });
            var sw = Stopwatch.StartNew();
            var r = (await h.Run(new[] { url })).Single();
            Assert.Equal(ItemStatus.Downloaded, r.Status);
            Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(1.9), $"Retry-After not honoured: {sw.Elapsed}");
            Assert.Equal(EngineHarness.Sha(bytes), EngineHarness.ShaFile(r.LocalPath!));
            // Each retry after a reset or a truncation asked only for the bytes still missing, not the object again.
            var asked = await h.RangesAsked("flaky.bin");
            var resumed = asked.Select(a => System.Text.RegularExpressions.Regex.Match(a, @"^bytes=(\d+)-(\d*)$"))
                .Where(m => m.Success && long.Parse(m.Groups[1].Value) > 0).ToList();
            Assert.True(resumed.Count >= 2, $"expected two resumed ranges after a reset and a truncation; asked: [{string.Join(", ", asked)}]");
            Assert.All(resumed, m => Assert.Equal("399999", m.Groups[2].Value));
        }
        finally { await EngineHarness.ClearFaults(); }
    }

    [Fact]
    public async Task PermanentFailuresFailFastAndLeaveNothing()
    {
        using var h = new EngineHarness();
        var url = $"{EngineHarness.Servers.HttpUrl}/{h.Prefix}/missing.bin";
        var sw = Stopwatch.StartNew();
        var r = (await h.Run(new[] { url })).Single();
        Assert.Equal(ItemStatus.Failed, r.Status);
        Assert.Equal("ObjectNotFound", r.ErrorId);
        Assert.Contains("missing.bin", r.Error);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2));
        Assert.Equal(1, await h.Requests("missing.bin"));
        Assert.True(h.Cache.Verify(repair: false).Healthy);
    }

    [Fact]
    public async Task PersistentTruncationFailsAndNeverExposesAPartialFile()
    {
        using var h = new EngineHarness();
        var url = h.Serve("short.bin", EngineHarness.Random(200_000));
        try
        {
            await EngineHarness.Faults(new[] { new { match = $"{h.Prefix}/short.bin", kind = "truncate", afterBytes = 1000, times = 100 } });
            var r = (await h.Run(new[] { url })).Single();
            Assert.Equal(ItemStatus.Failed, r.Status);
            Assert.Equal("TransferFailed", r.ErrorId);
            var report = h.Cache.Verify(repair: false);
            Assert.True(report.Healthy, string.Join("; ", report.Problems));
            Assert.DoesNotContain(Directory.EnumerateFiles(h.Config.CacheDir, "*", SearchOption.AllDirectories), f => !f.Contains(".fiftyonecache"));
        }
        finally { await EngineHarness.ClearFaults(); }
    }

    [Fact]
    public async Task CancellationStopsPromptlyAndLeavesNoTempFile()
    {
        using var h = new EngineHarness();
        var url = h.Serve("slow.bin", EngineHarness.Random(2_000_000));
        try
        {
            await EngineHarness.Faults(new[] { new { match = $"{h.Prefix}/slow.bin", kind = "drip", delayMs = 200, times = 5 } });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var sw = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Run(new[] { url }, ct: cts.Token));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(4), $"took {sw.Elapsed}");
            await Task.Delay(300);
            Assert.DoesNotContain(Directory.EnumerateFiles(h.Config.CacheDir, "*", SearchOption.AllDirectories), f => !f.Contains(".fiftyonecache"));
        }
        finally { await EngineHarness.ClearFaults(); }
    }

    [Fact]
    public async Task OrderedResultsFollowTheInput()
    {
        using var h = new EngineHarness();
        var urls = Enumerable.Range(0, 40).Select(i => h.Serve($"o{i}.bin", EngineHarness.Random(1000 + (39 - i) * 3000))).ToList();
        var results = await h.Run(urls, new ProcessOptions { Ordered = true });
        Assert.Equal(urls, results.Select(r => r.Path));
    }
}

[CollectionDefinition("http-faults", DisableParallelization = true)]
public class HttpFaultsCollection { }
