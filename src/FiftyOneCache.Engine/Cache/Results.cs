namespace FiftyOneCache.Engine.Cache;

public enum ItemStatus
{
    /// <summary>A local path, returned as it is.</summary>
    Local,
    /// <summary>Already in the cache.</summary>
    Cached,
    /// <summary>Downloaded by this call.</summary>
    Downloaded,
    /// <summary>Re-downloaded because the remote ETag/checksum changed (-Update).</summary>
    Updated,
    /// <summary>Not in the cache and not downloaded (-NoDownload).</summary>
    NotCached,
    /// <summary>Could not be made available; see Error.</summary>
    Failed,
}

/// <summary>One input path and what the cache did with it.</summary>
public sealed class MediaItemResult
{
    public long Sequence { get; init; }
    /// <summary>The input path or URL (the remote object; a local path as given). Named Source on every object of
    /// the module: a property named Path would be what Copy-Item, Get-Item and Remove-Item bind to.</summary>
    public string Source { get; init; } = "";
    /// <summary>The engine's name for <see cref="Source"/> (not public: PowerShell would bind it to -Path).</summary>
    internal string Path { get => Source; init => Source = value; }
    public string Store { get; init; } = "";
    /// <summary>The local file (the PSPath the *-Item cmdlets bind to is made from it).</summary>
    public string? LocalPath { get; init; }
    public long Size { get; init; }
    public ItemStatus Status { get; init; }
    public TimeSpan Duration { get; init; }
    public string? ETag { get; init; }
    public string? Error { get; init; }
    public string? ErrorId { get; init; }
    public ErrorKind ErrorKind { get; init; }
    public object? TargetObject { get; init; }
    public bool Succeeded => Status != ItemStatus.Failed;

    /// <summary>The pin that keeps <see cref="LocalPath"/> in place until the consumer has taken the result.</summary>
    internal IDisposable? Lease { get; init; }
    /// <summary>The index key of a cached item (for clear-after-use).</summary>
    internal string? Relative { get; init; }
    /// <summary>The result's place (and bytes) in its call's read-ahead window.</summary>
    internal ReadAheadWindow.Slot? Slot { get; init; }
    internal int Taken;

    /// <summary>What an item's get came to, as the result of its work item (a worker's, or one answered inline).</summary>
    internal static MediaItemResult Of(WorkItem w, Paths.MediaRef m, CacheItem item, ItemOutcome o, TimeSpan duration, ReadAheadWindow.Slot? slot) => new()
    {
        Sequence = w.Sequence, Path = w.Path, Store = m.Store, LocalPath = o.LocalPath, Size = o.Size, Status = o.Status,
        Duration = duration, ETag = o.ETag, TargetObject = w.Target, Lease = o.Lease, Relative = item.Relative, Slot = slot,
    };
}

/// <summary>One unit of work: an input path with its position in the input and the object it came from.</summary>
public sealed record WorkItem(long Sequence, string Path, object? Target = null)
{
    /// <summary>What a prefix listing said about the object; the download then needs no stat request of its own.</summary>
    public Storage.RemoteStat? Listed { get; init; }

    /// <summary>The path as parsed where it entered (the cmdlet, a listing): the pipeline does not parse it again.</summary>
    public Paths.MediaRef? Ref { get; init; }
}

/// <summary>How long a call keeps the paths it hands out safe from eviction.</summary>
public enum Retention
{
    /// <summary>Only while an item downloads (its row pending, its lock held): a prewarm larger than the cache keeps
    /// the size limit and keeps the most recent items.</summary>
    WhileDownloading,
    /// <summary>Until the consumer has taken the result (<see cref="BatchRun.Taken"/>) or the run is disposed: paths
    /// the caller is about to use.</summary>
    UntilTaken,
}

