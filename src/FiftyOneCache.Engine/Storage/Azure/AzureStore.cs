using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs for metadata and listing. Bytes come from a per-object SAS URL
/// (service SAS signed with the account key, user-delegation SAS for Entra tokens, or the configured SAS token)
/// through the shared <see cref="HttpTransport"/> and downloader, like the presigned S3 path: parallel ranges,
/// resume and retries in one place, and the blob's Content-MD5 verified before the file becomes visible.
/// </summary>
public sealed partial class AzureStore : IObjectStore
{
    static readonly TimeSpan SasLifetime = TimeSpan.FromHours(2);
    readonly AzureSettings _settings;
    readonly HttpTransport _transport;
    readonly ConcurrentDictionary<string, BlobServiceClient> _services = new(StringComparer.OrdinalIgnoreCase);
    readonly ConcurrentDictionary<string, Task<UserDelegationKey>> _delegationKeys = new(StringComparer.OrdinalIgnoreCase);
    readonly Lazy<TokenCredential>? _token;

    public AzureStore(AzureSettings settings, HttpTransport transport)
    {
        _settings = settings;
        _transport = transport;
        if (settings.Token is { } factory) _token = new Lazy<TokenCredential>(factory); // one credential (and token cache) for every account
    }

    public string Name => AzureBackend.StoreName;

    public string DescribeCredentials()
    {
        var account = _settings.AccountName is { } a ? $"account {a} at {_settings.BaseUrlFor(a).AbsoluteUri.TrimEnd('/')}" : "account taken from each blob URL";
        var alias = _settings.Alias is { } al ? $", alias {al}://" : "";
        var reads = _settings.Kind switch
        {
            AzureCredentialKind.SharedKey => "service SAS per blob signed with the account key",
            AzureCredentialKind.Sas => "the configured SAS token",
            _ => "user-delegation SAS per blob",
        };
        return $"{_settings.Source}; {account}{alias}; reads through {reads}";
    }

