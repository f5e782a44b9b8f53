namespace FiftyOneCache.Engine.Paths;

/// <summary>A parsed media path: which store holds it, and where in that store.</summary>
/// <param name="Original">The text the user gave.</param>
/// <param name="Store">Store name: "local", "http", "s3", "gs", "minio", "azure".</param>
/// <param name="Bucket">Bucket (for http, host[:port]).</param>
/// <param name="Key">Object key (for http, the decoded path without the leading slash).</param>
/// <param name="Url">For http and MinIO endpoint URLs, the absolute URL.</param>
public sealed record MediaRef(string Original, string Store, string Bucket, string Key, Uri? Url = null)
{
    public bool IsLocal => Store == StoreNames.Local;

    /// <summary>For Azure blobs, the storage account (Bucket is the container, Url the blob's URL).</summary>
    public string? Account { get; init; }

    /// <summary>A canonical form used as the index's source column and in messages.</summary>
    public string Canonical => Store switch
    {
        StoreNames.Local => Original,
        StoreNames.Http => Url!.AbsoluteUri,
        StoreNames.Azure => Url!.AbsoluteUri, // the blob's URL: alias and URL spellings share one entry
        _ => $"{Store}://{Bucket}/{Key}",
    };

    public bool IsPrefix => Key.Length == 0 || Key.EndsWith('/');

    public override string ToString() => Original;
}

public static class StoreNames
{
    public const string Local = "local";
    public const string Http = "http";
    public const string S3 = "s3";
    public const string Gcs = "gs";
    public const string Minio = "minio";
    public const string Azure = "azure";
}
