using System.Security.Cryptography;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Azure writes through Azure.Storage.Blobs: one Put Blob up to the part size; above it, blocks staged in parallel
/// (each with its Content-MD5, checked by the service) and one block list committed with the whole blob's MD5, so
/// that later downloads verify it. Copies by Copy Blob from the source's SAS URL; deletes by Delete Blob.
/// </summary>
public sealed partial class AzureStore : IStoreOperations
{
    Task<T> Run<T>(MediaRef item, string what, Func<Task<T>> action, CancellationToken ct) =>
        RetryPolicy.Default.RunAsync(async _ =>
        {
            try { return await action().ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException and not StoreException) { throw AzureErrors.Map(e, what, _settings, item.Bucket); }
        }, what, NullLog.Instance, ct);

    BlockBlobClient BlockBlob(MediaRef item) => Service(AccountOf(item)).GetBlobContainerClient(item.Bucket).GetBlockBlobClient(item.Key);

    public async Task<RemoteStat> WriteAsync(MediaRef dest, Stream source, long length, UploadOptions options, CancellationToken ct)
    {
        var what = $"uploading {Describe(dest)}";
        var blob = BlockBlob(dest);
        byte[] md5;
        if (length <= options.PartSize)
        {
            var bytes = new byte[length];
            await source.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            md5 = MD5.HashData(bytes);
            await Run(dest, what, () => blob.UploadAsync(new MemoryStream(bytes, false), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentHash = md5 },
                // The SDK sends the request's Content-MD5 itself (a precalculated one is refused where it might partition).
                TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
                TransferOptions = new StorageTransferOptions { InitialTransferSize = Math.Max(1, length), MaximumTransferSize = Math.Max(1, length) },
            }, ct), ct).ConfigureAwait(false);
        }
        else
        {
            using var hashing = new HashingStream(source, length);
            var prefix = Guid.NewGuid().ToString("N")[..8];
            var parts = await PartUploader.UploadAsync(hashing, length, options, async (part, token) =>
            {
                var id = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"{prefix}-{part.Number:D6}"));
                await Run(dest, $"{what} (block {part.Number})", () => blob.StageBlockAsync(id, new ReadOnlyMemoryStream(part.Bytes), new BlockBlobStageBlockOptions
                {
                    TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = part.Md5 },
                }, token), token).ConfigureAwait(false);
                return id;
            }, ct).ConfigureAwait(false);
            md5 = Convert.FromHexString(hashing.Md5Hex());
            await Run(dest, what, () => blob.CommitBlockListAsync(parts.Select(p => p.Tag), new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentHash = md5 },
            }, ct), ct).ConfigureAwait(false);
        }
        var stat = await StatAsync(dest, ct).ConfigureAwait(false);
        var expected = "md5:" + Convert.ToHexString(md5).ToLowerInvariant();
        if (stat.Size != length || stat.Checksum is { } c && c != expected)
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the store holds {stat.Size} bytes ({stat.Checksum}); {length} bytes ({expected}) were sent");
        return stat;
    }

    public Task<bool> DeleteAsync(MediaRef item, CancellationToken ct) =>
        Run(item, $"deleting {Describe(item)}", async () => (await Blob(item).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false)).Value, ct);

    public async Task<RemoteStat?> CopyWithinAsync(MediaRef source, RemoteStat sourceStat, MediaRef dest, UploadOptions options, CancellationToken ct)
    {
        var what = $"copying {Describe(source)} to {Describe(dest)}";
        var url = await SignAsync(source, ct).ConfigureAwait(false);
        await Run(dest, what, async () =>
        {
            var op = await Blob(dest).StartCopyFromUriAsync(url, new BlobCopyFromUriOptions
            {
                SourceConditions = sourceStat.ETag is { } e ? new BlobRequestConditions { IfMatch = new global::Azure.ETag($"\"{e}\"") } : null,
            }, ct).ConfigureAwait(false);
            await op.WaitForCompletionAsync(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
        var stat = await StatAsync(dest, ct).ConfigureAwait(false);
        if (stat.Size != sourceStat.Size)
            throw new StoreException(StoreErrorKind.Corrupt, $"{what}: the copy has {stat.Size} bytes, the source {sourceStat.Size}");
        return stat;
    }
}