/// <summary>FiftyOne's download_context batch: how far downloads may run ahead of the consumer.</summary>
/// <param name="Bytes">Bytes started and not yet taken (download_size_bytes); 0 or less: no byte bound.</param>
/// <param name="Count">Items started and not yet taken (batch_size); 0 or less: no count bound.</param>
public sealed record ReadAhead(long Bytes, int Count)
{
    public static ReadAhead Unbounded { get; } = new(0, 0);
}

public sealed class ProcessOptions
{
    /// <summary>False: report where an item would be without downloading it.</summary>
    public bool Download { get; init; } = true;
    /// <summary>Re-download items whose remote ETag/checksum changed.</summary>
    public bool Update { get; init; }
    /// <summary>Treat remote paths as prefixes and download everything under them.</summary>
    public bool Recurse { get; init; }
    /// <summary>Emit results in input order (Get-MediaLocalPath) instead of completion order.</summary>
    public bool Ordered { get; init; }
    /// <summary>How long handed-out paths stay pinned.</summary>
    public Retention Retain { get; init; } = Retention.UntilTaken;
    /// <summary>Bound on how far downloads run ahead of the consumer (ordered streaming); null: no bound.</summary>
    public ReadAhead? ReadAhead { get; init; }
    /// <summary>Remove each item this call downloaded once the consumer has taken it (FiftyOne's clear=True);
    /// items that were cached before the call stay.</summary>
    public bool ClearAfterUse { get; init; }
    /// <summary>Concurrent transfers; default num_workers × 8.</summary>
    public int? Concurrency { get; init; }
    /// <summary>Take only this machine's share of the items (fleet prewarm); applied after prefix expansion.</summary>
    public Shard? Shard { get; init; }
    /// <summary>
    /// The caller needs where a cached item is, not its recorded ETag (Get-MediaLocalPath without -Detailed): a hit
    /// is answered by the file alone, without reading its index row (see <see cref="ItemRequest.PathOnly"/>).
    /// </summary>
    public bool PathOnly { get; init; }
}

/// <summary>
/// Shard i of n: an item belongs to the shard that a stable hash of its canonical path names, so every machine
/// running the same prewarm with its own index takes a disjoint share and together they cover everything.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var i) && int.TryParse(parts[1], out var n) && n >= 1 && i >= 0 && i < n)
            return new Shard(i, n);
        throw new FormatException($"'{text}' is not a shard: use i/n with 0 <= i < n, e.g. 0/4");
    }

    public bool Contains(string canonicalPath)
    {
        if (Count == 1) return true;
        Span<byte> h = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonicalPath), h);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(h) % (ulong)Count == (ulong)Index;
    }

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>FiftyOne's cache statistics, for the whole cache or for the given items.</summary>
public sealed class CacheStats
{
    public string CacheDir { get; init; } = "";
    public long CacheSize { get; init; }
    /// <summary>FiftyOne's cache_size_str; views format <see cref="CacheSize"/> themselves.</summary>
    internal string CacheSizeStr { get; init; } = "";
    public long CurrentSize { get; init; }
    /// <summary>FiftyOne's current_size_str; views format <see cref="CurrentSize"/> themselves.</summary>
    internal string CurrentSizeStr { get; init; } = "";
    public long CurrentCount { get; init; }
    public double? LoadFactor { get; init; }
    public long InFlightCount { get; init; }
    public long InFlightSize { get; init; }
    /// <summary>"All", or "Items" when computed for given paths.</summary>
    public string Scope { get; init; } = "All";
    public long? RequestedCount { get; init; }
    public long? MissingCount { get; init; }
}

public enum ClearStatus { Removed, NotCached, InUse, Local, Failed }

public sealed class ClearResult
{
    /// <summary>The item as given (see <see cref="MediaItemResult.Source"/>).</summary>
    public string Source { get; init; } = "";
    internal string Path { get => Source; init => Source = value; }
    public string? LocalPath { get; init; }
    public long Size { get; init; }
    public ClearStatus Status { get; init; }
    public string? Error { get; init; }
}

