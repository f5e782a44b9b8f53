using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// Path-only hits answered on the caller's thread (BatchRun.TryAnswerInline, what Get-MediaLocalPath does when it
/// has taken every earlier result): the same pin, access time and result as a worker's, and nothing else inline.
/// </summary>
[Collection("http-faults")]
public class InlineHitTests
{
    static readonly ProcessOptions PathOnly = new() { Ordered = true, PathOnly = true, Retain = Retention.UntilTaken };

    /// <summary>A run whose input stays open, as a cmdlet's does while its pipeline feeds it.</summary>
    static BatchRun Open(EngineHarness h, ProcessOptions options, out Channel<WorkItem> input)
    {
        input = Channel.CreateUnbounded<WorkItem>();
        return h.Cache.Process(input.Reader, options, null, default);
    }

    static WorkItem Item(EngineHarness h, string url) => new(-1, url) { Ref = h.Cache.Parser.Parse(url) };

    [Fact]
    public async Task AnInlineHitIsPinnedUntilTakenAndRecordsItsAccess()
    {
        using var h = new EngineHarness();
        var url = h.Serve("inline.bin", EngineHarness.Random(1500));
        var first = (await h.Run(new[] { url })).Single();
        var rel = Path.GetRelativePath(h.Config.CacheDir, first.LocalPath!).Replace('\\', '/');
        var before = h.Cache.Index.Get(rel)!.LastAccessMs;
        await Task.Delay(20);

        using var run = Open(h, PathOnly, out var input);
        var hit = run.TryAnswerInline(Item(h, url));
        Assert.NotNull(hit);
        Assert.Equal(ItemStatus.Cached, hit!.Status);
        Assert.Equal(first.LocalPath, hit.LocalPath);
        Assert.Equal(1500, hit.Size);
        Assert.Equal(1, await h.Requests("inline.bin")); // answered by the file

        // Handed out, not yet taken: another process's clear must leave it.
        using (var other = MediaCache.Open(h.Config))
        {
            Assert.Equal(ClearStatus.InUse, (await other.ClearItemAsync(url, default)).Status);
            Assert.True(File.Exists(hit.LocalPath), "a clear deleted an inline hit its consumer had not taken");
            run.Taken(hit);
            input.Writer.Complete();
            await foreach (var _ in run.Results.ReadAllAsync()) { } // the run ends, and flushes the access times
            Assert.True(h.Cache.Index.Get(rel)!.LastAccessMs > before, "the inline hit's access time was not written");
            Assert.Equal(ClearStatus.Removed, (await other.ClearItemAsync(url, default)).Status);
        }
    }

    [Fact]
    public async Task OnlyAPathOnlyHitOfAFileIsAnsweredInline()
    {
        using var h = new EngineHarness();
        var cached = h.Serve("cached.bin", EngineHarness.Random(800));
        await h.Run(new[] { cached });
        var missing = h.Serve("missing.bin", EngineHarness.Random(800));
        var local = Path.Combine(h.Config.CacheDir, "..", $"local-{h.Prefix}.bin");
        File.WriteAllBytes(local, new byte[10]);
        try
        {
            using (var run = Open(h, PathOnly, out _))
            {
                Assert.Null(run.TryAnswerInline(Item(h, missing))); // a miss goes to the workers
                Assert.Null(run.TryAnswerInline(Item(h, local)));   // so does a local path
                Assert.Null(run.TryAnswerInline(new WorkItem(-1, cached))); // and an item the caller did not parse
                Assert.NotNull(run.TryAnswerInline(Item(h, cached)));
            }
            foreach (var options in new[]
            {
                new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken },                              // -Detailed reads the row
                new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken, PathOnly = true, Update = true }, // -Update asks the store
                new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken, PathOnly = true, Recurse = true }, // a prefix is listed
                new ProcessOptions { Ordered = true, Retain = Retention.UntilTaken, PathOnly = true, Shard = new Shard(0, 2) }, // the shard's items only
            })
            {
                using var run = Open(h, options, out _);
                Assert.Null(run.TryAnswerInline(Item(h, cached)));
            }
            Assert.Equal(0, await h.Requests("missing.bin"));
        }
        finally { File.Delete(local); }
    }
}
