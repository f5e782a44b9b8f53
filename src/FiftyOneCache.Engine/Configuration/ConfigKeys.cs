namespace FiftyOneCache.Engine.Configuration;

/// <summary>Keys of FiftyOne's media_cache_config.json and the environment variables that override them.</summary>
public static class ConfigKeys
{
    public const string CacheDir = "cache_dir";
    public const string CacheSizeBytes = "cache_size_bytes";
    public const string DownloadSizeBytes = "download_size_bytes";
    public const string NumWorkers = "num_workers";
    public const string CacheAppImages = "cache_app_images";
    public const string AwsConfigFile = "aws_config_file";
    public const string AwsProfile = "aws_profile";
    public const string GoogleApplicationCredentials = "google_application_credentials";
    public const string MinioConfigFile = "minio_config_file";
    public const string MinioProfile = "minio_profile";
    public const string AzureCredentialsFile = "azure_credentials_file";
    public const string AzureProfile = "azure_profile";

    public const string EnvConfigPath = "FIFTYONE_MEDIA_CACHE_CONFIG_PATH";

    public static readonly IReadOnlyList<string> All = new[]
    {
        CacheDir, CacheSizeBytes, DownloadSizeBytes, NumWorkers, CacheAppImages, AwsConfigFile, AwsProfile,
        GoogleApplicationCredentials, AzureCredentialsFile, AzureProfile, MinioConfigFile, MinioProfile,
    };

    /// <summary>Environment variables FiftyOne itself reads for each key (only the cache keys have one).</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentVariables = new Dictionary<string, string>
    {
        [CacheDir] = "FIFTYONE_MEDIA_CACHE_DIR",
        [CacheSizeBytes] = "FIFTYONE_MEDIA_CACHE_SIZE_BYTES",
        [DownloadSizeBytes] = "FIFTYONE_MEDIA_CACHE_DOWNLOAD_SIZE_BYTES",
        [NumWorkers] = "FIFTYONE_MEDIA_CACHE_NUM_WORKERS",
        [CacheAppImages] = "FIFTYONE_MEDIA_CACHE_APP_IMAGES",
    };

    public static bool IsKnown(string key) => All.Contains(key);

    /// <summary>The CacheConfig property (and Set-MediaCacheConfig parameter) of a key: cache_size_bytes → CacheSizeBytes.</summary>
    public static string PropertyName(string key) =>
        string.Concat(key.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>The key of a property name or a key (either spelling, any case); null when it names no key.</summary>
    public static string? KeyOf(string name) =>
        All.FirstOrDefault(k => k.Equals(name, StringComparison.OrdinalIgnoreCase) || PropertyName(k).Equals(name, StringComparison.OrdinalIgnoreCase));
}
