using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>
/// FiftyOne's MinIO configuration: an ini file (MINIO_CONFIG_FILE or minio_config_file; profile MINIO_PROFILE or
/// minio_profile, default "default") with access_key, secret_access_key, endpoint_url, alias and region, each of
/// which the MINIO_* environment variables override.
/// </summary>
public sealed class MinioSettings
{
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public Uri? Endpoint { get; init; }
    public string? Alias { get; init; }
    public string Region { get; init; } = "us-east-1";
    public string Source { get; init; } = "";
    /// <summary>Where the alias was set, for messages.</summary>
    public string? AliasSource { get; init; }

    public bool IsConfigured => Endpoint is not null;

    public static MinioSettings Resolve(CacheConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var file = env("MINIO_CONFIG_FILE") ?? config.Setting(MinioBackend.ConfigFileKey);
        var profile = env("MINIO_PROFILE") ?? config.Setting(MinioBackend.ProfileKey) ?? "default";
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sources = new List<string>();
        if (file is not null)
        {
            file = ConfigValues.ExpandHome(file);
            if (!File.Exists(file)) throw new ConfigException($"MinIO config file {file}", null, "does not exist");
            var sections = IniFile.Parse(File.ReadAllText(file), file);
            if (!sections.TryGetValue(profile, out var section))
                throw new ConfigException($"MinIO config file {file}", null, $"has no [{profile}] profile (profiles: {string.Join(", ", sections.Keys)})");
            foreach (var (k, v) in section) values[k] = v;
            sources.Add($"{file} [{profile}]");
        }
        foreach (var (key, variable) in new[] { ("access_key", "MINIO_ACCESS_KEY"), ("secret_access_key", "MINIO_SECRET_ACCESS_KEY"),
                                                ("endpoint_url", "MINIO_ENDPOINT_URL"), ("alias", "MINIO_ALIAS"), ("region", "MINIO_REGION") })
        {
            if (env(variable) is { Length: > 0 } v) { values[key] = v; sources.Add(variable); }
        }
        Uri? endpoint = null;
        if (values.TryGetValue("endpoint_url", out var e))
        {
            if (!Uri.TryCreate(e.Trim(), UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https"))
                throw new ConfigException(sources.Count > 0 ? string.Join(", ", sources) : "MinIO configuration", "endpoint_url", $"'{e}' is not an http(s) URL");
        }
        // An alias that spells another store's scheme is refused where every store's path forms meet (StoreRegistry).
        var alias = values.GetValueOrDefault("alias")?.Trim().ToLowerInvariant();
        var aliasFrom = env("MINIO_ALIAS") is { Length: > 0 } ? "environment variable MINIO_ALIAS" : file is not null ? $"MinIO config file {file} [{profile}]" : null;
        return new MinioSettings
        {
            AccessKey = values.GetValueOrDefault("access_key"), SecretKey = values.GetValueOrDefault("secret_access_key"),
            Endpoint = endpoint, Alias = string.IsNullOrEmpty(alias) ? null : alias,
            Region = values.GetValueOrDefault("region") is { Length: > 0 } r ? r : "us-east-1",
            Source = sources.Count > 0 ? string.Join(", ", sources) : "none", AliasSource = aliasFrom,
        };
    }
}

/// <summary>A small ini reader: [section] headers, key = value or key: value, # and ; comments.</summary>
public static class IniFile
{
    public static Dictionary<string, Dictionary<string, string>> Parse(string text, string source)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                if (!line.EndsWith(']')) throw new ConfigException($"ini file {source}", null, $"line {lineNo}: unterminated section header");
                var name = line[1..^1].Trim();
                if (name.StartsWith("profile ", StringComparison.Ordinal)) name = name[8..].Trim();
                current = result.TryGetValue(name, out var s) ? s : result[name] = new(StringComparer.OrdinalIgnoreCase);
                continue;
            }
            var eq = line.IndexOfAny(new[] { '=', ':' });
            if (eq <= 0 || current is null)
                throw new ConfigException($"ini file {source}", null, $"line {lineNo}: expected 'key = value' inside a [section]");
            current[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('"');
        }
        return result;
    }
}
