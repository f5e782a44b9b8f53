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
}
