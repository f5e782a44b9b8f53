using System.Runtime.CompilerServices;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Http;

/// <summary>Public http(s):// URLs. Listing is not something HTTP offers.</summary>
public sealed partial class HttpStore(HttpTransport transport) : IObjectStore, IReadWithStat
{
    public Task<(RemoteStat Stat, Stream Body)> OpenWithStatAsync(MediaRef item, CancellationToken ct) =>
        transport.OpenWithStatAsync(item.Url!, Describe(item), ct);

    public string Name => HttpBackend.StoreName;

    public Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct) =>
        transport.StatAsync(item.Url!, Describe(item), ct);

    public Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct) =>
        transport.OpenReadAsync(item.Url!, expected, range, Describe(item), ct);

    public bool CanList => false;

    public async IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        throw new StoreException(StoreErrorKind.Permanent, $"'{prefix.Original}': http(s) URLs cannot be listed (a URL is not a folder); -Recurse works on the prefixes of stores that can be listed");
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }

    public string DescribeCredentials() => "http(s): anonymous requests";

    static string Describe(MediaRef item) => $"'{Diagnostics.Redact.ForDisplay(item.Original)}'";
}
