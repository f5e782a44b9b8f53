using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The writing half of a store (FiftyOne's copy_files, move_files, delete_files, upload_media): what a store must
/// add to <see cref="IObjectStore"/>'s stat, list and read. Uploads above <see cref="UploadOptions.PartSize"/> go in
/// parallel parts (S3 multipart, GCS chunked resumable, Azure blocks); every upload is verified against what the
/// store says it stored before it returns. Failures are <see cref="StoreException"/>s, as for reads.
/// </summary>
public interface IStoreOperations
{
    /// <summary>Writes <paramref name="length"/> bytes of <paramref name="source"/> to <paramref name="dest"/> and verifies them.</summary>
    Task<RemoteStat> WriteAsync(MediaRef dest, Stream source, long length, UploadOptions options, CancellationToken ct);

    /// <summary>Deletes one object; true if it existed.</summary>
    Task<bool> DeleteAsync(MediaRef item, CancellationToken ct);

    /// <summary>
    /// A copy inside the store with no bytes through the client (S3 CopyObject/UploadPartCopy, GCS rewrite, Azure copy
    /// from URL), or null when the store cannot do this pair (then the caller streams).
    /// </summary>
    Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct);
}

/// <summary>How an upload is cut: boto3's default threshold and part size, and parts in flight per object.</summary>
public sealed record UploadOptions
{
    public const long DefaultPartSize = 8 * 1024 * 1024;
    public long PartSize { get; init; } = DefaultPartSize;
    public int PartConcurrency { get; init; } = 4;
    /// <summary>Write only if no object is there (-NoClobber): GCS ifGenerationMatch=0; other stores are checked before.</summary>
    public bool IfNotExists { get; init; }
    /// <summary>Server-side copies above this go part by part (S3 UploadPartCopy: CopyObject stops at 5 GB).</summary>
    public long CopyPartThreshold { get; init; } = 5L * 1024 * 1024 * 1024;
    /// <summary>The part size of a server-side copy in parts.</summary>
    public long CopyPartSize { get; init; } = 512L * 1024 * 1024;
    public static UploadOptions Default { get; } = new();
}