    BlobServiceClient Service(string account) => _services.GetOrAdd(account, a =>
    {
        var uri = _settings.BaseUrlFor(a);
        // One retry layer (RetryPolicy, with backoff and Retry-After): the SDK's own retries would multiply requests.
        var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(60) } };
        return _settings.Kind switch
        {
            AzureCredentialKind.SharedKey => new BlobServiceClient(uri, _settings.SharedKey!, options),
            AzureCredentialKind.Sas => new BlobServiceClient(uri, new AzureSasCredential(_settings.SasToken!), options),
            _ => new BlobServiceClient(uri, _token!.Value, options),
        };
    });

    BlobClient Blob(MediaRef item) => Service(AccountOf(item)).GetBlobContainerClient(item.Bucket).GetBlobClient(item.Key);

    static string AccountOf(MediaRef item) =>
        item.Account ?? throw new StoreException(StoreErrorKind.Permanent, $"{Describe(item)} names no Azure account");

    public async Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct)
    {
        try
        {
            var p = (await Blob(item).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            return new RemoteStat(p.ContentLength, RemoteStat.NormalizeETag(p.ETag.ToString()), Md5(p.ContentHash), p.LastModified);
        }
        catch (Exception e) when (e is not OperationCanceledException and not StoreException)
        {
            throw AzureErrors.Map(e, Describe(item), _settings, item.Bucket);
        }
    }

    /// <summary>Blobs uploaded in one request carry Content-MD5; block lists usually have none, and then size alone is checked.</summary>
    static string? Md5(byte[]? hash) => hash is { Length: 16 } h ? "md5:" + Convert.ToHexString(h).ToLowerInvariant() : null;

    public async Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct)
    {
        var url = await SignAsync(item, ct).ConfigureAwait(false);
        // Azure honours If-Match on ranged reads (and documents no If-Range), so every read pins the ETag: a blob
        // overwritten mid-download answers 412, which the downloader treats as "changed" and starts over.
        var etag = expected.ETag is { } e && !e.StartsWith("W/", StringComparison.Ordinal) ? new EntityTagHeaderValue($"\"{e}\"") : null;
        return await _transport.OpenReadAsync(url, expected with { ETag = null }, range, Describe(item), ct, req =>
        {
            if (etag is not null) req.Headers.IfMatch.Add(etag);
        }).ConfigureAwait(false);
    }

    async Task<Uri> SignAsync(MediaRef item, CancellationToken ct)
    {
        var blobUrl = item.Url ?? AzureRouting.BlobUrl(_settings.BaseUrlFor(AccountOf(item)), item.Bucket, item.Key);
        if (_settings.Kind == AzureCredentialKind.Sas) return new Uri($"{blobUrl.AbsoluteUri}?{_settings.SasToken}");
        var now = DateTimeOffset.UtcNow;
        var builder = new BlobSasBuilder
        {
            BlobContainerName = item.Bucket, BlobName = item.Key, Resource = "b",
            StartsOn = now.AddMinutes(-5), ExpiresOn = now + SasLifetime, // a little slack for clock skew
        };
        builder.SetPermissions(BlobSasPermissions.Read);
        string query;
        if (_settings.Kind == AzureCredentialKind.SharedKey)
            query = builder.ToSasQueryParameters(_settings.SharedKey!).ToString();
        else
        {
            var key = await DelegationKeyAsync(AccountOf(item), item, ct).ConfigureAwait(false);
            query = builder.ToSasQueryParameters(key, AccountOf(item)).ToString();
        }
        return new Uri($"{blobUrl.AbsoluteUri}?{query}");
    }

    /// <summary>One user-delegation key per account, renewed when it has less than the SAS lifetime left.</summary>
    async Task<UserDelegationKey> DelegationKeyAsync(string account, MediaRef item, CancellationToken ct)
    {
        while (true)
        {
            var task = _delegationKeys.GetOrAdd(account, a => FetchDelegationKeyAsync(a));
            UserDelegationKey key;
            try { key = await task.WaitAsync(ct).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _delegationKeys.TryRemove(new KeyValuePair<string, Task<UserDelegationKey>>(account, task));
                throw e as StoreException ?? AzureErrors.Map(e, Describe(item), _settings, item.Bucket);
            }
            if (key.SignedExpiresOn - DateTimeOffset.UtcNow > SasLifetime + TimeSpan.FromMinutes(5)) return key;
            _delegationKeys.TryRemove(new KeyValuePair<string, Task<UserDelegationKey>>(account, task));
        }
    }

    async Task<UserDelegationKey> FetchDelegationKeyAsync(string account)
    {
        var now = DateTimeOffset.UtcNow;
        var options = new BlobGetUserDelegationKeyOptions(now.AddHours(6)) { StartsOn = now.AddMinutes(-5) };
        return (await Service(account).GetUserDelegationKeyAsync(options).ConfigureAwait(false)).Value;
    }

    public async IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var account = AccountOf(prefix);
        var container = Service(account).GetBlobContainerClient(prefix.Bucket);
        var baseUrl = _settings.BaseUrlFor(account);
        // Listed paths are spelled the way the prefix was: alias form for alias prefixes, the blob URL otherwise.
        var alias = _settings.Alias is { } a && prefix.Original.TrimStart().StartsWith(a + "://", StringComparison.OrdinalIgnoreCase) ? a : null;
        var options = new GetBlobsOptions { Prefix = prefix.Key.Length == 0 ? null : prefix.Key };
        var what = $"listing '{Redact.ForDisplay(prefix.Canonical)}'";
        string? continuation = null;
        while (true)
        {
            // Each page is fetched afresh from its continuation token, so a transient failure retries that page only.
            var page = await RetryPolicy.Default.RunAsync(async _ =>
            {
                try
                {
                    await foreach (var pg in container.GetBlobsAsync(options, ct).AsPages(continuation, _settings.ListPageSize).ConfigureAwait(false))
                        return pg;
                    return null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException) { throw AzureErrors.Map(ex, what, _settings, prefix.Bucket); }
            }, what, NullLog.Instance, ct).ConfigureAwait(false);
            if (page is null) yield break;
            foreach (var b in page.Values)
            {
                if (b.Name.EndsWith('/')) continue; // folder placeholders (hierarchical namespace) hold no media
                var url = AzureRouting.BlobUrl(baseUrl, prefix.Bucket, b.Name);
                var p = b.Properties;
                var listed = p.ContentLength is { } size && RemoteStat.NormalizeETag(p.ETag?.ToString()) is { } etag
                    ? new RemoteStat(size, etag, Md5(p.ContentHash), p.LastModified) : null;
                yield return new ListedItem(prefix with
                {
                    Original = alias is not null ? $"{alias}://{prefix.Bucket}/{b.Name}" : url.AbsoluteUri,
                    Key = b.Name, Url = url,
                }, listed);
            }
            if (string.IsNullOrEmpty(page.ContinuationToken)) yield break;
            continuation = page.ContinuationToken;
        }
    }

    static string Describe(MediaRef item) => $"'{Redact.ForDisplay(item.Original)}'";
}
