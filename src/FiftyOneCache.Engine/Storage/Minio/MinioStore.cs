using System.Runtime.CompilerServices;
using FiftyOneCache.Engine.Paths;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>
/// MinIO through the Minio client for what it does correctly in 7.0.0 (stat, list, presign); bytes come through
/// presigned URLs and the shared downloader, because its own ranged reads fail on every 206 (minio-dotnet #1342).
/// </summary>
public sealed partial class MinioStore : PresignedStore, IDisposable
{
    readonly MinioSettings _settings;
    readonly IMinioClient _client;
    /// <summary>Per bucket, signing learnt from the client's presigned URLs.</summary>
    readonly LearntPresigners<string> _presigners = new();

    public MinioStore(MinioSettings settings, HttpTransport transport) : base(transport)
    {
        _settings = settings;
        if (settings.Endpoint is not { } endpoint)
            throw new StoreException(StoreErrorKind.NoCredentials, "MinIO is not configured: set endpoint_url in the MinIO ini file (minio_config_file) or MINIO_ENDPOINT_URL");
        var builder = new MinioClient().WithEndpoint(endpoint.Host, endpoint.Port).WithSSL(endpoint.Scheme == "https").WithRegion(settings.Region);
        if (settings.AccessKey is not null) builder = builder.WithCredentials(settings.AccessKey, settings.SecretKey ?? "");
        _client = builder.Build();
    }

    public override string Name => MinioBackend.StoreName;

    public override string DescribeCredentials() =>
        $"MinIO at {_settings.Endpoint!.GetLeftPart(UriPartial.Authority)}{(_settings.Alias is { } a ? $" (alias {a}://)" : "")}, " +
        $"{(_settings.AccessKey is null ? "anonymous" : "access key")} from {_settings.Source}";

    protected override string PathPrefix(MediaRef prefix) =>
        _settings.Alias is { } a ? $"{a}://" : _settings.Endpoint!.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/";

    public override async Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct)
    {
        try
        {
            var s = await _client.StatObjectAsync(new StatObjectArgs().WithBucket(item.Bucket).WithObject(item.Key), ct).ConfigureAwait(false);
            return new RemoteStat(s.Size, RemoteStat.NormalizeETag(s.ETag), null, new DateTimeOffset(DateTime.SpecifyKind(s.LastModified, DateTimeKind.Utc)));
        }
        catch (Exception e) when (e is not StoreException and not OperationCanceledException)
        {
            throw Map(e, Describe(item));
        }
    }

    protected override Task<Uri> PresignGetAsync(MediaRef item, CancellationToken ct)
    {
        var credentials = _settings.AccessKey is { } ak ? new SigningCredentials(ak, _settings.SecretKey ?? "", null) : null;
        return _presigners.PresignAsync(item.Bucket, item.Key, credentials, () =>
            _client.PresignedGetObjectAsync(new PresignedGetObjectArgs().WithBucket(item.Bucket).WithObject(item.Key).WithExpiry(7200)));
    }

    protected override async IAsyncEnumerable<ListedObject> ListKeysAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var args = new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true);
        await using var e = _client.ListObjectsEnumAsync(args, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try { more = await e.MoveNextAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException) { throw Map(ex, $"listing {bucket}/{prefix} on MinIO"); }
            if (!more) yield break;
            if (!e.Current.IsDir) yield return new ListedObject(e.Current.Key, (long)e.Current.Size, e.Current.ETag);
        }
    }

    static StoreException Map(Exception e, string what) => e switch
    {
        ObjectNotFoundException => new StoreException(StoreErrorKind.NotFound, $"{what} was not found: no such key", e, status: 404),
        BucketNotFoundException => new StoreException(StoreErrorKind.NotFound, $"{what} was not found: no such bucket", e, status: 404),
        AccessDeniedException or AuthorizationException => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied ({e.Message})", e, status: 403),
        ConnectionException or HttpRequestException or IOException => new StoreException(StoreErrorKind.Transient, $"{what}: {e.Message}", e),
        MinioException me when me.Message.Contains("NotFound", StringComparison.OrdinalIgnoreCase) || me.Message.Contains("NoSuchKey", StringComparison.Ordinal)
            => new StoreException(StoreErrorKind.NotFound, $"{what} was not found", e, status: 404),
        MinioException me when me.Message.Contains("AccessDenied", StringComparison.Ordinal) || me.Message.Contains("InvalidAccessKeyId", StringComparison.Ordinal) || me.Message.Contains("Forbidden", StringComparison.OrdinalIgnoreCase)
            => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied", e, status: 403),
        _ => new StoreException(StoreErrorKind.Transient, $"{what}: {e.GetType().Name}: {e.Message}", e),
    };

    public void Dispose()
    {
        (_client as IDisposable)?.Dispose();
        _s3?.Dispose();
    }
}
