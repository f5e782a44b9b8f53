namespace FiftyOneCache.Engine.Configuration;

/// <summary>Invalid configuration: names the source (file path, environment variable, parameter) and the key.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string source, string? key, string reason)
        : base(key is null ? $"Invalid media cache configuration in {source}: {reason}"
                           : $"Invalid media cache configuration in {source}, key '{key}': {reason}")
    {
        Source = source;
        Key = key;
        Reason = reason;
    }

    public new string Source { get; }
    public string? Key { get; }
    public string Reason { get; }
    /// <summary>The configuration file at fault, when the error is in FiftyOne's JSON config file.</summary>
    public string? FilePath { get; init; }
    /// <summary>Where in <see cref="FilePath"/> the JSON cannot be read (1-based), when known.</summary>
    public int? Line { get; init; }
    public int? Column { get; init; }
}
