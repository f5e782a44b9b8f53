using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// s3:// writes: PutObject with Content-MD5 up to the part size, multipart above it (parts in parallel, each with
/// its Content-MD5, the completed ETag compared with the MD5 of the part MD5s); CopyObject, or UploadPartCopy above
/// the copy threshold; DeleteObjects in batches of 1,000. Uploads a killed run left behind for a key are aborted
/// before a new multipart upload of that key starts.
/// </summary>
public sealed partial class S3Store : IStoreOperations, IBatchDelete
{
    Task<T> Run<T>(string what, Func<Task<T>> action, CancellationToken ct) =>
        RetryPolicy.Default.RunAsync(async _ =>
        {
            try { return await action().ConfigureAwait(false); }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException) { throw S3Errors.Map(e, what); }
        }, what, NullLog.Instance, ct);

    public async Task<RemoteStat> WriteAsync(MediaRef dest, Stream source, long length, UploadOptions options, CancellationToken ct)
    {
        var client = await ClientForBucketAsync(dest.Bucket, ct).ConfigureAwait(false);
        var what = $"uploading {Describe(dest)}";
        string expected;
        if (length <= options.PartSize)
        {
            var bytes = new byte[length];
            await source.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            var md5 = System.Security.Cryptography.MD5.HashData(bytes);
            expected = Convert.ToHexString(md5).ToLowerInvariant();
            // A presigned PUT through the shared HTTP client, as downloads go: the SDK's pipeline and endpoint rules per
            // object cost more than the upload of 100 KB. The Content-MD5 is checked by the store, the ETag here.
            if (await PresignPutAsync(dest, ct).ConfigureAwait(false) is { } url)
            {
                var tag = await RetryPolicy.Default.RunAsync(_ => Transport.PutAsync(url, bytes, md5, what, ct), what, NullLog.Instance, ct).ConfigureAwait(false);
                return Verified(dest, tag, expected, length);
            }
            var r = await Run(what, () => client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = dest.Bucket, Key = dest.Key, InputStream = new MemoryStream(bytes, false), AutoCloseStream = true,
                MD5Digest = Convert.ToBase64String(md5), UseChunkEncoding = false, DisablePayloadSigning = UnsignedPayload,
            }, ct), ct).ConfigureAwait(false);
            return Verified(dest, r.ETag, expected, length);
        }
        await AbortOrphanedUploadsAsync(client, dest, ct).ConfigureAwait(false);
        var init = await Run(what, () => client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = dest.Bucket, Key = dest.Key }, ct), ct).ConfigureAwait(false);
        try
        {
            var parts = await PartUploader.UploadAsync(source, length, options, async (part, token) =>
            {
                var r = await Run($"{what} (part {part.Number})", () => client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = dest.Bucket, Key = dest.Key, UploadId = init.UploadId, PartNumber = part.Number,
                    InputStream = new ReadOnlyMemoryStream(part.Bytes), PartSize = part.Bytes.Length,
                    MD5Digest = Convert.ToBase64String(part.Md5), UseChunkEncoding = false, DisablePayloadSigning = UnsignedPayload,
                }, token), token).ConfigureAwait(false);
                return r.ETag;
            }, ct).ConfigureAwait(false);
            expected = PartUploader.MultipartETag(parts.Select(p => p.Md5));
            var done = await Run(what, () => client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = dest.Bucket, Key = dest.Key, UploadId = init.UploadId,
                PartETags = parts.Select(p => new PartETag(p.Number, p.Tag)).ToList(),
            }, ct), ct).ConfigureAwait(false);
            return Verified(dest, done.ETag, expected, length);
        }
        catch
        {
            try { await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = dest.Bucket, Key = dest.Key, UploadId = init.UploadId }, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException) { /* the next run aborts it */ }
            throw;
        }
    }

    // A PUT's or part's bytes are made safe by their Content-MD5, which the store checks and the signature covers
    // (content-md5 is a signed header), and by the ETag compared after: the SDK's SHA-256 of the payload, a second
    // pass over every byte, adds nothing to that, so over HTTPS the payload goes UNSIGNED-PAYLOAD, as rclone's does.
    // The SDK refuses that over plain http (a local endpoint), which still pays the SHA-256.
    bool UnsignedPayload => _settings.EndpointUrl is not { } url || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    static bool IsMd5(string? etag) => etag is { Length: 32 } e && e.All(char.IsAsciiHexDigit);

    static RemoteStat Verified(MediaRef dest, string? etag, string expected, long length)
    {
        var got = RemoteStat.NormalizeETag(etag);
        if (!string.Equals(got, expected, StringComparison.OrdinalIgnoreCase))
            throw new StoreException(StoreErrorKind.Corrupt, $"{Describe(dest)}: the store stored ETag {got} where the bytes sent give {expected}");
        return new RemoteStat(length, got, expected.Contains('-') ? null : "md5:" + expected, DateTimeOffset.UtcNow);
    }

    Task AbortOrphanedUploadsAsync(AmazonS3Client client, MediaRef dest, CancellationToken ct) => S3ServerCopy.AbortOrphanedUploadsAsync(client, dest, ct);

    public async Task<bool> DeleteAsync(MediaRef item, CancellationToken ct)
    {
        var client = await ClientForBucketAsync(item.Bucket, ct).ConfigureAwait(false);
        await Run($"deleting {Describe(item)}", () => client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = item.Bucket, Key = item.Key }, ct), ct).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<StoreException?>> DeleteManyAsync(IReadOnlyList<MediaRef> items, CancellationToken ct)
    {
        var errors = new StoreException?[items.Count];
        foreach (var group in items.Select((m, i) => (m, i)).GroupBy(x => x.m.Bucket))
        foreach (var chunk in group.Chunk(1000))
        {
            var client = await ClientForBucketAsync(group.Key, ct).ConfigureAwait(false);
            var r = await Run($"deleting {chunk.Length} object(s) in s3://{group.Key}", () => client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = group.Key, Quiet = true, Objects = chunk.Select(x => new KeyVersion { Key = x.m.Key }).ToList(),
            }, ct), ct).ConfigureAwait(false);
            foreach (var err in r.DeleteErrors ?? [])
                foreach (var x in chunk.Where(x => x.m.Key == err.Key))
                    errors[x.i] = new StoreException(err.Code is "AccessDenied" ? StoreErrorKind.AccessDenied : StoreErrorKind.Permanent,
                        $"deleting {Describe(x.m)}: {err.Code}: {err.Message}");
        }
        return errors;
    }

    public async Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct)
    {
        var client = await ClientForBucketAsync(dest.Bucket, ct).ConfigureAwait(false);
        var what = $"copying {Describe(source)} to {Describe(dest)}";
        var (_, copiedETag) = await S3ServerCopy.CopyAsync(client, source, sourceStat, dest, options, ct).ConfigureAwait(false);
        // The copy of the very source version (If-Match) whose ETag is the MD5 of its bytes, answered with that same
        // MD5: the bytes are the source's, so is the size; no HEAD is needed to know it.
        if (IsMd5(sourceStat.ETag) && string.Equals(RemoteStat.NormalizeETag(copiedETag), sourceStat.ETag, StringComparison.OrdinalIgnoreCase))
            return new RemoteStat(sourceStat.Size, sourceStat.ETag, "md5:" + sourceStat.ETag!.ToLowerInvariant(), DateTimeOffset.UtcNow);
        var stat = await StatAsync(dest, ct).ConfigureAwait(false);
        if (stat.Size != sourceStat.Size)
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the copy has {stat.Size} bytes, the source {sourceStat.Size}");
        return stat;
    }
}
