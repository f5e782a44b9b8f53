using System.Collections.Concurrent;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// The cache engine: one per cache directory and process. Usable without PowerShell.
/// Layout under the cache directory: media/store/bucket/key files (see <see cref="CacheLayout"/>), and
/// .fiftyonecache/ holding index.db (SQLite WAL), locks/ (flock stripes) and evict.lock.
/// </summary>
public sealed partial class MediaCache : IDisposable
{
    readonly ConcurrentDictionary<string, int> _pins = new(StringComparer.Ordinal);
    readonly NamedLock _evictLock;
    long _evictBlockedUntil;

    MediaCache(CacheConfig config, StoreRegistry stores, IEngineLog log)
    {
        Config = config;
        Stores = stores;
        Log = log;
        FilePermissions.CreateOwnerOnlyDirectory(config.CacheDir);
        var meta = Path.Combine(config.CacheDir, CacheLayout.MetaDir);
        FilePermissions.CreateOwnerOnlyDirectory(meta);
        Locks = new ObjectLocks(Path.Combine(meta, "locks"));
        _evictLock = new NamedLock(Path.Combine(meta, "evict.lock"));
        Index = new CacheIndex(Path.Combine(meta, "index.db"));
        Downloader = new Downloader { Log = log };
        LayoutMigration.Ensure(config.CacheDir, Index, log); // a cache written before FiftyOne's media/ layout moves in place, once
        if (Index.WasCreated && Directory.EnumerateFileSystemEntries(config.CacheDir).Any(p => Path.GetFileName(p) != CacheLayout.MetaDir))
        {
            log.Verbose($"Cache index not found in {config.CacheDir}: rebuilding it from the files");
            Rebuild();
        }
        Recover();
    }

    public static MediaCache Open(CacheConfig config, IEngineLog? log = null, StoreRegistry? stores = null)
    {
        log ??= NullLog.Instance;
        return new MediaCache(config, stores ?? StoreRegistry.CreateDefault(config, log), log);
    }

    public CacheConfig Config { get; }
    public StoreRegistry Stores { get; }
    public IEngineLog Log { get; set; }
    public CacheIndex Index { get; }
    public ObjectLocks Locks { get; }
    public Downloader Downloader { get; }
    public MediaPathParser Parser => Stores.Parser;

    public string RelativePathOf(MediaRef m) => CacheLayout.RelativePath(m);
    public string FullPathOf(string relative) => CacheLayout.FullPath(Config.CacheDir, relative);

    /// <summary>Where a path is (or would be) cached; local paths map to themselves.</summary>
    public string LocalPathOf(string path)
    {
        var m = Parser.Parse(path);
        return m.IsLocal ? m.Key : FullPathOf(RelativePathOf(m));
    }

    /// <summary>
    /// Finishes what crashed processes left: a pending row whose lock is free belongs to a dead download. Its temp
    /// file goes; a final file that made it to disk is adopted with its real size, otherwise the row goes.
    /// </summary>
    public int Recover()
    {
        var fixedCount = 0;
        foreach (var e in Index.PendingEntries())
        {
            using var held = Locks.TryAcquire(e.Path);
            if (held is null) continue; // a live download
            var current = Index.Get(e.Path);
            if (current is null || current.State != IndexEntry.Pending) continue;
            var full = FullPathOf(e.Path);
            Downloader.TryDelete(Downloader.TempPathFor(full));
            var fi = new FileInfo(full);
            if (fi.Exists) Index.Adopt(e.Path, e.Source, fi.Length, current.LastAccessMs);
            else Index.Remove(e.Path);
            fixedCount++;
        }
        if (fixedCount > 0) Log.Verbose($"Recovered {fixedCount} interrupted download(s) in {Config.CacheDir}");
        return fixedCount;
    }

    internal void Pin(string rel) => _pins.AddOrUpdate(rel, 1, (_, n) => n + 1);

    /// <summary>Items were released: what blocked the last eviction pass may be evictable now.</summary>
    internal void ResetEvictionBackoff() => Volatile.Write(ref _evictBlockedUntil, 0);

    internal void Unpin(string rel)
    {
        while (_pins.TryGetValue(rel, out var n))
        {
            if (n <= 1 ? _pins.TryRemove(new KeyValuePair<string, int>(rel, n)) : _pins.TryUpdate(rel, n - 1, n)) return;
        }
    }