/// <summary>One cached file as the index records it.</summary>
public sealed class CacheEntry
{
    public string Source { get; init; } = "";
    public string LocalPath { get; init; } = "";
    public long Size { get; init; }
    public string? ETag { get; init; }
    public string? Checksum { get; init; }
    /// <summary>When the item was last used (named as on FileInfo; LastAccess is an alias property).</summary>
    public DateTimeOffset LastAccessTime { get; init; }
    /// <summary>When the item was cached (named as on FileInfo; Created is an alias property).</summary>
    public DateTimeOffset CreationTime { get; init; }
    public bool InFlight { get; init; }

    internal static CacheEntry From(IndexEntry e, string localPath) => new()
    {
        Source = e.Source, LocalPath = localPath, Size = e.Size, ETag = e.ETag, Checksum = e.Checksum,
        LastAccessTime = e.LastAccess, CreationTime = e.Created, InFlight = e.State == IndexEntry.Pending,
    };
}

public sealed class VerifyReport
{
    public string CacheDir { get; init; } = "";
    public long IndexedEntries { get; set; }
    public long FilesOnDisk { get; set; }
    public long MissingFiles { get; set; }
    public long UnindexedFiles { get; set; }
    public long SizeMismatches { get; set; }
    public long TempFiles { get; set; }
    public bool Repaired { get; set; }
    public bool Healthy => MissingFiles == 0 && UnindexedFiles == 0 && SizeMismatches == 0 && TempFiles == 0;
    /// <summary>With -Repair: the problems as they are after the repair (what could not be fixed, e.g. files in use).</summary>
    public List<CacheProblem> Problems { get; } = new();
    /// <summary>What -Repair did, one line per fix.</summary>
    public List<string> Repairs { get; } = new();
    /// <summary>What to do about an unhealthy cache.</summary>
    public string? Advice => Healthy ? null
        : Repaired ? "Some problems remain (files in use by running downloads?); run Test-MediaCache -Repair again when they have finished."
        : "Run Test-MediaCache -Repair: files that cannot be vouched for are deleted (they are downloaded again on next use) and the index is made to agree with the disk.";
}

public enum CacheProblemKind
{
    /// <summary>The index has a row for a file that is not on disk.</summary>
    MissingFile,
    /// <summary>The file on disk is not the size its row records.</summary>
    SizeMismatch,
    /// <summary>A file on disk that the index has no row for.</summary>
    Unindexed,
    /// <summary>A download's leftover temporary file.</summary>
    TempFile,
}

/// <summary>One disagreement between the index and the disk, with what -Repair does about it.</summary>
public sealed class CacheProblem
{
    public CacheProblemKind Kind { get; init; }
    /// <summary>The file, relative to the cache directory ('/'-separated, as the index keys it).</summary>
    public string RelativePath { get; init; } = "";
    /// <summary>The file's full local path.</summary>
    public string LocalPath { get; init; } = "";
    /// <summary>Index size, where the index has a row.</summary>
    public long? IndexSize { get; init; }
    /// <summary>Size on disk, where there is a file.</summary>
    public long? DiskSize { get; init; }

    /// <summary>What -Repair does about it.</summary>
    public string RepairAction => Kind switch
    {
        CacheProblemKind.MissingFile => "Remove the index row of the missing file",
        CacheProblemKind.SizeMismatch => "Delete the file and its row (downloaded again on next use)",
        CacheProblemKind.Unindexed => "Add the file to the index",
        _ => "Delete the temporary file",
    };

    public override string ToString() => Kind switch
    {
        CacheProblemKind.MissingFile => $"indexed but missing on disk: {RelativePath}",
        CacheProblemKind.SizeMismatch => $"size differs (index {IndexSize} bytes, disk {DiskSize} bytes): {RelativePath}",
        CacheProblemKind.Unindexed => $"on disk but not indexed: {RelativePath}",
        _ => $"temporary file: {RelativePath}",
    };
}
