using System.Diagnostics;
using System.Threading.Channels;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// The batch pipeline: prefix expansion, sharding, the read-ahead window, a pool of concurrent items and the
/// order results leave in. It composes <see cref="CacheItem"/>s and knows nothing of how one is fetched.
/// </summary>
internal static class BatchPipeline
{
    public static BatchRun Start(MediaCache cache, ChannelReader<WorkItem> input, ProcessOptions options, TransferProgress? progress, CancellationToken ct)
    {
        var concurrency = options.Concurrency ?? cache.DefaultConcurrency;
        var window = options.Ordered && options.ReadAhead is { } ra ? new ReadAheadWindow(ra.Bytes, ra.Count) : null;
        var run = new BatchRun(cache, options, window);
        var expanded = options.Recurse ? PipelineStages.Expand(cache, input, progress, run.Writer, ct) : input;
        if (options.Shard is { Count: > 1 } shard) expanded = PipelineStages.FilterShard(cache, expanded, shard, ct);
        // Ordered output without a read-ahead window still bounds how many results wait for a slow predecessor.
        var reorderBound = options.Ordered && window is null ? new SemaphoreSlim(Math.Max(4096, concurrency * 16)) : null;
        var reorder = options.Ordered ? new Reorderer(run, reorderBound) : null;
        var request = new ItemRequest(options.Download, options.Update, Hold: options.Retain == Retention.UntilTaken) { PathOnly = options.PathOnly };

        _ = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Gate(expanded, window, reorderBound, ct), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
                    async (entered, token) =>
                    {
                        var r = await HandleAsync(cache, entered.Item, request, entered.Slot, progress, token).ConfigureAwait(false);
                        progress?.ItemDone(r);
                        if (reorder is not null) reorder.Add(r);
                        else run.Deliver(r);
                    }).ConfigureAwait(false);
                run.Writer.TryComplete();
            }
            catch (Exception e)
            {
                run.Writer.TryComplete(e);
            }
            finally
            {
                try { cache.Index.FlushTouches(); } catch (Exception e) { cache.Log.Debug($"flushing access times failed: {e.Message}"); }
            }
        }, CancellationToken.None);
        return run;
    }

    /// <summary>Items in input order, each with its place in the read-ahead window (taken here, in order).</summary>
    static async IAsyncEnumerable<(WorkItem Item, ReadAheadWindow.Slot? Slot)> Gate(ChannelReader<WorkItem> input, ReadAheadWindow? window, SemaphoreSlim? reorderBound,
                                                 [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var w in input.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var slot = window is null ? null : await window.EnterAsync(ct).ConfigureAwait(false);
            if (reorderBound is not null) await reorderBound.WaitAsync(ct).ConfigureAwait(false);
            yield return (w, slot);
        }
    }

    static async Task<MediaItemResult> HandleAsync(MediaCache cache, WorkItem w, ItemRequest request, ReadAheadWindow.Slot? slot,
                                                   TransferProgress? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        MediaRef? m = null;
        try
        {
            // The item's bytes are admitted to the window when its size is known and before any is written.
            if (slot is not null) request = request with { Admit = slot.AdmitAsync };
            m = w.Ref ?? cache.Parser.Parse(w.Path);
            if (m.IsLocal)
            {
                var fi = new FileInfo(m.Key);
                slot?.Resolve(); // a local file takes no room in the cache
                return Result(w, m, ItemStatus.Local, m.Key, fi.Exists ? fi.Length : 0, sw, slot);
            }
            var item = cache.Item(m);
            if (w.Listed is not null) request = request with { Listed = w.Listed };
            if (progress is not null) request = request with { OnTransferStart = size => progress.Started(w.Path, size) };
            var o = await item.GetAsync(request, progress is null ? null : progress.Bytes, ct).ConfigureAwait(false);
            if (slot is not null) await slot.AdmitAsync(o.Size, ct).ConfigureAwait(false); // a hit: in turn, as a download would
            return MediaItemResult.Of(w, m, item, o, sw.Elapsed, slot);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            slot?.Resolve();
            throw;
        }
        catch (Exception e)
        {
            slot?.Resolve(); // a failure holds no bytes, but keeps its place until the consumer takes it
            var (id, kind) = ErrorMapping.Classify(e);
            return new MediaItemResult
            {
                Sequence = w.Sequence, Path = w.Path, Store = m?.Store ?? "", Status = ItemStatus.Failed, TargetObject = w.Target, Slot = slot,
                LocalPath = null, Duration = sw.Elapsed, Error = ErrorMapping.Message(e), ErrorId = id, ErrorKind = kind,
            };
        }
    }

    static MediaItemResult Result(WorkItem w, MediaRef m, ItemStatus status, string? local, long size, Stopwatch sw, ReadAheadWindow.Slot? slot) => new()
    {
        Sequence = w.Sequence, Path = w.Path, Store = m.Store, LocalPath = local, Size = size, Status = status,
        Duration = sw.Elapsed, TargetObject = w.Target, Slot = slot,
    };

    /// <summary>Releases results in input order, holding early finishers until their predecessors are out.</summary>
    sealed class Reorderer(BatchRun run, SemaphoreSlim? bound)
    {
        readonly SortedDictionary<long, MediaItemResult> _held = new();
        long _next;

        public void Add(MediaItemResult r)
        {
            lock (_held)
            {
                _held[r.Sequence] = r;
                while (_held.Remove(_next, out var ready))
                {
                    run.Deliver(ready);
                    bound?.Release();
                    _next++;
                }
            }
        }
    }
}
