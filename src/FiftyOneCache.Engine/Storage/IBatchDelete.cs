using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

/// <summary>A store that deletes many objects in one request (S3 DeleteObjects): one result per item, null when it went.</summary>
public interface IBatchDelete
{
    Task<IReadOnlyList<StoreException?>> DeleteManyAsync(IReadOnlyList<MediaRef> items, CancellationToken ct);
}
