using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Cmdlets;

/// <summary>The effective configuration with the source of each value.</summary>
public sealed class MediaCacheConfigInfo
{
    public string CacheDir { get; init; } = "";
    public long CacheSizeBytes { get; init; }
    public string CacheSize { get; init; } = "";
    public int NumWorkers { get; init; }
    public bool CacheAppImages { get; init; }
    public string? AwsConfigFile { get; init; }
    public string? AwsProfile { get; init; }
    public string? GoogleApplicationCredentials { get; init; }
    public string? MinioConfigFile { get; init; }
    public string? MinioProfile { get; init; }
    public string ConfigFile { get; init; } = "";
    public bool ConfigFileExists { get; init; }
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    internal static MediaCacheConfigInfo From(CacheConfig c) => new()
    {
        CacheDir = c.CacheDir, CacheSizeBytes = c.CacheSizeBytes, CacheSize = Sizes.Humanize(c.CacheSizeBytes),
        NumWorkers = c.NumWorkers, CacheAppImages = c.CacheAppImages, AwsConfigFile = c.AwsConfigFile, AwsProfile = c.AwsProfile,
        GoogleApplicationCredentials = c.GoogleApplicationCredentials, MinioConfigFile = c.MinioConfigFile, MinioProfile = c.MinioProfile,
        ConfigFile = c.ConfigFilePath, ConfigFileExists = c.ConfigFileExists, Sources = c.Sources,
    };
}
