using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// Where one object sits under <c>media/</c>, before escaping: the store's leading segments (which store, which
/// bucket or host), the key below them, and the parts of the key that need a marker.
/// </summary>
/// <param name="Leading">Segments that name the store and its namespace, e.g. ["s3", "bucket"], ["https", "host"].</param>
/// <param name="Key">The object key below them, '/'-separated.</param>
/// <param name="Query">A URL's query ("?..."), which becomes a hash suffix on the file name; null for buckets.</param>
/// <param name="EmptyLeafIsDocument">True when a key ending in '/' names a document of its own (a URL such as https://h/dir/).</param>
public sealed record StorePlacement(IReadOnlyList<string> Leading, string Key, string? Query, bool EmptyLeafIsDocument);

/// <summary>
/// Each store's part of the on-disk layout, so that <see cref="CacheLayout"/> needs to know nothing about stores.
/// FiftyOne documents <c>media/s3/&lt;bucket&gt;/&lt;key&gt;</c>; every store follows that shape: its name, then the
/// namespace that makes keys unique (a bucket, or a URL's scheme and host), then the key.
/// </summary>
public static class StoreLayout
{
    /// <summary>The directory under the cache directory that holds every store (FiftyOne's layout).</summary>
    public const string MediaDir = "media";

    /// <summary>Top-level store directories of the layout before version 2, which had no <c>media/</c> level.</summary>
    public static readonly IReadOnlyList<string> PreMediaStoreDirs = new[] { StoreNames.S3, StoreNames.Gcs, StoreNames.Minio, StoreNames.Azure, "http", "https" };

    public static StorePlacement Of(MediaRef m)
    {
        // Azure: media/azure/<account>/<container>/<key>; a container name is unique only within its account.
        if (m.Store == StoreNames.Azure) return new StorePlacement(new[] { m.Store, m.Account ?? "", m.Bucket }, m.Key, null, false);
        if (m.Store != StoreNames.Http) return new StorePlacement(new[] { m.Store, m.Bucket }, m.Key, null, false);
        // MediaRef.Bucket of a URL is "scheme/host[_port]": the scheme keeps http and https copies apart.
        var slash = m.Bucket.IndexOf('/');
        var key = m.Key;
        string? query = null;
        var q = key.IndexOf('?');
        if (q >= 0) { query = key[q..]; key = key[..q]; }
        return new StorePlacement(new[] { m.Bucket[..slash], m.Bucket[(slash + 1)..] }, key, query, true);
    }

    /// <summary>
    /// Best-effort source URI for a file found on disk, from its segments below <c>media/</c> (unescaped):
    /// exact for keys that needed no escaping. Null when the segments are not a layout this module writes.
    /// </summary>
    public static string? SourceOf(IReadOnlyList<string> segments)
    {
        if (segments.Count < 3) return null;
        if (segments[0] == StoreNames.Azure)
            return segments.Count < 4 ? null : $"https://{segments[1]}.blob.core.windows.net/{segments[2]}/{string.Join('/', segments.Skip(3))}"; // the default account URL
        var key = string.Join('/', segments.Skip(2));
        return segments[0] switch
        {
            "http" or "https" => $"{segments[0]}://{ReplaceLast(segments[1], '_', ':')}/{key}",
            _ => $"{segments[0]}://{segments[1]}/{key}",
        };
    }

    // A non-default port was written as host_port ('_' cannot appear in a host name's last label followed by digits only).
    static string ReplaceLast(string host, char from, char to)
    {
        var i = host.LastIndexOf(from);
        return i > 0 && i < host.Length - 1 && host[(i + 1)..].All(char.IsAsciiDigit) ? host[..i] + to + host[(i + 1)..] : host;
    }
}
