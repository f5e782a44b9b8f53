using System.Security.Cryptography;
using System.Text;

namespace FiftyOneCache.Engine.Paths;

/// <summary>
/// The on-disk contract, FiftyOne's: <c>s3://b/k</c> lands at <c>{cache_dir}/media/s3/b/k</c>, <c>gs://b/k</c> at
/// <c>media/gs/b/k</c>, MinIO at <c>media/minio/b/k</c>, URLs at <c>media/http/host/path</c> or
/// <c>media/https/host/path</c>; which leading segments a store uses is the store's business (it sets
/// <see cref="MediaRef.Root"/> when it parses a path). Every path segment is escaped so that no key can leave the cache directory
/// or collide with another key.
/// </summary>
public static class CacheLayout
{
    public const string MetaDir = ".fiftyonecache";
    /// <summary>The directory under the cache directory that holds every store (FiftyOne's layout).</summary>
    public const string MediaDir = "media";
    const int MaxSegmentBytes = 200;
    const int MaxRelativeBytes = 1024;

    static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>The path relative to the cache directory, with '/' separators.</summary>
    public static string RelativePath(MediaRef m)
    {
        if (m.IsLocal) throw new InvalidOperationException("local paths are not cached");
        var segments = new List<string> { MediaDir };
        segments.AddRange(m.Root.Select(EscapeSegment));
        var lead = segments.Count;
        var key = m.Key;
        string? query = null;
        if (m.IsUrlDocument && key.IndexOf('?') is >= 0 and var q) { query = key[q..]; key = key[..q]; }
        var parts = key.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            // Markers are added after escaping: a key cannot spell them, since its own '%' becomes %25.
            var e = last && m.IsUrlDocument && parts[i].Length == 0 ? "%index" : EscapeSegment(parts[i]);
            if (last && query is not null) e = WithSuffix(e, "%q" + ShortHash(query));
            segments.Add(e);
        }
        var rel = string.Join('/', segments);
        if (Encoding.UTF8.GetByteCount(rel) > MaxRelativeBytes)
            rel = $"{string.Join('/', segments.Take(lead))}/%long/{ShortHash(m.Canonical)}/{segments[^1]}";
        return rel;
    }

    public static string FullPath(string cacheDir, MediaRef m) => FullPath(cacheDir, RelativePath(m));

    public static string FullPath(string cacheDir, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(cacheDir, relative.Replace('/', Path.DirectorySeparatorChar)));
        var root = Path.GetFullPath(cacheDir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
            throw new InvalidOperationException($"refusing a cache path outside the cache directory: {relative}");
        return full;
    }

    /// <summary>Escapes one segment injectively: '%' and every unsafe character become %XX.</summary>
    public static string EscapeSegment(string s)
    {
        if (s.Length == 0) return "%_";
        if (s is "." or "..") return s.Replace(".", "%2E");
        var sb = new StringBuilder(s.Length + 8);
        foreach (var r in s.EnumerateRunes())
        {
            var v = r.Value;
            if (v < 0x20 || v == 0x7F || v == '%' || v == '\\' || v == '/' || v is '<' or '>' or ':' or '"' or '|' or '?' or '*')
                foreach (var b in Encoding.UTF8.GetBytes(r.ToString())) sb.Append('%').Append(b.ToString("X2"));
            else sb.Append(r.ToString());
        }
        var e = sb.ToString();
        var stem = e.Split('.')[0];
        if (DeviceNames.Contains(stem.TrimEnd(' '))) e = $"%{(int)e[0]:X2}{e[1..]}";
        if (e.EndsWith('.') || e.EndsWith(' ')) e = e[..^1] + $"%{(int)e[^1]:X2}";
        if (e.StartsWith(".fiftyonecache", StringComparison.OrdinalIgnoreCase) || e.StartsWith(".foc-", StringComparison.Ordinal))
            e = "%2E" + e[1..]; // our own metadata and temp names cannot be spelled by a key
        var nfc = s.Normalize(NormalizationForm.FormC);
        if (!string.Equals(nfc, s, StringComparison.Ordinal)) e = WithSuffix(e, "%u" + ShortHash(s)); // keep NFC/NFD twins apart on normalising file systems
        if (Encoding.UTF8.GetByteCount(e) > MaxSegmentBytes) e = Shorten(e, s);
        return e;
    }

    static string Shorten(string escaped, string original)
    {
        var ext = Path.GetExtension(escaped);
        if (ext.Length > 16) ext = "";
        var budget = MaxSegmentBytes - 24 - Encoding.UTF8.GetByteCount(ext);
        var sb = new StringBuilder();
        var used = 0;
        foreach (var r in escaped.EnumerateRunes())
        {
            var n = r.Utf8SequenceLength;
            if (used + n > budget) break;
            sb.Append(r.ToString());
            used += n;
        }
        var head = sb.ToString();
        while (head.Length > 0 && head[^1] == '%') head = head[..^1];
        if (head.Length >= 2 && head[^2] == '%') head = head[..^2];
        return $"{head}%~{ShortHash(original)}{ext}";
    }

    static string WithSuffix(string s, string suffix)
    {
        var ext = Path.GetExtension(s);
        return ext.Length is > 0 and <= 16 ? s[..^ext.Length] + suffix + ext : s + suffix;
    }

    public static string ShortHash(string s)
    {
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(s), h);
        return Convert.ToHexString(h[..8]).ToLowerInvariant();
    }
}
