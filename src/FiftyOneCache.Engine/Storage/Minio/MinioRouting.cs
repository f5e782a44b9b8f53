using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>Recognises ${endpoint_url}/bucket/key URLs and ${alias}://bucket/key paths as MinIO objects.</summary>
public sealed class MinioRouting(MinioSettings settings) : IMinioRouting
{
    readonly string? _prefix = settings.Endpoint is { } e ? e.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" : null;

    public MediaRef? MatchEndpoint(string url)
    {
        if (_prefix is null || !url.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = url[_prefix.Length..];
        var q = rest.IndexOfAny(new[] { '?', '#' });
        if (q >= 0) rest = rest[..q];
        return MediaPathParser.Bucketed(url, StoreNames.Minio, Uri.UnescapeDataString(rest));
    }

    public bool IsAlias(string scheme) => settings.Alias is not null && string.Equals(scheme, settings.Alias, StringComparison.OrdinalIgnoreCase);

    public string? AliasDescription => settings.Alias is null ? null : $"{settings.Alias}://";
}
