using FiftyOneCache.Engine.Storage.Azure;

namespace FiftyOneCache.Engine.Storage;

public static partial class StoreCatalog
{
    /// <summary>
    /// Azure paths are recognised even when the Azure configuration is broken (public blob URLs need none), so a bad
    /// profile fails the Azure items with its reason instead of every command, or of turning blob URLs into plain HTTP.
    /// </summary>
    static partial void RegisterAzureStore(StoreRegistry registry)
    {
        AzureSettings? settings = null;
        Exception? problem = null;
        try { settings = AzureSettings.Resolve(registry.Config); }
        catch (Exception e) { problem = e; }
        registry.AzureRouting = new AzureRouting(settings);
        registry.Register(Paths.StoreNames.Azure, () => settings is not null ? new AzureStore(settings, registry.Transport)
            : throw new StoreException(StoreErrorKind.NoCredentials, $"the Azure store could not be set up: {problem!.Message}", problem));
    }
}