    /// <summary>
    /// Evicts least recently used complete entries until the total (reservations included) fits the limit.
    /// Pinned entries (handed out by a call still running in this process) and entries locked by a download
    /// anywhere are skipped. One process evicts at a time.
    /// </summary>
    public async Task EvictAsync(CancellationToken ct, long extraBytes = 0)
    {
        if (Config.IsUnlimited) return;
        var t = Index.Totals();
        if (t.Bytes + t.PendingBytes + extraBytes <= Config.CacheSizeBytes) return;
        // A pass that found everything left in use: the next one waits a little instead of scanning it all again
        // for every download (that made a prewarm larger than the cache quadratic).
        if (Environment.TickCount64 < Volatile.Read(ref _evictBlockedUntil)) return;
        Index.FlushTouches();
        using var evicting = await _evictLock.AcquireAsync(ct).ConfigureAwait(false);
        long evicted = 0, evictedBytes = 0;
        var cutoff = long.MaxValue;
        // Once over the limit, evict a little below it (1% of the limit, at most 64 MB) so that one pass serves
        // several downloads instead of one pass per download.
        var slack = Math.Min(Config.CacheSizeBytes / 100, 64L << 20);
        var first = true;
        while (true)
        {
            t = Index.Totals();
            var excess = t.Bytes + t.PendingBytes + extraBytes - Config.CacheSizeBytes + (first ? slack : 0);
            first = false;
            if (excess <= 0) break;
            var batch = Index.OldestComplete(256, cutoff);
            var progressed = false;
            // The locks of a batch are held until its rows are gone, so no download can slip in between the
            // file's deletion and the row's; TryAcquire never waits, so holding several cannot deadlock.
            var held = new List<IDisposable>();
            var removed = new List<string>();
            try
            {
                foreach (var e in batch)
                {
                    if (excess <= 0) break;
                    cutoff = e.LastAccessMs;
                    if (_pins.ContainsKey(e.Path)) continue;
                    var l = Locks.TryAcquire(e.Path);
                    if (l is null) continue;
                    held.Add(l);
                    var full = FullPathOf(e.Path);
                    try { File.Delete(full); }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        Log.Warning($"Could not evict {full}: {ex.Message}");
                        continue;
                    }
                    removed.Add(e.Path);
                    excess -= e.Size;
                    evicted++;
                    evictedBytes += e.Size;
                    progressed = true;
                }
                Index.RemoveComplete(removed);
            }
            finally
            {
                foreach (var l in held) l.Dispose();
            }
            if (batch.Count < 256 && !progressed) break;
            if (batch.Count == 0) break;
        }
        if (evicted > 0) Log.Verbose($"Evicted {evicted} least recently used file(s), {Sizes.Humanize(evictedBytes)}");
        t = Index.Totals();
        Volatile.Write(ref _evictBlockedUntil, t.Bytes + t.PendingBytes + extraBytes > Config.CacheSizeBytes ? Environment.TickCount64 + 250 : 0);
        if (t.Bytes + t.PendingBytes > Config.CacheSizeBytes)
            Log.Debug($"Cache holds {Sizes.Humanize(t.Bytes + t.PendingBytes)} over its {Sizes.Humanize(Config.CacheSizeBytes)} limit: the rest is in use");
    }

    public CacheStats GetStats(IEnumerable<string>? items = null)
    {
        var limit = Config.CacheSizeBytes;
        if (items is null)
        {
            var t = Index.Totals();
            return new CacheStats
            {
                CacheDir = Config.CacheDir, CacheSize = limit, CacheSizeStr = Sizes.Humanize(limit),
                CurrentSize = t.Bytes, CurrentSizeStr = Sizes.Humanize(t.Bytes), CurrentCount = t.Count,
                LoadFactor = limit > 0 ? (double)t.Bytes / limit : null,
                InFlightCount = t.PendingCount, InFlightSize = t.PendingBytes, Scope = "All",
            };
        }
        long count = 0, bytes = 0, requested = 0, missing = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            requested++;
            var m = Parser.Parse(item);
            if (m.IsLocal) continue;
            var rel = RelativePathOf(m);
            if (!seen.Add(rel)) continue;
            var e = Index.Get(rel);
            if (e is { State: IndexEntry.Complete } && File.Exists(FullPathOf(rel))) { count++; bytes += e.Size; }
            else missing++;
        }
        return new CacheStats
        {
            CacheDir = Config.CacheDir, CacheSize = limit, CacheSizeStr = Sizes.Humanize(limit),
            CurrentSize = bytes, CurrentSizeStr = Sizes.Humanize(bytes), CurrentCount = count,
            LoadFactor = limit > 0 ? (double)bytes / limit : null, Scope = "Items",
            RequestedCount = requested, MissingCount = missing,
        };
    }

    /// <summary>Removes one item from the cache; waits for a download of it in flight to finish first.</summary>
    public async Task<ClearResult> ClearItemAsync(string path, CancellationToken ct)
    {
        var m = Parser.Parse(path);
        if (m.IsLocal) return new ClearResult { Path = path, LocalPath = m.Key, Status = ClearStatus.Local };
        var rel = RelativePathOf(m);
        var full = FullPathOf(rel);
        using var held = await Locks.AcquireAsync(rel, ct).ConfigureAwait(false);
        var e = Index.Get(rel);
        var fi = new FileInfo(full);
        if (e is null && !fi.Exists) return new ClearResult { Path = path, LocalPath = full, Status = ClearStatus.NotCached };
        var size = fi.Exists ? fi.Length : e?.Size ?? 0;
        if (fi.Exists) File.Delete(full);
        Index.Remove(rel);
        RemoveEmptyParents(Path.GetDirectoryName(full)!);
        return new ClearResult { Path = path, LocalPath = full, Size = size, Status = ClearStatus.Removed };
    }

    /// <summary>Empties the cache, leaving downloads in flight (in any process) alone.</summary>
    public ClearResult ClearAll(CancellationToken ct)
    {
        Index.FlushTouches();
        long removed = 0, bytes = 0, busy = 0;
        foreach (var e in Index.All()) // paged by path, so rows removed behind the cursor do not disturb it
        {
            ct.ThrowIfCancellationRequested();
            using var held = Locks.TryAcquire(e.Path);
            if (held is null || e.State == IndexEntry.Pending) { busy++; continue; }
            var full = FullPathOf(e.Path);
            Downloader.TryDelete(full);
            Index.Remove(e.Path);
            removed++;
            bytes += e.Size;
        }
        foreach (var dir in Directory.EnumerateDirectories(Config.CacheDir))
        {
            if (Path.GetFileName(dir) == CacheLayout.MetaDir) continue;
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(f);
                if (Downloader.IsTempName(name)) continue; // a download in flight owns it
                var rel = Path.GetRelativePath(Config.CacheDir, f).Replace(Path.DirectorySeparatorChar, '/');
                if (Index.Get(rel) is not null) continue;
                using var held = Locks.TryAcquire(rel);
                if (held is null) continue;
                Downloader.TryDelete(f);
                removed++;
            }
            RemoveEmptyDirectories(dir);
        }
        return new ClearResult
        {
            Path = Config.CacheDir, LocalPath = Config.CacheDir, Size = bytes, Status = ClearStatus.Removed,
            Error = busy > 0 ? $"{busy} item(s) were being downloaded and were left in place" : null,
        };
    }

    void RemoveEmptyParents(string dir)
    {
        var root = Path.GetFullPath(Config.CacheDir).TrimEnd(Path.DirectorySeparatorChar);
        while (dir.Length > root.Length && dir.StartsWith(root, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(dir).Any()) return;
                Directory.Delete(dir);
            }
            catch (IOException) { return; }
            dir = Path.GetDirectoryName(dir)!;
        }
    }

    static void RemoveEmptyDirectories(string dir)
    {
        try
        {
            foreach (var sub in Directory.EnumerateDirectories(dir)) RemoveEmptyDirectories(sub);
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public IEnumerable<CacheEntry> Entries(string? sourceWildcard = null)
    {
        Index.FlushTouches();
        string? like = sourceWildcard is null ? null
            : sourceWildcard.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace('*', '%').Replace('?', '_');
        foreach (var e in Index.All(like))
            yield return new CacheEntry
            {
                Source = e.Source, LocalPath = FullPathOf(e.Path), Size = e.Size, ETag = e.ETag, Checksum = e.Checksum,
                LastAccess = e.LastAccess, Created = e.Created, InFlight = e.State == IndexEntry.Pending,
            };
    }

    public void Dispose()
    {
        Index.Dispose();
        Stores.Dispose();
    }
}
