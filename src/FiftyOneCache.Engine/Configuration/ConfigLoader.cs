using System.Text;
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
            foreach (var entry in ReadFile(path))
            {
                if (!ConfigKeys.IsKnown(entry.Key)) continue; // FiftyOne may add keys we do not manage; keep them untouched
                var source = $"config file {path}";
                values[entry.Key] = ConfigValues.Parse(entry.Key, entry.Value(source), source);
                sources[entry.Key] = $"file:{path}";
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
            SourcesByKey = sources,
        };
    }

    /// <summary>
    /// Reads the JSON file as FiftyOne does (Python's json.load, see <see cref="PythonJson"/>): what Python rejects is a
    /// terminating configuration error naming the file, line and column; a repeated key keeps its last value.
    /// </summary>
    public static IReadOnlyList<ConfigFileEntry> ReadFile(string path)
    {
        string text;
        try { text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(path)); } // a BOM stays, and Python refuses it
        catch (DecoderFallbackException e)
        { throw new ConfigException($"config file {path}", null, $"is not UTF-8 text: {e.Message}") { FilePath = path }; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ConfigException($"config file {path}", null, $"cannot be read: {e.Message}") { FilePath = path }; }
        IReadOnlyList<PythonJson.Member>? members;
        try { members = PythonJson.ParseTopLevelObject(text); }
        catch (PythonJsonException e)
        {
            throw new ConfigException($"config file {path}", null, $"is not valid JSON as FiftyOne reads it (Python's json module): {e.Message}")
                { FilePath = path, Line = e.Line, Column = e.Column };
        }
        if (members is null)
            throw new ConfigException($"config file {path}", null, "must hold a JSON object of settings") { FilePath = path };
        return members.Select(m => new ConfigFileEntry(m.Key, m.RawValue, m.NonFinite)).ToList();
    }
}

/// <summary>One key of the config file with its value exactly as written (kept verbatim when the file is rewritten).</summary>
public sealed record ConfigFileEntry(string Key, string RawJson, bool NonFinite)
{
    /// <summary>The value as a JsonElement; NaN and Infinity, which Python reads as floats, have none.</summary>
    public JsonElement Value(string source)
    {
        if (NonFinite)
            throw new ConfigException(source, Key, $"{RawJson} is not a usable value: Python's json reads it as a float that is not finite, " +
                                                   "and this setting needs a finite number, a string or a boolean");
        try
        {
            using var doc = JsonDocument.Parse(RawJson);
            return doc.RootElement.Clone();
        }
        catch (JsonException e) { throw new ConfigException(source, Key, $"the value cannot be read: {e.Message}"); }
    }
}
