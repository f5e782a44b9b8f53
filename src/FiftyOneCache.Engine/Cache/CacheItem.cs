using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

/// <summary>What a caller wants of one object.</summary>
/// <param name="Download">False: only say where the object is or would be (-NoDownload).</param>
/// <param name="Update">Re-download when the remote ETag/checksum differs from the cached copy's.</param>
/// <param name="Hold">Pin the local path for the caller until it releases the outcome's lease.</param>
/// <param name="Listed">What a listing already said about the object (no stat request needed).</param>
public sealed record ItemRequest(bool Download = true, bool Update = false, bool Hold = false, RemoteStat? Listed = null)
{
    /// <summary>Told the object's size when its transfer starts, so progress can show bytes, percent and ETA.</summary>
    public Action<long>? OnTransferStart { get; init; }

    /// <summary>
    /// Waits, once the object's size is known and before a byte of it is written, until the caller's read-ahead
    /// window has room for it (see <see cref="ReadAheadWindow"/>); true if it had to wait.
    /// </summary>
    public Func<long, CancellationToken, ValueTask<bool>>? Admit { get; init; }

    /// <summary>
    /// A hit needs only the local path: the file alone answers it (a download renames a complete file into place,
    /// so a file at the final path is whole), and its index row is not read. The row read was a read transaction on
    /// the one connection every worker shares: at 100,000 entries it held hits to about 35,000 a second (bench
    /// scenario 3). The access time is recorded as for any hit, and a file the index does not know is adopted when
    /// the access times are written (<see cref="CacheIndex.FlushTouches"/>).
    /// </summary>
    public bool PathOnly { get; init; }
}

/// <summary>What became of one object: where it is, and the pin that keeps it there while the caller holds it.</summary>
public sealed record ItemOutcome(ItemStatus Status, string LocalPath, long Size, string? ETag, IDisposable? Lease);

/// <summary>
/// One object in the cache, and the one entry point to it: get it if cached, otherwise fetch it. The item owns
/// its index row, its cross-process lock, its pin, the stat, the download and the restore after a failure; the
/// batch pipeline, the dataset commands and the CVAT planner only compose items. Short-lived: one per request.
/// </summary>
public sealed partial class CacheItem
{
    readonly MediaCache _cache;
    readonly MediaRef? _ref;
    string? _what;
    /// <summary>The item as messages name it; only a miss needs it (two regex passes: not for every cache hit).</summary>
    string What => _what ??= $"'{Redact.ForDisplay(Ref.Original)}'";

    internal CacheItem(MediaCache cache, MediaRef item)
    {
        _cache = cache;
        _ref = item;
        Relative = CacheLayout.RelativePath(item);
        LocalPath = cache.FullPathOf(Relative);
    }

    /// <summary>An item known by its index key alone (eviction, clear, repair, recovery): it can be removed or
    /// recovered, not fetched.</summary>
    internal CacheItem(MediaCache cache, string relative)
    {
        _cache = cache;
        Relative = relative;
        LocalPath = cache.FullPathOf(relative);
    }

    public MediaRef Ref => _ref ?? throw new InvalidOperationException($"the cache item {Relative} is known by its index key only");
    /// <summary>The index key: the path relative to the cache directory.</summary>
    public string Relative { get; }
    public string LocalPath { get; }

    CacheIndex Index => _cache.Index;

