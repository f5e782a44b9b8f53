namespace FiftyOneCache.Engine.Configuration;

/// <summary>The effective configuration after defaults, JSON file, environment and parameters were layered.</summary>
public sealed record CacheConfig
{
    public const long DefaultCacheSizeBytes = 137_438_953_472;
    public const long Unlimited = -1;
    /// <summary>FiftyOne's default for download_size_bytes: 128 MB downloaded ahead of the consumer.</summary>
    public const long DefaultDownloadSizeBytes = 134_217_728;

    public required string CacheDir { get; init; }
    public long CacheSizeBytes { get; init; } = DefaultCacheSizeBytes;
    /// <summary>How many bytes a streaming call downloads ahead of its consumer (negative: everything at once).</summary>
    public long DownloadSizeBytes { get; init; } = DefaultDownloadSizeBytes;
    public int NumWorkers { get; init; } = Environment.ProcessorCount;
    public bool CacheAppImages { get; init; }
    public string? AwsConfigFile { get; init; }
    public string? AwsProfile { get; init; }
    public string? GoogleApplicationCredentials { get; init; }
    public string? MinioConfigFile { get; init; }
    public string? MinioProfile { get; init; }
    public string? AzureCredentialsFile { get; init; }
    public string? AzureProfile { get; init; }

    /// <summary>The JSON file consulted (it may not exist).</summary>
    public string ConfigFilePath { get; init; } = "";
    public bool ConfigFileExists { get; init; }

    /// <summary>Where each FiftyOne key's value came from (keyed cache_size_bytes, ...): "default", "file:&lt;path&gt;",
    /// "env:&lt;VAR&gt;" or "parameter".</summary>
    public IReadOnlyDictionary<string, string> SourcesByKey { get; init; } = new Dictionary<string, string>();

    /// <summary>The same, keyed by this object's property names (CacheSizeBytes, ...), case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        _sources ??= SourcesByKey.ToDictionary(kv => ConfigKeys.PropertyName(kv.Key), kv => kv.Value, StringComparer.OrdinalIgnoreCase);
    IReadOnlyDictionary<string, string>? _sources;

    public bool IsUnlimited => CacheSizeBytes == Unlimited;

    public static string DefaultCacheDir =>
        Path.Combine(UserHome, "fiftyone", "__cache__");

    public static string DefaultConfigPath =>
        Path.Combine(UserHome, ".fiftyone", "media_cache_config.json");

    public static string UserHome =>
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } h
            ? h : (Environment.GetEnvironmentVariable("HOME") ?? ".");
}
