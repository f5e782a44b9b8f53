using System.Buffers;
using System.Security.Cryptography;

namespace FiftyOneCache.Engine.Storage;

/// <summary>One part of an upload: its 1-based number, its bytes (a pooled buffer, valid during the call) and their MD5.</summary>
public readonly record struct UploadPart(int Number, ReadOnlyMemory<byte> Bytes, byte[] Md5);

/// <summary>
/// Cuts a stream into parts and uploads up to <see cref="UploadOptions.PartConcurrency"/> of them at once: the stream
/// is read in order, and no more than that many parts are in memory, so an object of any size streams through.
/// Used by the stores whose uploads are made of parts (S3 multipart, Azure blocks).
/// </summary>
public static class PartUploader
{
    public static async Task<IReadOnlyList<(int Number, byte[] Md5, string Tag)>> UploadAsync(
        Stream source, long length, UploadOptions options, Func<UploadPart, CancellationToken, Task<string>> upload, CancellationToken ct)
    {
        var partSize = (int)Math.Min(options.PartSize, int.MaxValue - 64);
        var count = (int)Math.Max(1, (length + partSize - 1) / partSize);
        var results = new (int, byte[], string)[count];
        using var gate = new SemaphoreSlim(Math.Max(1, options.PartConcurrency));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new List<Task>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                var size = (int)Math.Min(partSize, length - (long)i * partSize);
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, size));
                try { await source.ReadExactlyAsync(buffer.AsMemory(0, size), failed.Token).ConfigureAwait(false); }
                catch { ArrayPool<byte>.Shared.Return(buffer); gate.Release(); throw; }
                var number = i + 1;
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        var md5 = MD5.HashData(buffer.AsSpan(0, size));
                        var tag = await upload(new UploadPart(number, buffer.AsMemory(0, size), md5), failed.Token).ConfigureAwait(false);
                        results[number - 1] = (number, md5, tag);
                    }
                    catch { failed.Cancel(); throw; }
                    finally { ArrayPool<byte>.Shared.Return(buffer); gate.Release(); }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // a part failed: its exception is the one to report (below)
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return results;
    }

    /// <summary>S3's ETag of a multipart object: the MD5 of the parts' MD5s, then "-" and the part count.</summary>
    public static string MultipartETag(IEnumerable<byte[]> partMd5s)
    {
        var all = partMd5s.ToList();
        var joined = all.SelectMany(m => m).ToArray();
        return Convert.ToHexString(MD5.HashData(joined)).ToLowerInvariant() + "-" + all.Count;
    }
}