    public async Task<ItemOutcome> GetAsync(ItemRequest request, Action<long>? onBytes, CancellationToken ct)
    {
        // Pin first, then look: an eviction that deleted the file before the pin is seen as a miss, and none can
        // delete it after.
        var lease = request.Hold ? await _cache.Pins.PinAsync(Relative, ct).ConfigureAwait(false) : null;
        try
        {
            // A miss that will be fetched is known by one stat, without reading the index (a read transaction: SQLite's
            // file locks, four fcntl calls): whatever the row says, no file means a download, which writes the row anew.
            var file = new FileInfo(LocalPath);
            var miss = request.Download && !file.Exists;
            if (request.PathOnly && !request.Update && file.Exists) return PathOnlyHit(file, lease);
            var entry = request.Update || miss ? null : Index.Get(Relative); // -Update reads the row again under the lock
            if (!request.Update && !miss && TryCached(entry, file) is { } size) return new(ItemStatus.Cached, LocalPath, size, entry?.ETag, lease);
            if (!request.Download)
            {
                lease?.Dispose();
                return new(ItemStatus.NotCached, LocalPath, 0, null, null);
            }
            var store = _cache.Stores.Get(Ref.Store);
            using var held = await _cache.Locks.AcquireAsync(Relative, ct).ConfigureAwait(false);
            // Whoever held the lock before us may have fetched it: their file and row are both final by now.
            if (!request.Update && File.Exists(LocalPath) && TryCached(entry = Index.Get(Relative)) is { } size2)
                return new(ItemStatus.Cached, LocalPath, size2, entry?.ETag, lease);
            var (status, fetched, etag) = await FetchLockedAsync(store, request, onBytes, ct).ConfigureAwait(false);
            return new(status, LocalPath, fetched, etag, lease);
        }
        catch
        {
            lease?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A path-only hit (<see cref="ItemRequest.PathOnly"/>, no update) answered without waiting for anything, on the
    /// caller's thread: pinned first when <paramref name="hold"/>, then seen, its access recorded. Null where the item
    /// would need a worker: no file (a miss), or a pin that must wait for an eviction on its stripe.
    /// </summary>
    internal ItemOutcome? TryPathOnlyHit(bool hold)
    {
        var lease = hold ? _cache.Pins.TryPinNow(Relative) : null;
        if (hold && lease is null) return null;
        var file = new FileInfo(LocalPath);
        if (file.Exists) return PathOnlyHit(file, lease);
        lease?.Dispose();
        return null;
    }

    /// <summary>A complete file is at the final path only once renamed there: it is whole, and needs no index row.</summary>
    ItemOutcome PathOnlyHit(FileInfo file, IDisposable? lease)
    {
        Index.TouchUnread(Relative, Ref.Canonical, LocalPath);
        return new(ItemStatus.Cached, LocalPath, file.Length, null, lease);
    }

    /// <summary>The fast path: an index hit whose file exists. A file without a row (index lost) is adopted.</summary>
    long? TryCached(IndexEntry? e, FileInfo? known = null)
    {
        if (e is { State: IndexEntry.Pending }) return null;
        var fi = known ?? new FileInfo(LocalPath);
        if (!fi.Exists)
        {
            if (e is not null) ForgetMissingFile();
            return null;
        }
        if (e is null) Index.Adopt(Relative, Ref.Canonical, fi.Length, CacheIndex.Now());
        else Index.Touch(Relative);
        return fi.Length;
    }

    async Task<(ItemStatus Status, long Size, string? ETag)> FetchLockedAsync(IObjectStore store, ItemRequest request, Action<long>? onBytes, CancellationToken ct)
    {
        var retry = _cache.Downloader.Retry;
        for (var round = 1; ; round++)
        {
            // One request per object where possible: a listing already gave size and ETag, or (plain HTTP) the GET's
            // own headers say what the object is; a separate stat request only when neither can.
            Stream? body = null;
            RemoteStat stat;
            if (round == 1 && request.Listed is { } listed) stat = listed;
            else if (round == 1 && !request.Update && store is IReadWithStat direct)
            {
                var opened = await retry.RunAsync(_ => direct.OpenWithStatAsync(Ref, ct), What, _cache.Log, ct).ConfigureAwait(false);
                stat = opened.Stat;
                if (stat.Size > _cache.Downloader.SingleStreamThreshold && stat.SupportsRanges) await opened.Body.DisposeAsync().ConfigureAwait(false);
                else body = opened.Body;
            }
            else stat = await retry.RunAsync(_ => store.StatAsync(Ref, ct), What, _cache.Log, ct).ConfigureAwait(false);
            var present = File.Exists(LocalPath);
            if (request.Update && present && Index.Get(Relative) is { State: IndexEntry.Complete } existing && SameVersion(existing, stat))
            {
                Index.Touch(Relative);
                return (ItemStatus.Cached, existing.Size, existing.ETag);
            }
            var config = _cache.Config;
            if (!config.IsUnlimited && stat.Size > config.CacheSizeBytes)
            {
                if (body is not null) await body.DisposeAsync().ConfigureAwait(false);
                throw new CacheLimitException($"{What} is {Sizes.Humanize(stat.Size)}, larger than the whole cache ({Sizes.Humanize(config.CacheSizeBytes)})");
            }

            try
            {
                // An open body waits with its connection; a server that drops it meanwhile costs a resumed retry.
                if (request.Admit is { } admit) await admit(stat.Size, ct).ConfigureAwait(false);
            }
            catch
            {
                if (body is not null) await body.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            await Index.ReserveAsync(Relative, Ref.Canonical, stat.Size).ConfigureAwait(false);
            _cache.Evictor.Reserved(stat.Size);
            try
            {
                await _cache.Evictor.EvictAsync(ct).ConfigureAwait(false);
                request.OnTransferStart?.Invoke(stat.Size);
                await _cache.Downloader.DownloadAsync(new Transfer(store, Ref, stat, LocalPath) { OnBytes = onBytes, Opened = body }, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (body is not null) await body.DisposeAsync().ConfigureAwait(false);
                RestoreAfterFailure(present);
                if (e is StoreException { Kind: StoreErrorKind.Changed or StoreErrorKind.Corrupt } && round < 3) continue; // re-stat and start over
                throw;
            }
            await Index.CompleteAsync(Relative, Ref.Canonical, stat.Size, stat.ETag, stat.Checksum).ConfigureAwait(false);
            return (present ? ItemStatus.Updated : ItemStatus.Downloaded, stat.Size, stat.ETag);
        }
    }

    /// <summary>A failed download leaves the index as the disk is: the old file (if any) stays cached.</summary>
    void RestoreAfterFailure(bool hadFile)
    {
        var fi = new FileInfo(LocalPath);
        if (hadFile && fi.Exists) Index.Adopt(Relative, Ref.Canonical, fi.Length, CacheIndex.Now());
        else Index.Remove(Relative);
    }

    static bool SameVersion(IndexEntry e, RemoteStat s)
    {
        if (e.ETag is not null && s.ETag is not null) return e.ETag == s.ETag && e.Size == s.Size;
        if (e.Checksum is not null && s.Checksum is not null) return e.Checksum == s.Checksum && e.Size == s.Size;
        return false;
    }
}

/// <summary>An object larger than the whole cache limit.</summary>
public sealed class CacheLimitException(string message) : Exception(message);
