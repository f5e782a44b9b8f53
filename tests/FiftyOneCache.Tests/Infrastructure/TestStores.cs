using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Tests.Infrastructure;

/// <summary>Configurations and parsers for tests, built as the module builds them (through the store registry).</summary>
internal static class TestStores
{
    /// <summary>Store settings by key; null values are left out.</summary>
    public static IReadOnlyDictionary<string, string> Settings(params (string Key, string? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);

    /// <summary>The parser every registered store contributes to, with this environment (default: none).</summary>
    public static MediaPathParser Parser(Func<string, string?>? env = null, CacheConfig? config = null)
    {
        using var stores = new StoreRegistry(config ?? new CacheConfig { CacheDir = "/tmp/foc-parser" }, NullLog.Instance, env ?? (_ => null));
        return stores.Parser;
    }
}
