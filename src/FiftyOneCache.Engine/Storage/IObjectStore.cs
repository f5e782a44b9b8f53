using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// One store (HTTP, S3, MinIO, GCS). A store only answers what an object is, what is under a prefix and how to
/// read a byte range of it; the shared <see cref="Cache.Downloader"/> does ranges, retries, resume and verification.
/// Failures are thrown as <see cref="StoreException"/> so that one retry policy serves every store.
/// </summary>
public interface IObjectStore
{
    /// <summary>The store name used in paths and in the cache layout ("http", "s3", "gs", "minio").</summary>
    string Name { get; }

    /// <summary>Size, ETag and checksum of one object.</summary>
    Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct);

    /// <summary>
    /// Opens the object's bytes, the whole object when <paramref name="range"/> is null. The read must fail with
    /// <see cref="StoreErrorKind.Changed"/> if the object no longer has <paramref name="expected"/>'s ETag.
    /// </summary>
    Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct);

    /// <summary>Streams the objects under a prefix, page by page, with what the listing said about each.</summary>
    IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, CancellationToken ct);

    /// <summary>
    /// Whether <see cref="ListAsync"/> can expand prefixes (-Recurse); plain HTTP cannot. The store's backend declares it
    /// in <see cref="StoreCapabilities.CanList"/>, which callers ask first; this answers for a client used without one.
    /// </summary>
    bool CanList => true;

    /// <summary>One line for -Verbose naming the credential source used (never a secret).</summary>
    string DescribeCredentials();
}

/// <summary>
/// A store whose plain GET says what the object is (size, ETag) in its headers: a download needs no stat request
/// before it. The caller may read the body or dispose it (large objects then go by parallel ranges).
/// </summary>
public interface IReadWithStat
{
    Task<(RemoteStat Stat, Stream Body)> OpenWithStatAsync(MediaRef item, CancellationToken ct);
}

/// <summary>
/// One object found under a prefix, and what the listing already said about it (size, ETag, last change) so that
/// its download needs no stat request of its own; null when the listing does not say enough.
/// </summary>
public sealed record ListedItem(MediaRef Item, RemoteStat? Stat);
