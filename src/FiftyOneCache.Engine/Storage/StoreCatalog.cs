using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage.Minio;
using FiftyOneCache.Engine.Storage.S3;

namespace FiftyOneCache.Engine.Storage;

/// <summary>Registration of the cloud stores; credentials are resolved on first use of each store.</summary>
public static partial class StoreCatalog
{
    public static void RegisterCloudStores(StoreRegistry registry)
    {
        registry.Register(StoreNames.S3, () => new S3Store(S3Settings.Resolve(registry.Config), registry.Transport));
        var minio = MinioSettings.Resolve(registry.Config);
        if (minio.IsConfigured) registry.MinioRouting = new MinioRouting(minio);
        registry.Register(StoreNames.Minio, () => new MinioStore(minio, registry.Transport));
        RegisterMoreStores(registry);
        RegisterAzureStore(registry);
    }

    /// <summary>Stores added by other files (GCS).</summary>
    static partial void RegisterMoreStores(StoreRegistry registry);

    /// <summary>Azure Blob Storage (Azure/AzureRegistration.cs).</summary>
    static partial void RegisterAzureStore(StoreRegistry registry);
}
