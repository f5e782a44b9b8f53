using System.Collections.Concurrent;
using System.Threading.Channels;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// One running batch: its results, and the consumer's acknowledgement of each (<see cref="Taken"/>), which ends
/// the item's pin, frees its room in the read-ahead window, removes it with clear-after-use, and lets eviction
/// bring the cache back under its limit. Disposing the run releases whatever the consumer never took and runs a
/// final eviction pass, so after every call the cache is at or under its limit.
/// </summary>
public sealed class BatchRun : IDisposable
{
    readonly MediaCache _cache;
    readonly ProcessOptions _options;
    readonly ReadAheadWindow? _window;
    readonly Channel<MediaItemResult> _output = Channel.CreateUnbounded<MediaItemResult>(new UnboundedChannelOptions { SingleReader = false });
    readonly ConcurrentDictionary<MediaItemResult, byte> _outstanding = new(ReferenceEqualityComparer.Instance);
    int _disposed;

    internal BatchRun(MediaCache cache, ProcessOptions options, ReadAheadWindow? window)
    {
        _cache = cache;
        _options = options;
        _window = window;
    }

    public ChannelReader<MediaItemResult> Results => _output.Reader;

    /// <summary>The read-ahead window of an ordered streaming run (null otherwise).</summary>
    public ReadAheadWindow? Window => _window;

    internal ChannelWriter<MediaItemResult> Writer => _output.Writer;

    /// <summary>Hands a result to the consumer; after the run is disposed, its pin goes at once.</summary>
    internal void Deliver(MediaItemResult r)
    {
        if (r.Lease is not null || r.Slot is not null) _outstanding[r] = 0;
        if (Volatile.Read(ref _disposed) == 1 || !_output.Writer.TryWrite(r)) Taken(r);
    }

    /// <summary>
    /// A path-only hit answered on the caller's thread, without a worker, for a caller that has taken every result
    /// of this run so far (so that nothing handed in before it can come out after it). It is pinned, seen and its
    /// access recorded as a worker would, and is given back to <see cref="Taken"/> like any result. Null for
    /// anything else (a miss, a prefix, -Update, a local path, a pin that must wait), which goes through the run.
    /// </summary>
    public MediaItemResult? TryAnswerInline(WorkItem w)
    {
        if (!_options.PathOnly || _options.Update || _options.Recurse || _options.Shard is { Count: > 1 } || Volatile.Read(ref _disposed) == 1) return null;
        if (w.Ref is not { IsLocal: false } m) return null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var item = _cache.Item(m);
        if (item.TryPathOnlyHit(hold: _options.Retain == Retention.UntilTaken) is not { } o) return null;
        var r = MediaItemResult.Of(w, m, item, o, System.Diagnostics.Stopwatch.GetElapsedTime(started), slot: null);
        if (r.Lease is not null) _outstanding[r] = 0;
        return r;
    }

    /// <summary>The consumer has the result (for PowerShell: WriteObject returned). Idempotent.</summary>
    public void Taken(MediaItemResult r)
    {
        if (Interlocked.Exchange(ref r.Taken, 1) == 1) return;
        _outstanding.TryRemove(r, out _);
        r.Lease?.Dispose();
        if (_options.ClearAfterUse && r.Status is ItemStatus.Downloaded or ItemStatus.Updated && r.Relative is { } rel)
            _cache.TryRemoveUnpinned(rel);
        r.Slot?.Leave(); // a listing failure, written straight out, never entered the window
        if (r.Lease is not null) _cache.Evictor.Nudge();
    }

    /// <summary>Reads every result, taking each as it comes (for callers that only collect or count them).</summary>
    public async IAsyncEnumerable<MediaItemResult> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var r in _output.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            yield return r;
            Taken(r);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        while (_output.Reader.TryRead(out var left)) Taken(left);
        foreach (var r in _outstanding.Keys) Taken(r);
        _cache.Evictor.ResetBackoff();
        try { _cache.Evictor.EvictAsync(CancellationToken.None).GetAwaiter().GetResult(); }
        catch (Exception e) { _cache.Log.Debug($"eviction after the call failed: {e.Message}"); }
    }
}
