using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage.Gcs;

namespace FiftyOneCache.Engine.Storage;

public static partial class StoreCatalog
{
    static partial void RegisterMoreStores(StoreRegistry registry) =>
        registry.Register(StoreNames.Gcs, () => new GcsStore(GcsSettings.Resolve(registry.Config), registry.Transport));
}
