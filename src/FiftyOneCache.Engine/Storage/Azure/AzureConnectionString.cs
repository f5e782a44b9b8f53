using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// The parts of an Azure Storage connection string the store needs: the account, its blob endpoint and either the
/// account key or a SAS. Parsed here (not only handed to the SDK) because the store signs per-object SAS URLs itself
/// and names the account in the cache layout. Messages name the source and the setting, never a value.
/// </summary>
public sealed record AzureConnectionString(string AccountName, Uri BlobEndpoint, string? AccountKey, string? SharedAccessSignature)
{
    /// <summary>Azurite's published development account (UseDevelopmentStorage=true).</summary>
    public const string DevAccount = "devstoreaccount1";
    public const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static AzureConnectionString Parse(string text, string source)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var piece in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = piece.IndexOf('=');
            if (eq <= 0) throw new ConfigException(source, null, "the connection string has a part that is not 'Name=value'");
            parts[piece[..eq].Trim()] = piece[(eq + 1)..].Trim(); // account keys end in '=': split at the first one only
        }
        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = parts.GetValueOrDefault("DevelopmentStorageProxyUri") is { Length: > 0 } p ? p.TrimEnd('/') : "http://127.0.0.1";
            return new AzureConnectionString(DevAccount, new Uri($"{proxy}:10000/{DevAccount}"), DevKey, null);
        }
        var account = parts.GetValueOrDefault("AccountName");
        var key = parts.GetValueOrDefault("AccountKey");
        var sas = parts.GetValueOrDefault("SharedAccessSignature")?.TrimStart('?');
        Uri endpoint;
        if (parts.GetValueOrDefault("BlobEndpoint") is { Length: > 0 } be)
        {
            if (!Uri.TryCreate(be, UriKind.Absolute, out endpoint!) || endpoint.Scheme is not ("http" or "https"))
                throw new ConfigException(source, "BlobEndpoint", "is not an http(s) URL");
            account ??= AzureSettings.AccountFromUrl(endpoint);
        }
        else
        {
            if (string.IsNullOrEmpty(account))
                throw new ConfigException(source, "AccountName", "the connection string names neither AccountName nor BlobEndpoint");
            var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol") is { Length: > 0 } pr ? pr.ToLowerInvariant() : "https";
            var suffix = parts.GetValueOrDefault("EndpointSuffix") is { Length: > 0 } sx ? sx : "core.windows.net";
            endpoint = new Uri($"{protocol}://{account}.blob.{suffix}");
        }
        if (string.IsNullOrEmpty(key) && string.IsNullOrEmpty(sas))
            throw new ConfigException(source, null, "the connection string has neither AccountKey nor SharedAccessSignature");
        return new AzureConnectionString(account!, endpoint, string.IsNullOrEmpty(key) ? null : key, string.IsNullOrEmpty(sas) ? null : sas);
    }
}
