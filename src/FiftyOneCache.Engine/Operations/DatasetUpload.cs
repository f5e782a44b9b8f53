using FiftyOneCache.Engine.Datasets;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Operations;

/// <summary>What -Cache does with an uploaded local file (upload_media's cache argument).</summary>
public enum UploadCacheMode { None, Copy, Move }

/// <summary>One sample's media file and where it goes.</summary>
public sealed record DatasetUploadItem(SampleRef Sample, string Local, string Remote);

/// <summary>
/// FiftyOne's upload_media(dataset, remote_dir, rel_dir, media_field, update_filepaths, cache): plans every sample's
/// destination before anything is uploaded, uploads through <see cref="MediaFileOperations.CopyAsync"/> (verified,
/// skip-if-same), then, for that sample alone, rewrites its field in MongoDB, so an interrupted run leaves every
/// sample pointing at a file that exists; -Cache makes the local file the uploaded object's cached copy.
/// </summary>
public sealed class DatasetUpload(MediaFileOperations ops, FiftyOneDataset dataset)
{
    /// <summary>Destinations in sample order: paths under <paramref name="relativeTo"/> keep their subfolders, otherwise basenames (which must be unique).</summary>
    public List<DatasetUploadItem> Plan(IEnumerable<SampleRef> samples, string destination, string? relativeTo)
    {
        var items = new List<DatasetUploadItem>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = relativeTo is null ? null : Path.GetFullPath(relativeTo);
        foreach (var s in samples)
        {
            string rel;
            var folder = destination.EndsWith('/') ? destination : destination + "/";
            if (s.FilePath.StartsWith(folder, StringComparison.Ordinal) && s.FilePath.Length > folder.Length)
                rel = s.FilePath[folder.Length..]; // uploaded by an earlier run (-UpdateFilePath): it stays where it is
            else if (root is not null)
            {
                rel = Path.GetRelativePath(root, s.FilePath).Replace('\\', '/');
                if (rel.StartsWith("../", StringComparison.Ordinal) || rel == ".." || Path.IsPathRooted(rel))
                    throw new OperationException(s.FilePath, $"sample {s.Id}: '{s.FilePath}' is not under -RelativeTo '{root}'", errorId: "NotUnderRelativeTo");
            }
            else rel = Path.GetFileName(s.FilePath);
            var remote = MediaFileOperations.Join(destination, rel, ops.Parse(destination.EndsWith('/') ? destination : destination + "/"));
            if (seen.TryGetValue(remote, out var other))
                throw new OperationException(s.FilePath, $"'{s.FilePath}' and '{other}' would both be uploaded to '{Redact.ForDisplay(remote)}'; use -RelativeTo to keep their folders", errorId: "DuplicateDestination");
            seen[remote] = s.FilePath;
            items.Add(new DatasetUploadItem(s, s.FilePath, remote));
        }
        return items;
    }

    public async Task<TransferResult> UploadAsync(DatasetUploadItem item, TransferOptions options, bool updateFilePath, UploadCacheMode cacheMode,
        OperationProgress? progress, CancellationToken ct)
    {
        if (item.Local == item.Remote)
        {
            // An earlier, interrupted run uploaded it and pointed the sample at it: nothing to upload or update.
            var stat = await ops.StatAsync(item.Remote, ct).ConfigureAwait(false);
            return new TransferResult { Path = item.Remote, Source = item.Local, Status = TransferStatus.Skipped, Size = stat.Size, ETag = stat.ETag, Method = "already uploaded" };
        }
        var r = await ops.CopyAsync(new TransferPair(item.Local, item.Remote), options, progress, ct).ConfigureAwait(false);
        // The upload is verified (or an identical object was already there): only now may the sample point at it.
        if (updateFilePath)
            await dataset.Samples.UpdateOneAsync(new BsonDocument("_id", item.Sample.Id),
                new BsonDocument("$set", new BsonDocument(item.Sample.Field, item.Remote)), cancellationToken: ct).ConfigureAwait(false);
        var local = ops.Parse(item.Local);
        if (cacheMode != UploadCacheMode.None && local.IsLocal)
            await ops.Cache.AdoptAsync(ops.Parse(item.Remote), local.Key, new RemoteStat(r.Size, r.ETag, r.Checksum, DateTimeOffset.UtcNow),
                move: cacheMode == UploadCacheMode.Move && updateFilePath, ct).ConfigureAwait(false);
        return r;
    }
}
