using System.Net;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using Google;
using Google.Cloud.Storage.V1;

namespace FiftyOneCache.Engine.Storage.Gcs;

/// <summary>
/// gs:// writes through Google.Cloud.Storage.V1: a resumable upload sent in chunks of the part size (each chunk
/// acknowledged with 308 and Range), whose final request carries the CRC32C/MD5 the server checks (RejectAndThrow), and then by the MD5 of the bytes
/// read; copies by objects.rewrite pinned to the source generation; deletes.
/// </summary>
public sealed partial class GcsStore : IStoreOperations
{
    const int ChunkQuantum = 256 * 1024; // GCS wants chunks in multiples of 256 KiB

    Task<T> Run<T>(MediaRef item, string what, Func<Task<T>> action, CancellationToken ct) =>
        RetryPolicy.Default.RunAsync(async _ =>
        {
            try { return await action().ConfigureAwait(false); }
            catch (GoogleApiException e) { throw Map(e, item); }
            catch (Exception e) when (e is HttpRequestException or IOException) { throw new StoreException(StoreErrorKind.Transient, $"{what}: {e.Message}", e); }
        }, what, NullLog.Instance, ct);

    public async Task<RemoteStat> WriteAsync(MediaRef dest, Stream source, long length, UploadOptions options, CancellationToken ct)
    {
        var what = $"uploading '{dest.Original}'";
        using var hashing = new HashingStream(source, length);
        var chunk = (int)Math.Max(ChunkQuantum, options.PartSize / ChunkQuantum * ChunkQuantum);
        Google.Apis.Storage.v1.Data.Object o;
        try
        {
            // One attempt: the stream is read once; the client resumes a failed chunk itself within its session.
            o = await _client.UploadObjectAsync(dest.Bucket, dest.Key, "application/octet-stream", hashing, new UploadObjectOptions
            {
                ChunkSize = chunk, UploadValidationMode = UploadValidationMode.RejectAndThrow,
                IfGenerationMatch = options.IfNotExists ? 0 : null,
            }, ct).ConfigureAwait(false);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new StoreException(StoreErrorKind.Permanent, $"{what}: an object is already there (-NoClobber)", e, status: 412);
        }
        catch (GoogleApiException e) { throw Map(e, dest); }
        var stat = StatOf(o);
        var md5 = "md5:" + hashing.Md5Hex();
        var sentMd5 = o.Md5Hash is { Length: > 0 } m ? "md5:" + Convert.ToHexString(Convert.FromBase64String(m)).ToLowerInvariant() : null;
        if (stat.Size != length || sentMd5 is not null && sentMd5 != md5)
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the store holds {stat.Size} bytes ({sentMd5}); {length} bytes ({md5}) were sent");
        return stat;
    }

    public async Task<bool> DeleteAsync(MediaRef item, CancellationToken ct)
    {
        try
        {
            return await Run(item, $"deleting '{item.Original}'", async () =>
            {
                await _client.DeleteObjectAsync(item.Bucket, item.Key, cancellationToken: ct).ConfigureAwait(false);
                return true;
            }, ct).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound) { return false; }
    }

    public async Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct)
    {
        var what = $"copying '{source.Original}' to '{dest.Original}'";
        // The client's CopyObject is objects.rewrite, repeated with the rewrite token until done.
        var o = await Run(source, what, () => _client.CopyObjectAsync(source.Bucket, source.Key, dest.Bucket, dest.Key, new CopyObjectOptions
        {
            IfSourceGenerationMatch = long.TryParse(sourceStat.ETag, out var g) ? g : null,
        }, ct), ct).ConfigureAwait(false);
        var stat = StatOf(o);
        if (stat.Size != sourceStat.Size || sourceStat.Checksum is { } c && stat.Checksum is { } d && c != d)
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the copy ({stat.Size} bytes, {stat.Checksum}) differs from the source ({sourceStat.Size} bytes, {sourceStat.Checksum})");
        return stat;
    }
}
