using System.Diagnostics;
using System.Threading.Channels;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

public sealed partial class MediaCache
{
    public int DefaultConcurrency => Math.Clamp(Config.NumWorkers * 8, 1, 256);

    /// <summary>
    /// Makes every input available locally with a pool of concurrent transfers and streams the results:
    /// in completion order, or in input order when <see cref="ProcessOptions.Ordered"/>. Items fail one by one;
    /// the batch goes on. Cancelling stops in-flight transfers and leaves no partial file.
    /// </summary>
    public ChannelReader<MediaItemResult> Process(ChannelReader<WorkItem> input, ProcessOptions options, TransferProgress? progress, CancellationToken ct)
    {
        var output = Channel.CreateUnbounded<MediaItemResult>(new UnboundedChannelOptions { SingleReader = true });
        var concurrency = options.Concurrency ?? DefaultConcurrency;
        var pinned = new ConcurrentBagOfPins(this);
        var expanded = options.Recurse ? Expand(input, progress, output.Writer, ct) : input;
        if (options.Shard is { Count: > 1 } shard) expanded = FilterShard(expanded, shard, ct);
        var window = options.Ordered ? new SemaphoreSlim(Math.Max(4096, concurrency * 16)) : null;
        var reorder = options.Ordered ? new Reorderer(output.Writer, window!) : null;

        _ = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Gate(expanded, window, ct), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
                    async (w, token) =>
                    {
                        var r = await HandleAsync(w, options, pinned, progress, token).ConfigureAwait(false);
                        progress?.ItemDone(r);
                        if (reorder is not null) reorder.Add(r);
                        else await output.Writer.WriteAsync(r, token).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                output.Writer.TryComplete();
            }
            catch (Exception e)
            {
                output.Writer.TryComplete(e);
            }
            finally
            {
                try { Index.FlushTouches(); } catch (Exception e) { Log.Debug($"flushing access times failed: {e.Message}"); }
                pinned.ReleaseAll();
            }
        }, CancellationToken.None);
        return output.Reader;
    }

    static async IAsyncEnumerable<WorkItem> Gate(ChannelReader<WorkItem> input, SemaphoreSlim? window,
                                                 [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var w in input.ReadAllAsync(ct).ConfigureAwait(false))
        {
            if (window is not null) await window.WaitAsync(ct).ConfigureAwait(false);
            yield return w;
        }
    }

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
    ChannelReader<WorkItem> FilterShard(ChannelReader<WorkItem> input, Shard shard, CancellationToken ct) =>
        Stage(input, 1024, async (w, emit) =>
        {
            string key;
            try { key = Parser.Parse(w.Path).Canonical; } catch (Exception) { key = ""; }
            if (key.Length == 0 || shard.Contains(key)) await emit(w).ConfigureAwait(false);
        }, ct);

    /// <summary>Expands prefixes into the objects under them as the listing streams in.</summary>
    ChannelReader<WorkItem> Expand(ChannelReader<WorkItem> input, TransferProgress? progress, ChannelWriter<MediaItemResult> errors, CancellationToken ct) =>
        Stage(input, 10_000, async (w, emit) =>
        {
            MediaRef m;
            try { m = Parser.Parse(w.Path); }
            catch (Exception) { await emit(w).ConfigureAwait(false); return; } // its error is reported by the worker
            if (m.IsLocal || m.Store == StoreNames.Http) { await emit(w).ConfigureAwait(false); return; }
            var prefix = m.Key.Length == 0 || m.Key.EndsWith('/') ? m : m with { Key = m.Key + "/" };
            long found = 0;
            try
            {
                await foreach (var obj in Stores.Get(m.Store).ListAsync(prefix, ct).ConfigureAwait(false))
                {
                    found++;
                    progress?.Discovered(1);
                    await emit(new WorkItem(0, obj.Original, w.Target) { Listed = obj.Listed }).ConfigureAwait(false);
                }
                if (found == 0) Log.Warning($"No objects found under '{prefix.Canonical}'");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var (_, kind) = Classify(e);
                await errors.WriteAsync(new MediaItemResult
                {
                    Sequence = w.Sequence, Path = w.Path, Store = m.Store, Status = ItemStatus.Failed, TargetObject = w.Target,
                    Error = $"Listing '{Redact.ForDisplay(prefix.Canonical)}' failed: {Message(e)}", ErrorId = "ListFailed", ErrorKind = kind,
                }, ct).ConfigureAwait(false);
            }
        }, ct);

    async Task<MediaItemResult> HandleAsync(WorkItem w, ProcessOptions options, ConcurrentBagOfPins pinned, TransferProgress? progress, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        MediaRef? m = null;
        string? handedOut = null;
        try
        {
            m = Parser.Parse(w.Path);
            if (m.IsLocal)
            {
                var fi = new FileInfo(m.Key);
                return Result(w, m, ItemStatus.Local, m.Key, fi.Exists ? fi.Length : 0, null, sw);
            }
            var rel = RelativePathOf(m);
            var full = FullPathOf(rel);
            if (!options.PinUntilDone) handedOut = rel;
            if (!options.Update && TryCached(rel, full, m, pinned) is { } size)
                return Result(w, m, ItemStatus.Cached, full, size, null, sw);
            if (!options.Download)
                return Result(w, m, ItemStatus.NotCached, full, 0, null, sw);
            var store = Stores.Get(m.Store);
            using var held = await Locks.AcquireAsync(rel, ct).ConfigureAwait(false);
            if (!options.Update && TryCached(rel, full, m, pinned) is { } size2)
                return Result(w, m, ItemStatus.Cached, full, size2, null, sw);
            return await FetchLockedAsync(w, m, store, rel, full, options, pinned, progress, sw, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var (id, kind) = Classify(e);
            return new MediaItemResult
            {
                Sequence = w.Sequence, Path = w.Path, Store = m?.Store ?? "", Status = ItemStatus.Failed, TargetObject = w.Target,
                LocalPath = null, Duration = sw.Elapsed, Error = Message(e), ErrorId = id, ErrorKind = kind,
            };
        }
        finally
        {
            if (handedOut is not null) pinned.Release(handedOut);
        }
    }

    async Task<MediaItemResult> FetchLockedAsync(WorkItem w, MediaRef m, IObjectStore store, string rel, string full, ProcessOptions options,
                                                 ConcurrentBagOfPins pinned, TransferProgress? progress, Stopwatch sw, CancellationToken ct)
    {
        var what = $"'{Redact.ForDisplay(m.Original)}'";
        for (var round = 1; ; round++)
        {
            // One request per object where possible: a listing already gave size and ETag, or (plain HTTP) the GET's
            // own headers say what the object is; a separate stat request only when neither can.
            Stream? body = null;
            RemoteStat stat;
            if (round == 1 && w.Listed is { } listed) stat = listed;
            else if (round == 1 && !options.Update && store is IReadWithStat direct)
            {
                var opened = await Downloader.Retry.RunAsync(_ => direct.OpenWithStatAsync(m, ct), what, Log, ct).ConfigureAwait(false);
                stat = opened.Stat;
                if (stat.Size > Downloader.SingleStreamThreshold && stat.SupportsRanges) await opened.Body.DisposeAsync().ConfigureAwait(false);
                else body = opened.Body;
            }
            else stat = await Downloader.Retry.RunAsync(_ => store.StatAsync(m, ct), what, Log, ct).ConfigureAwait(false);
            var existing = Index.Get(rel);
            var present = File.Exists(full);
            if (options.Update && present && existing is { State: IndexEntry.Complete } && SameVersion(existing, stat))
            {
                Index.Touch(rel);
                pinned.Add(rel);
                return Result(w, m, ItemStatus.Cached, full, existing.Size, existing.ETag, sw);
            }
            if (!Config.IsUnlimited && stat.Size > Config.CacheSizeBytes)
            {
                if (body is not null) await body.DisposeAsync().ConfigureAwait(false);
                throw new CacheLimitException($"{what} is {Sizes.Humanize(stat.Size)}, larger than the whole cache ({Sizes.Humanize(Config.CacheSizeBytes)})");
            }

            Index.Reserve(rel, m.Canonical, stat.Size);
            pinned.Add(rel);
            try
            {
                await EvictAsync(ct).ConfigureAwait(false);
                progress?.Started(w.Path, stat.Size); // the size is known now: progress can show bytes, percent and ETA
                await Downloader.DownloadAsync(store, m, stat, full, progress is null ? null : progress.Bytes, ct, body).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (body is not null) await body.DisposeAsync().ConfigureAwait(false);
                RestoreAfterFailure(rel, m, present);
                if (e is StoreException { Kind: StoreErrorKind.Changed or StoreErrorKind.Corrupt } && round < 3) continue; // re-stat and start over
                throw;
            }
            Index.Complete(rel, m.Canonical, stat.Size, stat.ETag, stat.Checksum);
            return Result(w, m, present ? ItemStatus.Updated : ItemStatus.Downloaded, full, stat.Size, stat.ETag, sw);
        }
    }

    /// <summary>A failed download leaves the index as the disk is: the old file (if any) stays cached.</summary>
    void RestoreAfterFailure(string rel, MediaRef m, bool hadFile)
    {
        var fi = new FileInfo(FullPathOf(rel));
        if (hadFile && fi.Exists) Index.Adopt(rel, m.Canonical, fi.Length, CacheIndex.Now());
        else Index.Remove(rel);
    }

    static bool SameVersion(IndexEntry e, RemoteStat s)
    {
        if (e.ETag is not null && s.ETag is not null) return e.ETag == s.ETag && e.Size == s.Size;
        if (e.Checksum is not null && s.Checksum is not null) return e.Checksum == s.Checksum && e.Size == s.Size;
        return false;
    }

    /// <summary>The fast path: an index hit whose file exists. A file without a row (index lost) is adopted.</summary>
    long? TryCached(string rel, string full, MediaRef m, ConcurrentBagOfPins pinned)
    {
        var e = Index.Get(rel);
        if (e is { State: IndexEntry.Pending }) return null;
        var fi = new FileInfo(full);
        if (!fi.Exists)
        {
            if (e is not null && Locks.TryAcquire(rel) is { } held)
            {
                using (held) if (Index.Get(rel) is { State: IndexEntry.Complete }) Index.Remove(rel);
            }
            return null;
        }
        if (e is null) Index.Adopt(rel, m.Canonical, fi.Length, CacheIndex.Now());
        else Index.Touch(rel);
        pinned.Add(rel);
        return fi.Length;
    }

    static MediaItemResult Result(WorkItem w, MediaRef m, ItemStatus status, string? local, long size, string? etag, Stopwatch sw) => new()
    {
        Sequence = w.Sequence, Path = w.Path, Store = m.Store, LocalPath = local, Size = size, Status = status,
        Duration = sw.Elapsed, ETag = etag, TargetObject = w.Target,
    };

    public static string Message(Exception e) => Redact.ForDisplay(e switch
    {
        StoreException se => se.Message,
        InvalidMediaPathException ip => ip.Message,
        _ => e.Message,
    });

    public static (string Id, ErrorKind Kind) Classify(Exception e) => e switch
    {
        InvalidMediaPathException => ("InvalidMediaPath", ErrorKind.InvalidArgument),
        CacheLimitException => ("LargerThanCache", ErrorKind.LimitsExceeded),
        StoreException { Kind: StoreErrorKind.NotFound } => ("ObjectNotFound", ErrorKind.ObjectNotFound),
        StoreException { Kind: StoreErrorKind.AccessDenied } => ("AccessDenied", ErrorKind.PermissionDenied),
        StoreException { Kind: StoreErrorKind.NoCredentials } => ("NoCredentials", ErrorKind.AuthenticationError),
        StoreException { Kind: StoreErrorKind.Corrupt } => ("ChecksumMismatch", ErrorKind.InvalidData),
        StoreException { Kind: StoreErrorKind.Transient or StoreErrorKind.Changed } => ("TransferFailed", ErrorKind.ConnectionError),
        StoreException => ("StoreError", ErrorKind.InvalidArgument),
        IOException => ("WriteFailed", ErrorKind.WriteError),
        UnauthorizedAccessException => ("WriteFailed", ErrorKind.PermissionDenied),
        _ => ("DownloadFailed", ErrorKind.NotImplemented),
    };

    /// <summary>Paths handed out by one call: eviction leaves them alone until the call ends.</summary>
    sealed class ConcurrentBagOfPins(MediaCache cache)
    {
        readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _mine = new(StringComparer.Ordinal);
        public void Add(string rel) { if (_mine.TryAdd(rel, 0)) cache.Pin(rel); }
        public void Release(string rel) { if (_mine.TryRemove(rel, out _)) cache.Unpin(rel); }
        public void ReleaseAll() { foreach (var rel in _mine.Keys) cache.Unpin(rel); _mine.Clear(); cache.ResetEvictionBackoff(); }
    }

    /// <summary>Releases results in input order, holding early finishers until their predecessors are out.</summary>
    sealed class Reorderer(ChannelWriter<MediaItemResult> output, SemaphoreSlim window)
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
                    output.TryWrite(ready);
                    window.Release();
                    _next++;
                }
            }
        }
    }
}

/// <summary>An object larger than the whole cache limit.</summary>
public sealed class CacheLimitException(string message) : Exception(message);
