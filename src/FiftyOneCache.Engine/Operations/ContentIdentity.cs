using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Operations;

/// <summary>
/// Whether two objects hold the same bytes without reading both: what copy_files' skip-if-same asks. Each store's
/// declared capabilities say what its ETag means.
/// </summary>
internal sealed class ContentIdentity(Func<MediaRef, StoreCapabilities> capabilities)
{
    /// <summary>
    /// Same size and the same checksum, by whatever both sides can say: MD5 (S3/MinIO single-part ETags, GCS md5Hash,
    /// Azure Content-MD5, a local file hashed), CRC32C, or S3's multipart ETag recomputed over a local file.
    /// </summary>
    public async Task<bool> SameAsync(MediaRef a, RemoteStat sa, MediaRef b, RemoteStat sb, CancellationToken ct)
    {
        if (sa.Size != sb.Size) return false;
        if (!a.IsLocal && !b.IsLocal && a.Store == b.Store && capabilities(a).ETagIdentifiesContent && sa.ETag is not null && sa.ETag == sb.ETag) return true;
        foreach (var kind in new[] { "md5", "crc32c" })
        {
            var x = await DigestAsync(a, sa, kind, ct).ConfigureAwait(false);
            if (x is null) continue;
            var y = await DigestAsync(b, sb, kind, ct).ConfigureAwait(false);
            if (y is not null) return x == y;
        }
        if (MultipartETag(sa) is { } ma && b.IsLocal) return ma == await LocalMultipartETagAsync(b.Key, ct).ConfigureAwait(false);
        if (MultipartETag(sb) is { } mb && a.IsLocal) return mb == await LocalMultipartETagAsync(a.Key, ct).ConfigureAwait(false);
        return false;
    }

    async Task<string?> DigestAsync(MediaRef m, RemoteStat s, string kind, CancellationToken ct)
    {
        if (s.Checksum is { } c && c.StartsWith(kind + ":", StringComparison.Ordinal)) return c;
        if (kind == "md5" && !m.IsLocal && capabilities(m).ETagIsMd5 && s.ETag is { Length: 32 } e && e.All(char.IsAsciiHexDigit))
            return "md5:" + e.ToLowerInvariant();
        if (m.IsLocal) return await Checksums.ChecksumVerifier.ComputeAsync(kind, m.Key, ct).ConfigureAwait(false);
        return null;
    }

    static string? MultipartETag(RemoteStat s) => s.ETag is { } e && e.Contains('-') && e.Length > 33 ? e.ToLowerInvariant() : null;

    /// <summary>S3's multipart ETag of a local file, with the part size this module uploads with.</summary>
    static async Task<string> LocalMultipartETagAsync(string path, CancellationToken ct)
    {
        var partSize = (int)UploadOptions.DefaultPartSize;
        var md5s = new List<byte[]>();
        await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[partSize];
        while (true)
        {
            var n = await fs.ReadAtLeastAsync(buffer, partSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (n == 0) break;
            md5s.Add(System.Security.Cryptography.MD5.HashData(buffer.AsSpan(0, n)));
            if (n < partSize) break;
        }
        return PartUploader.MultipartETag(md5s);
    }
}
