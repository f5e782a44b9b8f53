using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using Minio.DataModel.Args;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>
/// MinIO writes through the Minio client: PutObject (the client goes multipart above its part size), CopyObject on
/// the server, RemoveObject. A single-part upload is verified by its ETag (the MD5 of the bytes sent); a multipart
/// one by the size the server reports, since the client chooses its own part size.
/// </summary>
public sealed partial class MinioStore : IStoreOperations
{
    Task<T> Run<T>(string what, Func<Task<T>> action, CancellationToken ct) =>
        RetryPolicy.Default.RunAsync(async _ =>
        {
            try { return await action().ConfigureAwait(false); }
            catch (Exception ex) when (ex is not StoreException and not OperationCanceledException) { throw Map(ex, what); }
        }, what, NullLog.Instance, ct);

    public async Task<RemoteStat> WriteAsync(MediaRef dest, Stream source, long length, UploadOptions options, CancellationToken ct)
    {
        var what = $"uploading {Describe(dest)}";
        // The stream is read once: the client cannot retry it, so a failure fails the item (the caller may run again).
        using var hashing = new HashingStream(source, length);
        try
        {
            await _client.PutObjectAsync(new PutObjectArgs().WithBucket(dest.Bucket).WithObject(dest.Key)
                .WithStreamData(hashing).WithObjectSize(length).WithContentType("application/octet-stream"), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not StoreException and not OperationCanceledException) { throw Map(ex, what); }
        var stat = await Run($"checking {Describe(dest)}", () => StatAsync(dest, ct), ct).ConfigureAwait(false);
        var md5 = hashing.Md5Hex();
        if (stat.Size != length || stat.ETag is { } e && !e.Contains('-') && !string.Equals(e, md5, StringComparison.OrdinalIgnoreCase))
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the server holds {stat.Size} bytes with ETag {stat.ETag}; {length} bytes with MD5 {md5} were sent");
        return stat with { Checksum = stat.ETag is { } t && !t.Contains('-') ? "md5:" + md5 : null };
    }

    public async Task<bool> DeleteAsync(MediaRef item, CancellationToken ct)
    {
        await Run($"deleting {Describe(item)}", async () =>
        {
            await _client.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(item.Bucket).WithObject(item.Key), ct).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
        return true;
    }

    public async Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct)
    {
        if (sourceStat.Size > options.CopyPartThreshold) return null; // the client's own composed copy is not trusted here: stream instead
        var what = $"copying {Describe(source)} to {Describe(dest)}";
        try
        {
            var src = new CopySourceObjectArgs().WithBucket(source.Bucket).WithObject(source.Key);
            if (sourceStat.ETag is { } e) src = src.WithMatchETag(e);
            await _client.CopyObjectAsync(new CopyObjectArgs().WithBucket(dest.Bucket).WithObject(dest.Key).WithCopyObjectSource(src), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or NullReferenceException or FormatException or InvalidOperationException)
        {
            // The Minio client 7.0.0 fails on its own reading of some servers' CopyObject answers (s3rver's): the
            // caller streams the bytes instead, which is correct if slower.
            _ = e;
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException) { throw Map(e, what); }
        var stat = await StatAsync(dest, ct).ConfigureAwait(false);
        if (stat.Size != sourceStat.Size)
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the copy has {stat.Size} bytes, the source {sourceStat.Size}");
        return stat;
    }
}
