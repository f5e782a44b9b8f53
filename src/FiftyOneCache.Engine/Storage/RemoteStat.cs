namespace FiftyOneCache.Engine.Storage;

/// <summary>What a store says an object is: the facts a download is verified against.</summary>
/// <param name="Size">Size in bytes.</param>
/// <param name="ETag">The store's entity tag (quotes removed), or generation for GCS.</param>
/// <param name="Checksum">"md5:&lt;hex&gt;" or "crc32c:&lt;hex&gt;" when the store gives a whole-object checksum.</param>
/// <param name="LastModified">When the object last changed.</param>
/// <param name="SupportsRanges">Whether ranged reads are honoured.</param>
public sealed record RemoteStat(long Size, string? ETag, string? Checksum, DateTimeOffset? LastModified, bool SupportsRanges = true)
{
    public static string? NormalizeETag(string? etag) =>
        string.IsNullOrEmpty(etag) ? null : etag.StartsWith("W/", StringComparison.Ordinal) ? etag : etag.Trim('"');
}

/// <summary>An inclusive byte range.</summary>
public readonly record struct ByteRange(long From, long To)
{
    public long Length => To - From + 1;
    public override string ToString() => $"bytes={From}-{To}";
}
