using System.Globalization;
using System.Text.Json;

namespace FiftyOneCache.Engine.Configuration;

/// <summary>Parses and validates one configuration value, whatever its source, with one set of rules.</summary>
public static class ConfigValues
{
    public static object? Parse(string key, object? raw, string source)
    {
        if (raw is JsonElement je) raw = FromJson(je, key, source);
        if (raw is null) return null;
        return key switch
        {
            ConfigKeys.CacheSizeBytes => ParseSize(raw, key, source),
            ConfigKeys.DownloadSizeBytes => ParseDownloadSize(raw, key, source),
            ConfigKeys.NumWorkers => ParseWorkers(raw, key, source),
            ConfigKeys.CacheAppImages => ParseBool(raw, key, source),
            ConfigKeys.CacheDir => ParsePath(raw, key, source),
            _ when ConfigKeys.StoreKey(key) is { } store => store.Kind == ConfigValueKind.Path ? ParsePath(raw, key, source) : ParseString(raw, key, source),
            _ => throw new ConfigException(source, key, $"unknown key; known keys are {string.Join(", ", ConfigKeys.All)}"),
        };
    }

    static object? FromJson(JsonElement e, string key, string source) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : (object)e.GetDouble(),
        _ => throw new ConfigException(source, key, $"expected a string, number or boolean but found a JSON {e.ValueKind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>A whole number of bytes from JSON, the environment or a parameter; <paramref name="hint"/> ends the error.</summary>
    static long WholeBytes(object raw, string key, string source, string hint) => raw switch
    {
        long l => l,
        int i => i,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) => p,
        _ => throw new ConfigException(source, key, $"'{raw}' is not a whole number of bytes ({hint})"),
    };

    static long ParseSize(object raw, string key, string source)
    {
        var value = WholeBytes(raw, key, source, "use -1 for no limit");
        if (value < -1)
            throw new ConfigException(source, key, $"{value} is negative; only -1 (no limit, no eviction) is allowed below zero");
        if (value == 0)
            throw new ConfigException(source, key, "0 bytes would evict every file as soon as it is downloaded; use a positive size or -1 for no limit");
        return value;
    }

    /// <summary>download_size_bytes: how far downloads run ahead of their consumer; negative means all at once, as in FiftyOne.</summary>
    static long ParseDownloadSize(object raw, string key, string source)
    {
        var value = WholeBytes(raw, key, source, "a negative number downloads everything at once");
        if (value == 0)
            throw new ConfigException(source, key, "0 bytes would download nothing ahead; use a positive size, or a negative one for everything at once");
        return value;
    }

    static int ParseWorkers(object raw, string key, string source)
    {
        long value = raw switch
        {
            long l => l,
            int i => i,
            double d when d == Math.Floor(d) => (long)d,
            string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) => p,
            _ => throw new ConfigException(source, key, $"'{raw}' is not a whole number of workers"),
        };
        if (value < 1 || value > 1024)
            throw new ConfigException(source, key, $"{value} workers is out of range; use a number from 1 to 1024");
        return (int)value;
    }

    static bool ParseBool(object raw, string key, string source) => raw switch
    {
        bool b => b,
        long l when l is 0 or 1 => l == 1,
        string s when s.Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on" => true,
        string s when s.Trim().ToLowerInvariant() is "false" or "0" or "no" or "off" or "" => false,
        _ => throw new ConfigException(source, key, $"'{raw}' is not a boolean (true/false)"),
    };

    static string ParsePath(object raw, string key, string source)
    {
        var s = ParseString(raw, key, source);
        if (s.IndexOf('\0') >= 0) throw new ConfigException(source, key, "the path contains a NUL character");
        return ExpandHome(s);
    }

    static string ParseString(object raw, string key, string source) => raw switch
    {
        string s when s.Trim().Length > 0 => s.Trim(),
        string => throw new ConfigException(source, key, "the value is empty"),
        _ => throw new ConfigException(source, key, $"expected a string but found '{raw}'"),
    };

    public static string ExpandHome(string path)
    {
        if (path == "~") return CacheConfig.UserHome;
        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
            return Path.Combine(CacheConfig.UserHome, path[2..]);
        return path;
    }
}
