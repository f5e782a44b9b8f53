namespace FiftyOneCache.Engine.Storage;

/// <summary>Registration of the cloud stores (S3, MinIO, GCS); each store issue adds its line here.</summary>
public static partial class StoreCatalog
{
    public static void RegisterCloudStores(StoreRegistry registry)
    {
    }
}
