using FiftyOneCache.Engine.Storage.Azure;

namespace FiftyOneCache.Engine.Storage;

public static partial class StoreCatalog
{
    /// <summary>
    /// Azure settings are read when the cache opens (no network): the alias and account URL decide how paths parse,
    /// so a broken Azure configuration is an invalid configuration (terminating, naming file, profile and key), as
    /// for MinIO. Credentials are only used on the first Azure request.
    /// </summary>
    static partial void RegisterAzureStore(StoreRegistry registry)
    {
        var settings = AzureSettings.Resolve(registry.Config);
        registry.AzureRouting = new AzureRouting(settings);
        registry.Register(Paths.StoreNames.Azure, () => new AzureStore(settings, registry.Transport));
    }
}
