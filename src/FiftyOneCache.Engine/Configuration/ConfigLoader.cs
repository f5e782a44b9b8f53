using System.Text.Json;

namespace FiftyOneCache.Engine.Configuration;

/// <summary>Layers defaults &lt; JSON file &lt; environment &lt; explicit parameters, as FiftyOne does.</summary>
public static class ConfigLoader
{
    public static string ResolveConfigPath(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var p = env(ConfigKeys.EnvConfigPath);
        return string.IsNullOrWhiteSpace(p) ? CacheConfig.DefaultConfigPath : Path.GetFullPath(ConfigValues.ExpandHome(p));
    }

    public static CacheConfig Load(IReadOnlyDictionary<string, object?>? parameters = null,
                                   Func<string, string?>? env = null,
                                   string? configPath = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var path = configPath ?? ResolveConfigPath(env);
        var values = new Dictionary<string, object?>();
        var sources = new Dictionary<string, string>();
        foreach (var k in ConfigKeys.All) sources[k] = "default";

        var fileExists = File.Exists(path);
        if (fileExists)
        {
            foreach (var (key, value) in ReadFile(path))
            {
                if (!ConfigKeys.IsKnown(key)) continue; // FiftyOne may add keys we do not manage; keep them untouched
                values[key] = ConfigValues.Parse(key, value, $"config file {path}");
                sources[key] = $"file:{path}";
            }
        }

        foreach (var (key, variable) in ConfigKeys.EnvironmentVariables)
        {
            var v = env(variable);
            if (v is null) continue;
            values[key] = ConfigValues.Parse(key, v, $"environment variable {variable}");
            sources[key] = $"env:{variable}";
        }

        if (parameters is not null)
        {
            foreach (var (key, value) in parameters)
            {
                if (value is null) continue;
                values[key] = ConfigValues.Parse(key, value, $"parameter {key}");
                sources[key] = "parameter";
            }
        }

        T Get<T>(string key, T fallback) => values.TryGetValue(key, out var v) && v is T t ? t : fallback;
        return new CacheConfig
        {
            CacheDir = Path.GetFullPath(Get(ConfigKeys.CacheDir, CacheConfig.DefaultCacheDir)),
            CacheSizeBytes = Get(ConfigKeys.CacheSizeBytes, CacheConfig.DefaultCacheSizeBytes),
            DownloadSizeBytes = Get(ConfigKeys.DownloadSizeBytes, CacheConfig.DefaultDownloadSizeBytes),
            NumWorkers = Get(ConfigKeys.NumWorkers, Environment.ProcessorCount),
            CacheAppImages = Get(ConfigKeys.CacheAppImages, false),
            AwsConfigFile = Get<string?>(ConfigKeys.AwsConfigFile, null),
            AwsProfile = Get<string?>(ConfigKeys.AwsProfile, null),
            GoogleApplicationCredentials = Get<string?>(ConfigKeys.GoogleApplicationCredentials, null),
            MinioConfigFile = Get<string?>(ConfigKeys.MinioConfigFile, null),
            MinioProfile = Get<string?>(ConfigKeys.MinioProfile, null),
            AzureCredentialsFile = Get<string?>(ConfigKeys.AzureCredentialsFile, null),
            AzureProfile = Get<string?>(ConfigKeys.AzureProfile, null),
            ConfigFilePath = path,
            ConfigFileExists = fileExists,
            Sources = sources,
        };
    }

    /// <summary>Reads the JSON file as key/value pairs; malformed JSON is a terminating configuration error.</summary>
    public static IEnumerable<KeyValuePair<string, JsonElement>> ReadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ConfigException($"config file {path}", null, $"cannot be read: {e.Message}"); }
        if (string.IsNullOrWhiteSpace(text)) return Array.Empty<KeyValuePair<string, JsonElement>>();
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e)
        { throw new ConfigException($"config file {path}", null, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message.Split(" LineNumber")[0]}"); }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new ConfigException($"config file {path}", null, "must hold a JSON object of settings");
        return doc.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value.Clone())).ToList();
    }
}
