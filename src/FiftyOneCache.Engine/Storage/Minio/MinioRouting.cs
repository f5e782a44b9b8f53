using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>The path forms MinIO claims: ${endpoint_url}/bucket/key URLs and ${alias}://bucket/key paths.</summary>
public sealed class MinioRouting(MinioSettings settings)
{
    readonly string? _prefix = settings.Endpoint is { } e ? e.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" : null;

    public IReadOnlyList<PathForm> Forms()
    {
        var forms = new List<PathForm>();
        if (settings.Alias is { } alias)
            forms.Add(new PathForm(MinioBackend.StoreName, PathFormKind.Alias, alias,
                p => MediaPathParser.Bucketed(p.Text, MinioBackend.StoreName, p.Rest), $"{alias}:// (MinIO alias)", settings.AliasSource));
        if (_prefix is not null)
            forms.Add(new PathForm(MinioBackend.StoreName, PathFormKind.Endpoint, _prefix, p => MatchEndpoint(p.Text, p.Raw),
                $"{_prefix}<bucket>/<key> (MinIO endpoint)", settings.Source));
        return forms;
    }

    MediaRef? MatchEndpoint(string text, string url)
    {
        if (_prefix is null || !url.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = url[_prefix.Length..];
        var q = rest.IndexOfAny(['?', '#']);
        if (q >= 0) rest = rest[..q];
        return MediaPathParser.Bucketed(text, MinioBackend.StoreName, Uri.UnescapeDataString(rest));
    }
}
