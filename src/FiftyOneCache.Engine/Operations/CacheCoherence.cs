using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Operations;

/// <summary>
/// Keeps the cache true to the stores after a write, move or delete made through the operations: the object's
/// cached copy (if any) is dropped, so the next read fetches what the store now holds. The one call site into the
/// cache's removal API.
/// </summary>
public static class CacheCoherence
{
    public static async Task DropAsync(MediaCache cache, MediaRef changed, CancellationToken ct)
    {
        if (changed.IsLocal) return;
        await cache.ClearItemAsync(changed.Original, ct).ConfigureAwait(false);
    }
}
