namespace FiftyOneCache.Engine.Cache;

/// <summary>What a removal of one item asks for.</summary>
internal sealed record RemoveRequest
{
    /// <summary>Wait for a download of the item in flight (in any process) to finish, then remove what it wrote (an
    /// explicit clear). Otherwise a busy item is left as it is (eviction, clear-after-use, clearing everything).</summary>
    public bool WaitForDownload { get; init; }

    /// <summary>Removes only when this holds for the item's row as it is under the item's locks (eviction and repair
    /// decide on what they read earlier; a row that changed since is left alone).</summary>
    public Func<IndexEntry?, FileInfo, bool>? Only { get; init; }

    /// <summary>Removes the folders the removal left empty, up to the cache directory.</summary>
    public bool PruneEmptyFolders { get; init; } = true;

    /// <summary>Anything that is not in use: clear-after-use and clearing everything.</summary>
    public static RemoveRequest IfUnused { get; } = new();
}

/// <summary>What became of a removal.</summary>
internal enum RemoveOutcome
{
    Removed,
    /// <summary>Neither row nor file: nothing to remove.</summary>
    NotCached,
    /// <summary>A consumer (in any process) has been handed the file and not yet taken it.</summary>
    Pinned,
    /// <summary>A download of it is in flight, or (<see cref="RemoveRequest.Only"/>) its row is not what the caller read.</summary>
    Busy,
    /// <summary>The file could not be deleted (in use by another program, or permissions).</summary>
    Failed,
}

internal readonly record struct Removal(RemoveOutcome Outcome, long Bytes = 0);

public sealed partial class CacheItem
{
    /// <summary>
    /// The one way an item leaves the cache, whoever asks (eviction, clear-after-use, Clear-MediaCache, repair): its
    /// pin stripe taken exclusively first (never waiting: a pinned item is reported, not removed), then its object
    /// lock, so no consumer anywhere loses a path it was handed and no download races the deletion; then the file,
    /// then its row, both under the locks, then the folders it leaves empty.
    /// </summary>
    internal async ValueTask<Removal> RemoveAsync(RemoveRequest request, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = TryRemove(request);
            if (r.Outcome != RemoveOutcome.Busy || !request.WaitForDownload || attempt == 100) return r;
            // A download holds the item: wait for it without holding the pin stripe (which would hold up every pin on
            // that stripe meanwhile), then try again in the usual order.
            using (await _cache.Locks.AcquireAsync(Relative, ct).ConfigureAwait(false)) { }
        }
    }

    /// <summary>As <see cref="RemoveAsync"/>, never waiting: a busy item is <see cref="RemoveOutcome.Busy"/>.</summary>
    internal Removal TryRemove(RemoveRequest request)
    {
        using var pin = _cache.Pins.TryExclusive(Relative);
        if (pin is null) return new(RemoveOutcome.Pinned);
        using var held = _cache.Locks.TryAcquire(Relative);
        if (held is null) return new(RemoveOutcome.Busy);
        var row = Index.Get(Relative);
        var file = new FileInfo(LocalPath);
        if (row is { State: IndexEntry.Pending } || request.Only is { } only && !only(row, file)) return new(RemoveOutcome.Busy);
        if (row is null && !file.Exists) return new(RemoveOutcome.NotCached);
        var bytes = file.Exists ? file.Length : row!.Size;
        if (file.Exists && !Downloader.TryDelete(LocalPath)) return new(RemoveOutcome.Failed);
        Index.Remove(Relative);
        if (request.PruneEmptyFolders) EmptyFolders.RemoveUpward(Path.GetDirectoryName(LocalPath), _cache.Config.CacheDir);
        return new(RemoveOutcome.Removed, bytes);
    }

    /// <summary>
    /// Finishes what a crashed process left of this item: a pending row whose lock is free belongs to a dead
    /// download. Its temporary file goes; a final file that made it to disk is adopted with its real size,
    /// otherwise the row goes. False when a live download holds it or the row is not pending any more.
    /// </summary>
    internal bool RecoverAbandoned(IndexEntry pending)
    {
        using var held = _cache.Locks.TryAcquire(Relative);
        if (held is null) return false;
        if (Index.Get(Relative) is not { State: IndexEntry.Pending } current) return false;
        Downloader.TryDelete(Downloader.TempPathFor(LocalPath));
        var fi = new FileInfo(LocalPath);
        if (fi.Exists) Index.Adopt(Relative, pending.Source, fi.Length, current.LastAccessMs);
        else Index.Remove(Relative);
        return true;
    }

    /// <summary>A complete row whose file is gone (deleted behind the cache's back) is forgotten, under the item's lock.</summary>
    void ForgetMissingFile()
    {
        if (_cache.Locks.TryAcquire(Relative) is not { } held) return;
        using (held)
        {
            if (Index.Get(Relative) is { State: IndexEntry.Complete } && !File.Exists(LocalPath)) Index.Remove(Relative);
        }
    }
}
