using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The endpoint the module's own settings send a store's requests to, resolved exactly as the store itself
/// resolves it (each store's <see cref="StoreBackend.Endpoint"/>), for callers that must agree with the store, such as
/// New-CvatAnnotation choosing the CVAT cloud storage attached for the same endpoint.
/// </summary>
public static class StoreEndpoints
{
    /// <returns>scheme://host:port, or null for a provider's own endpoints, an unconfigured store, or an unknown one.</returns>
    public static string? For(CacheConfig config, string store, Func<string, string?>? env = null) =>
        StoreBackends.Find(store)?.Endpoint(config, env ?? Environment.GetEnvironmentVariable);
}
