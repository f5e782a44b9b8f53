using System.Threading.Channels;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// The cache engine: one per cache directory and process. Usable without PowerShell.
/// Layout under the cache directory: media/store/bucket/key files (see <see cref="CacheLayout"/>), and
/// .fiftyonecache/ holding index.db (SQLite WAL), locks/ (download lock stripes: byte ranges of one file on Linux), pins/ (pin stripes) and evict.lock.
/// This class owns the cache as a whole (opening and recovery, statistics, clear, entries); one object is a
/// <see cref="CacheItem"/>, a batch is <see cref="BatchPipeline"/>, eviction is <see cref="Evictor"/>.
/// </summary>
public sealed partial class MediaCache : IDisposable
{
    MediaCache(CacheConfig config, StoreRegistry stores, IEngineLog log)
    {
        Config = config;
        Stores = stores;
        Log = log;
        Fleet.SharedFileSystem.EnsureLocal(config.CacheDir); // SQLite WAL on NFS/Lustre/SMB... shared by nodes corrupts the index
        FilePermissions.CreateOwnerOnlyDirectory(config.CacheDir);
        var meta = Path.Combine(config.CacheDir, CacheLayout.MetaDir);
        FilePermissions.CreateOwnerOnlyDirectory(meta);
        Locks = new ObjectLocks(Path.Combine(meta, "locks"));
        Pins = new PinLocks(Path.Combine(meta, "pins"));
        Index = new CacheIndex(Path.Combine(meta, "index.db"));
        Downloader = new Downloader { Log = log };
        Evictor = new Evictor(this, Index, new NamedLock(Path.Combine(meta, "evict.lock"))) { Log = log };
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
    internal StoreRegistry Stores { get; }
    public IEngineLog Log
    {
        get => _log;
        set { _log = value; if (Evictor is not null) Evictor.Log = value; if (Locks is not null) Locks.Log = value; }
    }
    IEngineLog _log = NullLog.Instance;
    // The engine's own parts: items, batches, eviction and maintenance use them; callers use the cache and its items.
    internal CacheIndex Index { get; }
    internal ObjectLocks Locks { get; }
    internal PinLocks Pins { get; }
    internal Evictor Evictor { get; }
    internal Downloader Downloader { get; }
    public MediaPathParser Parser => Stores.Parser;

    /// <summary>The object a BucketName/Key pair names, built by the store that claims such input (not parsed back).</summary>
    public MediaRef RefForBucketKey(string bucket, string key) => Stores.RefForBucketKey(bucket, key);

    /// <summary>Where a store's credentials come from, with no secret in it (for -Verbose).</summary>
    public string DescribeCredentials(string store) => Stores.Get(store).DescribeCredentials();

    public string RelativePathOf(MediaRef m) => CacheLayout.RelativePath(m);
    public string FullPathOf(string relative) => CacheLayout.FullPath(Config.CacheDir, relative);

    /// <summary>Where a path is (or would be) cached; local paths map to themselves.</summary>
    public string LocalPathOf(string path)
    {
        var m = Parser.Parse(path);
        return m.IsLocal ? m.Key : FullPathOf(RelativePathOf(m));
    }

    /// <summary>Finishes what crashed processes left: see <see cref="CacheItem.RecoverAbandoned"/>.</summary>
    public int Recover()
    {
        var fixedCount = Index.PendingEntries().Count(e => ItemAt(e.Path).RecoverAbandoned(e));
        if (fixedCount > 0) Log.Verbose($"Recovered {fixedCount} interrupted download(s) in {Config.CacheDir}");
        return fixedCount;
    }

    public int DefaultConcurrency => Math.Clamp(Config.NumWorkers * 8, 1, 256);

    /// <summary>The one entry point to one object (get or fetch); see <see cref="CacheItem"/>.</summary>
    public CacheItem Item(MediaRef item) => new(this, item);

    /// <summary>The item at an index key (the path relative to the cache directory).</summary>
    internal CacheItem ItemAt(string relative) => new(this, relative);

    /// <summary>
    /// Makes every input available locally with a pool of concurrent items and streams the results: in completion
    /// order, or in input order when <see cref="ProcessOptions.Ordered"/>, at most one read-ahead batch ahead of the
    /// consumer. Items fail one by one; the batch goes on. Cancelling stops in-flight transfers and leaves no
    /// partial file. The caller acknowledges each result with <see cref="BatchRun.Taken"/> and disposes the run.
    /// </summary>
    public BatchRun Process(ChannelReader<WorkItem> input, ProcessOptions options, TransferProgress? progress, CancellationToken ct) =>
        BatchPipeline.Start(this, input, options, progress, ct);

    public Task EvictAsync(CancellationToken ct, long extraBytes = 0) => Evictor.EvictAsync(ct, extraBytes);

    /// <summary>
    /// Removes a cached item unless a consumer (in any process) pins it or a download holds it: clear-after-use.
    /// Never waits; an item that cannot go now stays as ordinary least-recently-used material.
    /// </summary>
    internal bool TryRemoveUnpinned(string rel) => ItemAt(rel).TryRemove(RemoveRequest.IfUnused).Outcome == RemoveOutcome.Removed;

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

    /// <summary>
    /// Removes one item from the cache; waits for a download of it in flight to finish first. An item pinned by a
    /// running command (in any process) is left in place and reported as <see cref="ClearStatus.InUse"/>.
    /// </summary>
    public async Task<ClearResult> ClearItemAsync(string path, CancellationToken ct)
    {
        var m = Parser.Parse(path);
        if (m.IsLocal) return new ClearResult { Path = path, LocalPath = m.Key, Status = ClearStatus.Local };
        var item = Item(m);
        var r = await item.RemoveAsync(new RemoveRequest { WaitForDownload = true }, ct).ConfigureAwait(false);
        return new ClearResult
        {
            Path = path, LocalPath = item.LocalPath, Size = r.Bytes,
            Status = r.Outcome switch
            {
                RemoveOutcome.Removed => ClearStatus.Removed,
                RemoveOutcome.NotCached => ClearStatus.NotCached,
                RemoveOutcome.Failed => ClearStatus.Failed,
                _ => ClearStatus.InUse,
            },
            Error = r.Outcome switch
            {
                RemoveOutcome.Pinned => "in use: a running command has handed this file to its consumer and not yet released it; left in place",
                RemoveOutcome.Busy => "in use: a download of it is still in flight; left in place",
                RemoveOutcome.Failed => "the file could not be deleted (in use by another program, or not permitted)",
                _ => null,
            },
        };
    }

    /// <summary>Empties the cache, leaving items in use (pinned by a running command, or downloading) in place.</summary>
    public ClearResult ClearAll(CancellationToken ct)
    {
        Index.FlushTouches();
        long bytes = 0, pinned = 0, busy = 0, failed = 0;
        void Count(Removal r)
        {
            switch (r.Outcome)
            {
                case RemoveOutcome.Removed: bytes += r.Bytes; break;
                case RemoveOutcome.Pinned: pinned++; break;
                case RemoveOutcome.Busy: busy++; break;
                case RemoveOutcome.Failed: failed++; break;
            }
        }
        foreach (var e in Index.All()) // paged by path, so rows removed behind the cursor do not disturb it
        {
            ct.ThrowIfCancellationRequested();
            Count(ItemAt(e.Path).TryRemove(RemoveRequest.IfUnused));
        }
        foreach (var dir in Directory.EnumerateDirectories(Config.CacheDir))
        {
            if (Path.GetFileName(dir) == CacheLayout.MetaDir) continue;
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                if (Downloader.IsTempName(Path.GetFileName(f))) continue; // a download in flight owns it
                var rel = Path.GetRelativePath(Config.CacheDir, f).Replace(Path.DirectorySeparatorChar, '/');
                Count(ItemAt(rel).TryRemove(new RemoveRequest { Only = (row, _) => row is null, PruneEmptyFolders = false }));
            }
            EmptyFolders.RemoveTree(dir);
        }
        var left = new List<string>();
        if (pinned > 0) left.Add($"{pinned} item(s) in use by a running command were left in place");
        if (busy > 0) left.Add($"{busy} item(s) being downloaded were left in place");
        if (failed > 0) left.Add($"{failed} file(s) could not be deleted");
        return new ClearResult
        {
            Path = Config.CacheDir, LocalPath = Config.CacheDir, Size = bytes, Status = ClearStatus.Removed,
            Error = left.Count > 0 ? string.Join("; ", left) : null,
        };
    }

    public IEnumerable<CacheEntry> Entries(string? sourceWildcard = null)
    {
        Index.FlushTouches();
        string? like = sourceWildcard is null ? null
            : sourceWildcard.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace('*', '%').Replace('?', '_');
        foreach (var e in Index.All(like))
            yield return CacheEntry.From(e, FullPathOf(e.Path));
    }

    public void Dispose()
    {
        Index.Dispose();
        Stores.Dispose();
        Locks.Dispose();
        Pins.Dispose();
    }
}
