namespace FiftyOneCache.Engine.Configuration;

/// <summary>What kind of value a configuration key holds; each kind is parsed and validated by one rule.</summary>
public enum ConfigValueKind
{
    /// <summary>A file or directory path ('~' expands to the home directory).</summary>
    Path,
    /// <summary>A non-empty string, such as a profile name.</summary>
    String,
}

/// <summary>
/// A configuration key a store declares (its <c>StoreBackend.ConfigKeys</c>): the JSON key in media_cache_config.json,
/// its kind, and the PowerShell parameter name that carries it (PascalCase of the key).
/// </summary>
/// <param name="Key">The JSON key, e.g. "aws_profile".</param>
/// <param name="Kind">How its value is parsed.</param>
/// <param name="Completes">Whether tab completion offers values (profiles) for it.</param>
public sealed record ConfigKeyDef(string Key, ConfigValueKind Kind, bool Completes = false)
{
    /// <summary>The parameter and property name: "aws_profile" becomes "AwsProfile".</summary>
    public string ParameterName => string.Concat(Key.Split('_').Select(p => p.Length == 0 ? "" : char.ToUpperInvariant(p[0]) + p[1..]));
}
