using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>s3:// through AWSSDK.S3: stat and list by the SDK, bytes through presigned URLs.</summary>
public sealed partial class S3Store : PresignedStore, IDisposable
{
    readonly S3Settings _settings;
    readonly ConcurrentDictionary<string, AmazonS3Client> _clients = new();
    readonly ConcurrentDictionary<string, string> _bucketRegions = new();
    /// <summary>Per client (region) and bucket, signing learnt from the SDK's presigned URLs.</summary>
    readonly LearntPresigners<(AmazonS3Client, string)> _presigners = new();

    public S3Store(S3Settings settings, HttpTransport transport) : base(transport) => _settings = settings;

    public override string Name => S3Backend.StoreName;

    public override string DescribeCredentials() =>
        $"{_settings.CredentialSource}; region {_settings.Region}; {_settings.DescribeEndpoint()}";

    AmazonS3Client ClientFor(string region) => _clients.GetOrAdd(region, r =>
    {
        var cfg = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0, // one retry layer (RetryPolicy): SDK retries inside it multiplied the requests per object
            // S3Settings already resolved the endpoint by boto3's rules; the SDK's own lookup (AWS_PROFILE's profile,
            // its files fixed at process start) must not replace it behind our back.
            IgnoreConfiguredEndpointUrls = true,
            ForcePathStyle = _settings.ForcePathStyle,
        };
        if (_settings.EndpointUrl is { } endpoint)
        {
            cfg.ServiceURL = endpoint;
            cfg.AuthenticationRegion = r;
        }
        else cfg.RegionEndpoint = RegionEndpoint.GetBySystemName(r);
        return new AmazonS3Client(_settings.Credentials, cfg);
    });

    async Task<AmazonS3Client> ClientForBucketAsync(string bucket, CancellationToken ct)
    {
        if (_settings.EndpointUrl is not null || _settings.RegionExplicit && !_bucketRegions.ContainsKey(bucket))
            return ClientFor(_bucketRegions.GetValueOrDefault(bucket, _settings.Region));
        if (!_bucketRegions.TryGetValue(bucket, out var region))
        {
            region = await DiscoverRegionAsync(bucket, ct).ConfigureAwait(false) ?? _settings.Region;
            _bucketRegions[bucket] = region;
        }
        return ClientFor(region);
    }

    /// <summary>S3 names a bucket's region in x-amz-bucket-region on any HEAD of it, even an unauthorised one.</summary>
    async Task<string?> DiscoverRegionAsync(string bucket, CancellationToken ct)
    {
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Head, $"https://{bucket}.s3.amazonaws.com/");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var resp = await Transport.Client.SendAsync(req, timeout.Token).ConfigureAwait(false);
            return resp.Headers.TryGetValues("x-amz-bucket-region", out var v) ? v.FirstOrDefault() : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public override async Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct)
    {
        var client = await ClientForBucketAsync(item.Bucket, ct).ConfigureAwait(false);
        try
        {
            var r = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = item.Bucket, Key = item.Key, ChecksumMode = ChecksumMode.ENABLED,
            }, ct).ConfigureAwait(false);
            string? checksum = null;
            if (!string.IsNullOrEmpty(r.ChecksumCRC32C) && r.ChecksumType != ChecksumType.COMPOSITE)
                checksum = "crc32c:" + Convert.ToHexString(Convert.FromBase64String(r.ChecksumCRC32C)).ToLowerInvariant();
            return new RemoteStat(r.ContentLength, RemoteStat.NormalizeETag(r.ETag), checksum,
                r.LastModified is { } lm ? new DateTimeOffset(DateTime.SpecifyKind(lm, DateTimeKind.Utc)) : null);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw await NotFoundAsync(client, item, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
        {
            throw S3Errors.Map(e, Describe(item));
        }
    }

    /// <summary>A HEAD cannot say whether the key or the bucket is missing; one listing call can.</summary>
    async Task<StoreException> NotFoundAsync(AmazonS3Client client, MediaRef item, CancellationToken ct)
    {
        try
        {
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = item.Bucket, MaxKeys = 1 }, ct).ConfigureAwait(false);
            return new StoreException(StoreErrorKind.NotFound, $"{Describe(item)} was not found: no such key in bucket '{item.Bucket}'", status: 404);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            return new StoreException(StoreErrorKind.NotFound, $"{Describe(item)} was not found: bucket '{item.Bucket}' does not exist", status: 404);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException)
        {
            return new StoreException(StoreErrorKind.NotFound, $"{Describe(item)} was not found (HTTP 404)", status: 404);
        }
    }

    /// <summary>The URL a download of <paramref name="item"/> would use (the credential table test compares it with boto3's).</summary>
    internal Task<Uri> PresignedUrlAsync(MediaRef item, CancellationToken ct) => PresignGetAsync(item, ct);

    protected override async Task<Uri> PresignGetAsync(MediaRef item, CancellationToken ct)
    {
        var client = await ClientForBucketAsync(item.Bucket, ct).ConfigureAwait(false);
        // Credentials are asked for only where the module may sign (plain keys); the SDK resolves its own.
        var credentials = SigV4Presigner.IsPlainKey(item.Key) && await _settings.Credentials!.GetCredentialsAsync().ConfigureAwait(false) is { } c
            ? new SigningCredentials(c.AccessKey, c.SecretKey, c.Token) : null;
        return await _presigners.PresignAsync((client, item.Bucket), item.Key, credentials, () => SdkPresignAsync(client, item)).ConfigureAwait(false);
    }

    /// <summary>
    /// A presigned PUT of <paramref name="dest"/>, signed here as the module signs GETs (the bucket's form learnt from
    /// the SDK's presigned GET of this key, made locally, no request), or null for what stays with the SDK: keys
    /// that need escaping, anonymous access, a bucket whose URL could not be reproduced.
    /// </summary>
    async Task<Uri?> PresignPutAsync(MediaRef dest, CancellationToken ct)
    {
        if (!SigV4Presigner.IsPlainKey(dest.Key) || _settings.Credentials is null) return null;
        var client = await ClientForBucketAsync(dest.Bucket, ct).ConfigureAwait(false);
        if (await _settings.Credentials.GetCredentialsAsync().ConfigureAwait(false) is not { } c) return null;
        if (!_presigners.Tried((client, dest.Bucket))) await PresignGetAsync(dest, ct).ConfigureAwait(false);
        return _presigners.PresignPut((client, dest.Bucket), dest.Key, new SigningCredentials(c.AccessKey, c.SecretKey, c.Token));
    }

    async Task<string> SdkPresignAsync(AmazonS3Client client, MediaRef item)
    {
        return await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = item.Bucket, Key = item.Key, Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddHours(2),
            Protocol = _settings.EndpointUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        }).ConfigureAwait(false);
    }

    protected override async IAsyncEnumerable<ListedObject> ListKeysAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var client = await ClientForBucketAsync(bucket, ct).ConfigureAwait(false);
        var req = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = 1000 };
        var what = $"listing s3://{bucket}/{prefix}";
        while (true)
        {
            // The SDK's own retries are off (one retry layer): a throttled or failed page is asked again here, alone,
            // from its continuation token, as Azure's listing does.
            var page = await RetryPolicy.Default.RunAsync(async _ =>
            {
                try { return await client.ListObjectsV2Async(req, ct).ConfigureAwait(false); }
                catch (Exception e) when (e is AmazonServiceException or AmazonClientException) { throw S3Errors.Map(e, what); }
            }, what, Diagnostics.NullLog.Instance, ct).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? new List<S3Object>())
                yield return new ListedObject(o.Key, o.Size, o.ETag,
                    o.LastModified is { } lm ? new DateTimeOffset(DateTime.SpecifyKind(lm, DateTimeKind.Utc)) : null);
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            req.ContinuationToken = page.NextContinuationToken;
        }
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
    }
}
