using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// The S3 protocol's server-side copy, for any store that speaks it through an AWS SDK client (S3, and MinIO with a
/// client pointed at its endpoint): CopyObject pinned to the source's ETag, or above
/// <see cref="UploadOptions.CopyPartThreshold"/> (CopyObject stops at 5 GB) a multipart upload whose parts are
/// UploadPartCopy ranges of the source, in parallel, aborted on failure. Open uploads of the destination key that a
/// killed run left are aborted first. Every request goes through <see cref="RetryPolicy.Default"/>.
/// </summary>
internal static class S3ServerCopy
{
    public static Task<T> Run<T>(string what, Func<Task<T>> action, CancellationToken ct) =>
        RetryPolicy.Default.RunAsync(async _ =>
        {
            try { return await action().ConfigureAwait(false); }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException) { throw S3Errors.Map(e, what); }
        }, what, NullLog.Instance, ct);

    static string Describe(MediaRef item) => $"'{Redact.ForDisplay(item.Original)}'";

    /// <summary>Multipart uploads of this very key that a killed run left open: they cost storage until aborted.</summary>
    public static async Task AbortOrphanedUploadsAsync(IAmazonS3 client, MediaRef dest, CancellationToken ct)
    {
        var list = await Run($"listing uploads of {Describe(dest)}", () => client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = dest.Bucket, Prefix = dest.Key }, ct), ct).ConfigureAwait(false);
        foreach (var u in list.MultipartUploads ?? [])
            if (u.Key == dest.Key)
                await Run($"aborting an orphaned upload of {Describe(dest)}", () => client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = dest.Bucket, Key = dest.Key, UploadId = u.UploadId }, ct), ct).ConfigureAwait(false);
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="dest"/> on the server; the caller stats and verifies the result.</summary>
    /// <returns>"CopyObject" or "UploadPartCopy", for the caller's messages, and the ETag a CopyObject answered.</returns>
    public static async Task<(string Method, string? ETag)> CopyAsync(IAmazonS3 client, MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct)
    {
        var what = $"copying {Describe(source)} to {Describe(dest)}";
        if (sourceStat.Size <= options.CopyPartThreshold)
        {
            var copied = await Run(what, () => client.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = source.Bucket, SourceKey = source.Key, DestinationBucket = dest.Bucket, DestinationKey = dest.Key,
                ETagToMatch = sourceStat.ETag is { } e ? $"\"{e}\"" : null,
            }, ct), ct).ConfigureAwait(false);
            return ("CopyObject", copied.ETag);
        }
        await AbortOrphanedUploadsAsync(client, dest, ct).ConfigureAwait(false);
        var init = await Run(what, () => client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = dest.Bucket, Key = dest.Key }, ct), ct).ConfigureAwait(false);
        try
        {
            var count = (int)((sourceStat.Size + options.CopyPartSize - 1) / options.CopyPartSize);
            var tags = new PartETag[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.PartConcurrency), CancellationToken = ct }, async (i, token) =>
            {
                var from = i * options.CopyPartSize;
                var to = Math.Min(sourceStat.Size, from + options.CopyPartSize) - 1;
                var r = await Run($"{what} (part {i + 1})", () => client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = source.Bucket, SourceKey = source.Key, DestinationBucket = dest.Bucket, DestinationKey = dest.Key,
                    UploadId = init.UploadId, PartNumber = i + 1, FirstByte = from, LastByte = to,
                    ETagToMatch = sourceStat.ETag is { } e ? [$"\"{e}\""] : null,
                }, token), token).ConfigureAwait(false);
                tags[i] = new PartETag(i + 1, r.ETag);
            }).ConfigureAwait(false);
            await Run(what, () => client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = dest.Bucket, Key = dest.Key, UploadId = init.UploadId, PartETags = tags.ToList(),
            }, ct), ct).ConfigureAwait(false);
            return ("UploadPartCopy", null);
        }
        catch
        {
            try { await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = dest.Bucket, Key = dest.Key, UploadId = init.UploadId }, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException) { }
            throw;
        }
    }
}
