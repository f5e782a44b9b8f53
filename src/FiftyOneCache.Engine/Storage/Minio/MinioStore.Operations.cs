using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using Minio.DataModel.Args;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>
/// MinIO writes through the Minio client: PutObject (the client goes multipart above its part size), RemoveObject;
/// copies on the server through the S3 protocol's CopyObject/UploadPartCopy (<see cref="CopyWithinAsync"/>). A single-part upload is verified by its ETag (the MD5 of the bytes sent); a multipart
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

    /// <summary>
    /// A copy on the server: the S3 protocol's CopyObject (UploadPartCopy above the copy threshold), sent by an AWS SDK
    /// client pointed at this MinIO endpoint with the same credentials, path-style and signed for the configured region.
    /// (The Minio client 7.0.0's own CopyObject fails reading some servers' answers, s3rver's among them.)
    /// </summary>
    public async Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct)
    {
        var what = $"copying {Describe(source)} to {Describe(dest)}";
        await S3.S3ServerCopy.CopyAsync(S3Client, source, sourceStat, dest, options, ct).ConfigureAwait(false);
        var stat = await StatAsync(dest, ct).ConfigureAwait(false);
        if (stat.Size != sourceStat.Size || sourceStat.ETag is { } e && !e.Contains('-') && stat.ETag is { } t && !t.Contains('-') && !string.Equals(e, t, StringComparison.OrdinalIgnoreCase))
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the copy has {stat.Size} bytes (ETag {stat.ETag}), the source {sourceStat.Size} (ETag {sourceStat.ETag})");
        return stat with { Checksum = stat.ETag is { } m && !m.Contains('-') ? "md5:" + m.ToLowerInvariant() : null };
    }

    MinioS3Client? _s3;

    /// <summary>An AWS SDK client for this MinIO endpoint (the S3 protocol's server-side copy), made on first use.</summary>
    MinioS3Client S3Client => LazyInitializer.EnsureInitialized(ref _s3, () =>
    {
        var endpoint = _settings.Endpoint!;
        var cfg = new Amazon.S3.AmazonS3Config
        {
            ServiceURL = endpoint.GetLeftPart(UriPartial.Authority),
            AuthenticationRegion = _settings.Region,
            ForcePathStyle = true,
            UseHttp = endpoint.Scheme == "http",
            MaxErrorRetry = 0, // one retry layer: RetryPolicy
            IgnoreConfiguredEndpointUrls = true,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        };
        Amazon.Runtime.AWSCredentials credentials = _settings.AccessKey is { } ak
            ? new Amazon.Runtime.BasicAWSCredentials(ak, _settings.SecretKey ?? "")
            : new Amazon.Runtime.AnonymousAWSCredentials();
        return new MinioS3Client(credentials, cfg);
    });
}
