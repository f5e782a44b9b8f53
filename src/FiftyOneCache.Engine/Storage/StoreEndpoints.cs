using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage.Minio;
using FiftyOneCache.Engine.Storage.S3;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The endpoint the module's own settings send a store's requests to, resolved exactly as the store itself
/// resolves it (S3: boto3's rules; MinIO: ini profile, then MINIO_* variables), for callers that must agree with
/// the store, such as New-CvatAnnotation choosing the CVAT cloud storage attached for the same endpoint.
/// </summary>
public static class StoreEndpoints
{
    /// <returns>scheme://host:port, or null for AWS's own S3 endpoints, an unconfigured MinIO, or other stores.</returns>
    public static string? For(CacheConfig config, string store, Func<string, string?>? env = null) => store switch
    {
        StoreNames.S3 => S3Settings.ResolveEndpointUrl(config, env),
        StoreNames.Minio => MinioSettings.Resolve(config, env).Endpoint?.GetLeftPart(UriPartial.Authority),
        _ => null,
    };
}
