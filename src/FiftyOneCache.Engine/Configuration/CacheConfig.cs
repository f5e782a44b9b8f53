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

    /// <summary>
    /// The stores' settings (aws_profile, minio_config_file, ... and a plug-in's keys), by JSON key; only keys that
    /// are set. Each store reads its own with <see cref="Setting"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> StoreSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>A store setting's value, or null when it is not set.</summary>
    public string? Setting(string key) => StoreSettings.TryGetValue(key, out var v) ? v : null;

    /// <summary>A copy with one store setting set (null removes it).</summary>
    public CacheConfig WithSetting(string key, string? value)
    {
        var d = new Dictionary<string, string>(StoreSettings);
        if (value is null) d.Remove(key); else d[key] = value;
        return this with { StoreSettings = d };
    }

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
