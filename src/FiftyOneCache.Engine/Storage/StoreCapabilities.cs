namespace FiftyOneCache.Engine.Storage;

/// <summary>Which pairs of objects a store copies with no bytes through the client.</summary>
public enum ServerSideCopy
{
    /// <summary>Never: copies to this store are streamed through the client.</summary>
    None,
    /// <summary>Any two objects of the store (S3 CopyObject across buckets, GCS rewrite, Azure copy from URL).</summary>
    WithinStore,
    /// <summary>Only two objects under one bucket or container (<see cref="Paths.MediaRef.SameRoot"/>).</summary>
    WithinRoot,
}

/// <summary>
/// What a store can do for the storage operations (list_files, copy_files, move_files, delete_files), declared by
/// its <see cref="StoreBackend"/> so that the operations decide by capability and never by a store's name: a new store
/// gets the behaviour by declaring it. The default is a store that can be listed and read, nothing more.
/// </summary>
public sealed record StoreCapabilities
{
    /// <summary>Folders (prefixes) can be listed: Get-MediaFile, -Recurse, wildcards. Plain http(s) cannot.</summary>
    public bool CanList { get; init; } = true;

    /// <summary>Objects can be written (its client implements <see cref="IStoreOperations"/>).</summary>
    public bool CanWrite { get; init; }

    /// <summary>Objects can be deleted (so also moved away).</summary>
    public bool CanDelete { get; init; }

    /// <summary>Which copies inside the store are server-side; the others are streamed.</summary>
    public ServerSideCopy ServerSideCopy { get; init; }

    /// <summary>
    /// A single-part object's ETag is the hex MD5 of its bytes (S3, MinIO): an identical file elsewhere is recognised
    /// by it with no read.
    /// </summary>
    public bool ETagIsMd5 { get; init; }

    /// <summary>
    /// Two objects of this store with one ETag hold the same bytes (content-derived ETags: S3, MinIO). Opaque
    /// version tags (GCS, Azure) do not say so.
    /// </summary>
    public bool ETagIdentifiesContent { get; init; }

    /// <summary>
    /// A delete says whether the object was there. When false (S3 answers 204 either way), a path given literally
    /// is checked first so that a missing one is reported.
    /// </summary>
    public bool DeleteReportsMissing { get; init; } = true;

    /// <summary>A store that is listed and read only.</summary>
    public static StoreCapabilities ReadOnly { get; } = new();

    /// <summary>Local files: written (temp-then-rename), deleted, renamed for moves; no copy besides streaming.</summary>
    public static StoreCapabilities Local { get; } = new() { CanWrite = true, CanDelete = true };
}
