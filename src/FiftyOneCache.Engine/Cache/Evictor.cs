using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Keeps the cache at or under its size limit: evicts least recently used complete entries until the total
/// (reservations of downloads in flight included) fits. Pinned entries (handed to a consumer that has not taken
/// them yet, in any process) and entries locked by a download anywhere are skipped. One process evicts at a time.
/// </summary>
internal sealed class Evictor
{
    const int Batch = 256;
    static readonly RemoveRequest EvictRequest = new()
    {
        Only = (row, _) => row is { State: IndexEntry.Complete }, // a row that became a download since stays
        PruneEmptyFolders = false,
    };
    readonly MediaCache _cache;
    readonly CacheConfig _config;
    readonly CacheIndex _index;
    readonly NamedLock _evictLock;
    long _blockedUntil;
    int _nudged;
    // Room known to be free under the limit at the last look, less what this process reserved since: while it
    // lasts (and the look is recent), a download needs no query of the totals at all.
    long _headroom;
    long _lookedAt;

    public Evictor(MediaCache cache, CacheIndex index, NamedLock evictLock)
    {
        _cache = cache;
        _config = cache.Config;
        _index = index;
        _evictLock = evictLock;
    }

    public IEngineLog Log { get; set; } = NullLog.Instance;

    /// <summary>Pins were released: what blocked the last pass may be evictable now.</summary>
    public void ResetBackoff() => Volatile.Write(ref _blockedUntil, 0);

    /// <summary>
    /// Runs a pass in the background if the cache is over its limit (at most one queued at a time): called when a
    /// consumer takes an item, so the limit comes back as soon as pins go, without making the consumer wait.
    /// </summary>
    public void Nudge()
    {
        if (_config.IsUnlimited || HeadroomKnown || Interlocked.Exchange(ref _nudged, 1) == 1) return;
        ResetBackoff();
        _ = Task.Run(async () =>
        {
            Volatile.Write(ref _nudged, 0);
            try { await EvictAsync(CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) { Log.Debug($"background eviction failed: {e.Message}"); }
        });
    }

    /// <summary>A recent look found room under the limit that this process has not used up since.</summary>
    bool HeadroomKnown => Interlocked.Read(ref _headroom) > 0 && Environment.TickCount64 - Volatile.Read(ref _lookedAt) < 250;

    /// <summary>This process reserved <paramref name="bytes"/> for a download.</summary>
    public void Reserved(long bytes) => Interlocked.Add(ref _headroom, -bytes);

    public async Task EvictAsync(CancellationToken ct, long extraBytes = 0)
    {
        if (_config.IsUnlimited) return;
        if (extraBytes == 0 && HeadroomKnown) return;
        var t = _index.Totals();
        // Other processes may add to the cache between looks: keep a margin for them (10% of the limit, at least 64 MB).
        var margin = Math.Max(_config.CacheSizeBytes / 10, 64L << 20);
        Interlocked.Exchange(ref _headroom, _config.CacheSizeBytes - (t.Bytes + t.PendingBytes) - margin);
        Volatile.Write(ref _lookedAt, Environment.TickCount64);
        if (t.Bytes + t.PendingBytes + extraBytes <= _config.CacheSizeBytes) return;
        // A pass that found everything left in use: the next one waits a little instead of scanning it all again
        // for every download (that made a prewarm larger than the cache quadratic).
        if (Environment.TickCount64 < Volatile.Read(ref _blockedUntil)) return;
        _index.FlushTouches();
        using var evicting = await _evictLock.AcquireAsync(ct).ConfigureAwait(false);
        long evicted = 0, evictedBytes = 0;
        var (afterMs, afterPath) = (long.MinValue, "");
        // Once over the limit, evict a little below it (1% of the limit, at most 64 MB) so that one pass serves
        // several downloads instead of one pass per download.
        var slack = Math.Min(_config.CacheSizeBytes / 100, 64L << 20);
        var first = true;
        while (true)
        {
            t = _index.Totals();
            var excess = t.Bytes + t.PendingBytes + extraBytes - _config.CacheSizeBytes + (first ? slack : 0);
            first = false;
            if (excess <= 0) break;
            var batch = _index.OldestComplete(Batch, afterMs, afterPath);
            var progressed = false;
            foreach (var e in batch)
            {
                if (excess <= 0) break;
                (afterMs, afterPath) = (e.LastAccessMs, e.Path);
                // The item's one remove: skipped when pinned (handed to a consumer anywhere) or downloading.
                var r = _cache.ItemAt(e.Path).TryRemove(EvictRequest);
                if (r.Outcome == RemoveOutcome.Failed) Log.Warning($"Could not evict {_cache.FullPathOf(e.Path)}: the file could not be deleted");
                if (r.Outcome != RemoveOutcome.Removed) continue;
                excess -= e.Size;
                evicted++;
                evictedBytes += e.Size;
                progressed = true;
            }
            if (batch.Count < Batch && !progressed) break; // the last page, and nothing on it could go
            if (batch.Count == 0) break;
        }
        if (evicted > 0) Log.Verbose($"Evicted {evicted} least recently used file(s), {Sizes.Humanize(evictedBytes)}");
        t = _index.Totals();
        Volatile.Write(ref _blockedUntil, t.Bytes + t.PendingBytes + extraBytes > _config.CacheSizeBytes ? Environment.TickCount64 + 250 : 0);
        if (t.Bytes + t.PendingBytes > _config.CacheSizeBytes)
            Log.Debug($"Cache holds {Sizes.Humanize(t.Bytes + t.PendingBytes)} over its {Sizes.Humanize(_config.CacheSizeBytes)} limit: the rest is in use");
    }
}
