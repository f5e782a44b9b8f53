namespace FiftyOneCache.Engine.Paths;

/// <summary>
/// Turns user text into a <see cref="MediaRef"/>. MinIO endpoints and aliases are routed through
/// <see cref="IMinioRouting"/> so that the parser stays free of credential handling.
/// </summary>
public sealed class MediaPathParser
{
    readonly IMinioRouting? _minio;
    readonly IAzureRouting? _azure;

    public MediaPathParser(IMinioRouting? minio = null, IAzureRouting? azure = null)
    {
        _minio = minio;
        _azure = azure;
    }

    public MediaRef Parse(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        var raw = text.Trim();
        if (raw.Length == 0) throw new InvalidMediaPathException(text, "the path is empty");
        if (raw.IndexOf('\0') >= 0) throw new InvalidMediaPathException(text, "the path contains a NUL character");

        var sep = raw.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 1) // no scheme, or a Windows drive letter such as C:\
            return raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? LocalFromFileUri(text, raw) : Local(text, raw);

        var scheme = raw[..sep].ToLowerInvariant();
        var rest = raw[(sep + 3)..];
        switch (scheme)
        {
            case "s3": return Bucketed(text, StoreNames.S3, rest);
            case "gs": return Bucketed(text, StoreNames.Gcs, rest);
            case "file": return LocalFromFileUri(text, raw);
            case "http":
            case "https":
                if (_minio?.MatchEndpoint(raw) is { } mref) return mref with { Original = text };
                if (_azure?.MatchUrl(text, raw) is { } aref) return aref;
                return Http(text, raw);
        }
        if (_minio is not null && _minio.IsAlias(scheme)) return Bucketed(text, StoreNames.Minio, rest);
        if (_azure?.MatchAlias(text, scheme, rest) is { } alias) return alias;
        throw new InvalidMediaPathException(text,
            $"unsupported scheme '{scheme}://'; use s3://, gs://, http(s)://, a MinIO alias{(_minio?.AliasDescription is { } a ? $" ({a})" : "")}, " +
            $"{(_azure?.AliasDescription is { } z ? $"an Azure alias ({z}), " : "")}or a local path");
    }

    static MediaRef Local(string text, string raw) => new(text, StoreNames.Local, "", Path.GetFullPath(raw));

    static MediaRef LocalFromFileUri(string text, string raw)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var u) || !u.IsFile)
            throw new InvalidMediaPathException(text, "not a valid file:// URI");
        return new(text, StoreNames.Local, "", u.LocalPath);
    }

    public static MediaRef Bucketed(string text, string store, string rest)
    {
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0) throw new InvalidMediaPathException(text, "the bucket name is missing");
        if (!IsValidBucket(bucket))
            throw new InvalidMediaPathException(text, $"'{bucket}' is not a valid bucket name (3-222 characters: lowercase letters, digits, '.', '-', '_')");
        KeyRules.Check(text, key);
        return new MediaRef(text, store, bucket, key);
    }

    static bool IsValidBucket(string b) =>
        b.Length is >= 3 and <= 222 && b.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_')
        && char.IsLetterOrDigit(b[0]) && char.IsLetterOrDigit(b[^1]) && !b.Contains("..");

    static MediaRef Http(string text, string raw)
    {
        // Dot segments are refused before Uri normalises them away: the user meant something else.
        var pathStart = raw.IndexOf('/', raw.IndexOf("://", StringComparison.Ordinal) + 3);
        if (pathStart >= 0)
        {
            var path = raw[pathStart..];
            var q = path.IndexOfAny(new[] { '?', '#' });
            KeyRules.CheckDotSegments(text, Uri.UnescapeDataString(q < 0 ? path : path[..q]));
        }
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new InvalidMediaPathException(text, "not a well-formed URL");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new InvalidMediaPathException(text, "URLs with embedded credentials are not cached; pass credentials through the store configuration");
        var key = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        KeyRules.Check(text, key);
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}_{uri.Port}";
        return new MediaRef(text, StoreNames.Http, $"{uri.Scheme}/{host}", key + (uri.Query.Length > 1 ? uri.Query : ""), uri);
    }
}

/// <summary>What MinIO configuration contributes to parsing: its endpoint URL and alias scheme.</summary>
public interface IMinioRouting
{
    MediaRef? MatchEndpoint(string url);
    bool IsAlias(string scheme);
    string? AliasDescription { get; }
}

/// <summary>What Azure configuration contributes to parsing: blob URLs (public endpoint or account URL) and the alias scheme.</summary>
public interface IAzureRouting
{
    /// <summary>The blob an http(s) URL names, or null when the URL is not under an Azure account.</summary>
    MediaRef? MatchUrl(string text, string url);
    /// <summary>The blob an alias path names, or null when the scheme is not the Azure alias.</summary>
    MediaRef? MatchAlias(string text, string scheme, string rest);
    string? AliasDescription { get; }
}

/// <summary>Rules every object key obeys before it may become a cache path.</summary>
public static class KeyRules
{
    public const int MaxKeyBytes = 4096;

    public static void Check(string text, string key)
    {
        if (key.IndexOf('\0') >= 0) throw new InvalidMediaPathException(text, "the key contains a NUL character");
        if (System.Text.Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            throw new InvalidMediaPathException(text, $"the key is longer than {MaxKeyBytes} bytes");
        CheckDotSegments(text, key);
    }

    public static void CheckDotSegments(string text, string path)
    {
        foreach (var seg in path.Split('/', '\\'))
            if (seg is "." or "..")
                throw new InvalidMediaPathException(text, $"the path contains a '{seg}' segment, which could point outside its bucket");
    }
}
