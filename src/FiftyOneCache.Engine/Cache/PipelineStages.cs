using System.Threading.Channels;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Cache;

/// <summary>The input stages of a batch: prefix expansion and sharding, each on its own task.</summary>
internal static class PipelineStages
{
    /// <summary>
    /// One stage of the input pipeline on its own task: <paramref name="step"/> sees each item and emits zero or
    /// more items, which are renumbered in order into a bounded channel (so a slow consumer slows the stage).
    /// </summary>
    static ChannelReader<WorkItem> Stage(ChannelReader<WorkItem> input, int capacity,
                                         Func<WorkItem, Func<WorkItem, ValueTask>, Task> step, CancellationToken ct)
    {
        var outCh = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        _ = Task.Run(async () =>
        {
            long seq = 0;
            ValueTask Emit(WorkItem w) => outCh.Writer.WriteAsync(w with { Sequence = seq++ }, ct);
            try
            {
                await foreach (var w in input.ReadAllAsync(ct).ConfigureAwait(false)) await step(w, Emit).ConfigureAwait(false);
                outCh.Writer.TryComplete();
            }
            catch (Exception e) { outCh.Writer.TryComplete(e); }
        }, CancellationToken.None);
        return outCh.Reader;
    }

    /// <summary>Keeps this machine's share; unparseable paths stay in every shard so that their errors are seen.</summary>
    public static ChannelReader<WorkItem> FilterShard(MediaCache cache, ChannelReader<WorkItem> input, Shard shard, CancellationToken ct) =>
        Stage(input, 1024, async (w, emit) =>
        {
            string key;
            try
            {
                w = w.Ref is null ? w with { Ref = cache.Parser.Parse(w.Path) } : w; // parsed once, carried on
                key = w.Ref!.Canonical;
            }
            catch (Exception) { key = ""; }
            if (key.Length == 0 || shard.Contains(key)) await emit(w).ConfigureAwait(false);
        }, ct);

    /// <summary>Expands prefixes into the objects under them as the listing streams in.</summary>
    public static ChannelReader<WorkItem> Expand(MediaCache cache, ChannelReader<WorkItem> input, TransferProgress? progress,
                                                 ChannelWriter<MediaItemResult> errors, CancellationToken ct) =>
        Stage(input, 10_000, async (w, emit) =>
        {
            MediaRef m;
            Storage.IObjectStore store;
            try
            {
                m = w.Ref ?? cache.Parser.Parse(w.Path);
                w = w with { Ref = m }; // parsed once, carried on
                if (m.IsLocal) { await emit(w).ConfigureAwait(false); return; }
                store = cache.Stores.Get(m.Store);
            }
            catch (Exception) { await emit(w).ConfigureAwait(false); return; } // its error is reported by the worker
            // What the store declares (StoreCapabilities.CanList), not what the pipeline knows of stores by name.
            if (!(cache.Stores.Backend(m.Store)?.Capabilities.CanList ?? store.CanList)) { await emit(w).ConfigureAwait(false); return; }
            var prefix = m.Key.Length == 0 || m.Key.EndsWith('/') ? m : m with { Key = m.Key + "/" };
            long found = 0;
            try
            {
                await foreach (var obj in store.ListAsync(prefix, ct).ConfigureAwait(false))
                {
                    found++;
                    progress?.Discovered(1);
                    await emit(new WorkItem(0, obj.Item.Original, w.Target) { Listed = obj.Stat, Ref = obj.Item }).ConfigureAwait(false);
                }
                if (found == 0) cache.Log.Warning($"No objects found under '{Redact.ForDisplay(prefix.Canonical)}'");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var (_, kind) = ErrorMapping.Classify(e);
                await errors.WriteAsync(new MediaItemResult
                {
                    Sequence = w.Sequence, Path = w.Path, Store = m.Store, Status = ItemStatus.Failed, TargetObject = w.Target,
                    Error = $"Listing '{Redact.ForDisplay(prefix.Canonical)}' failed: {ErrorMapping.Message(e)}", ErrorId = "ListFailed", ErrorKind = kind,
                }, ct).ConfigureAwait(false);
            }
        }, ct);
}
