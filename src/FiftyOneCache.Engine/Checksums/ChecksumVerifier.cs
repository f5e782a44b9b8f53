using System.Security.Cryptography;

namespace FiftyOneCache.Engine.Checksums;

/// <summary>Checks a finished file against the store's checksum ("md5:&lt;hex&gt;" or "crc32c:&lt;hex&gt;").</summary>
public static class ChecksumVerifier
{
    public static bool IsSupported(string? checksum) =>
        checksum is not null && (checksum.StartsWith("md5:", StringComparison.Ordinal) || checksum.StartsWith("crc32c:", StringComparison.Ordinal));

    public static async Task<string> ComputeAsync(string algorithm, string path, CancellationToken ct)
    {
        await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        if (algorithm == "md5")
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            int n;
            while ((n = await fs.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) md5.AppendData(buffer, 0, n);
            return "md5:" + Convert.ToHexString(md5.GetHashAndReset()).ToLowerInvariant();
        }
        var crc = new Crc32C();
        int m;
        while ((m = await fs.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) crc.Append(buffer.AsSpan(0, m));
        return "crc32c:" + crc.Value.ToString("x8");
    }

    /// <summary>Null when <paramref name="bytes"/> match (or no checksum is known); otherwise the reason. For objects held in memory.</summary>
    public static string? Verify(string? expected, ReadOnlySpan<byte> bytes)
    {
        if (!IsSupported(expected)) return null;
        string actual;
        if (expected!.StartsWith("md5:", StringComparison.Ordinal))
            actual = "md5:" + Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant();
        else
        {
            var crc = new Crc32C();
            crc.Append(bytes);
            actual = "crc32c:" + crc.Value.ToString("x8");
        }
        return string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase) ? null
            : $"checksum mismatch: the store reports {expected}, the bytes received hash to {actual}";
    }

    /// <summary>Null when the file matches (or no checksum is known); otherwise the reason.</summary>
    public static async Task<string?> VerifyAsync(string? expected, string path, CancellationToken ct)
    {
        if (!IsSupported(expected)) return null;
        var algo = expected![..expected!.IndexOf(':')];
        var actual = await ComputeAsync(algo, path, ct).ConfigureAwait(false);
        return string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase) ? null
            : $"checksum mismatch: the store reports {expected}, the bytes received hash to {actual}";
    }
}
