using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using FiftyOneCache.Engine.Paths;
using Google;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

namespace FiftyOneCache.Engine.Storage.Gcs;

/// <summary>
/// gs:// through Google.Cloud.Storage.V1 for metadata and listing. The client reads media in one GET with no
/// ranges, so bytes come from the JSON API's alt=media URL through the shared downloader (parallel ranges,
/// resume), which then verifies the CRC32C that objects.get reported before the file becomes visible.
/// </summary>
public sealed partial class GcsStore : IObjectStore, IDisposable
{
    readonly GcsSettings _settings;
    readonly StorageClient _client;
    readonly HttpTransport _transport;

    public GcsStore(GcsSettings settings, HttpTransport transport)
    {
        _settings = settings;
        _transport = transport;
        var builder = new StorageClientBuilder { BaseUri = settings.BaseUri };
        if (settings.Credential is null) builder.UnauthenticatedAccess = true;
        else builder.GoogleCredential = settings.Credential;
        _client = builder.Build();
    }

    public string Name => GcsBackend.StoreName;

    public string DescribeCredentials() => _settings.Source;

    public async Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct)
    {
        try
        {
            return StatOf(await _client.GetObjectAsync(item.Bucket, item.Key, cancellationToken: ct).ConfigureAwait(false));
        }
        catch (GoogleApiException e)
        {
            throw Map(e, item);
        }
    }

    /// <summary>What an object resource says (from a get or a listing: the same resource, so no second request).</summary>
    static RemoteStat StatOf(Google.Apis.Storage.v1.Data.Object o)
    {
        string? checksum = o.Crc32c is { Length: > 0 } crc ? "crc32c:" + Convert.ToHexString(Convert.FromBase64String(crc)).ToLowerInvariant()
            : o.Md5Hash is { Length: > 0 } md5 ? "md5:" + Convert.ToHexString(Convert.FromBase64String(md5)).ToLowerInvariant() : null;
        // The generation names the version: -Update compares it, and reads pin it so a mid-download overwrite is noticed.
        return new RemoteStat((long)(o.Size ?? 0), o.Generation?.ToString(), checksum, o.UpdatedDateTimeOffset);
    }

    public async Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct)
    {
        var url = new Uri($"{_settings.BaseUri}b/{Uri.EscapeDataString(item.Bucket)}/o/{Uri.EscapeDataString(item.Key)}?alt=media" +
                          (expected.ETag is { } gen ? $"&generation={gen}" : ""));
        string? token = null;
        if (_settings.Credential is ITokenAccess access)
            token = await access.GetAccessTokenForRequestAsync(_settings.BaseUri, ct).ConfigureAwait(false);
        try
        {
            // The generation pins the version in the URL; no ETag conditions are needed on top of it.
            return await _transport.OpenReadAsync(url, expected with { ETag = null }, range, $"'{item.Original}'", ct,
                req => { if (token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token); }).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound && expected.ETag is not null)
        {
            throw new StoreException(StoreErrorKind.Changed, $"'{item.Original}' changed while it was being downloaded (generation {expected.ETag} is gone)", e);
        }
    }

    public async IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var pages = _client.ListObjectsAsync(prefix.Bucket, prefix.Key).AsRawResponses();
        await using var e = pages.GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try { more = await e.MoveNextAsync().ConfigureAwait(false); }
            catch (GoogleApiException ex) { throw Map(ex, prefix); }
            if (!more) yield break;
            foreach (var o in e.Current.Items ?? new List<Google.Apis.Storage.v1.Data.Object>())
                if (!o.Name.EndsWith('/')) yield return new ListedItem(prefix with { Original = $"gs://{prefix.Bucket}/{o.Name}", Key = o.Name }, StatOf(o));
        }
    }

    static StoreException Map(GoogleApiException e, MediaRef item)
    {
        var what = $"'{item.Original}'";
        var message = e.Error?.Message ?? e.Message.Split('\n')[0];
        return e.HttpStatusCode switch
        {
            HttpStatusCode.NotFound => new StoreException(StoreErrorKind.NotFound,
                message.Contains("bucket does not exist", StringComparison.OrdinalIgnoreCase) ? $"{what} was not found: bucket '{item.Bucket}' does not exist" : $"{what} was not found: {message}", e, status: 404),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied ({message})", e, status: (int)e.HttpStatusCode),
            _ => StoreException.FromStatus((int)e.HttpStatusCode, what, message),
        };
    }

    public void Dispose() => _client.Dispose();
}
