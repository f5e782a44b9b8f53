using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using FiftyOneCache.Engine.Cvat;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Tests.Cvat;

/// <summary>
/// A bucket store held in memory, registered as "s3" (or "gs") so the cache downloads manifests and media
/// through its real code path without an object-storage server.
/// </summary>
public sealed class MemoryStore(string name) : IObjectStore
{
    readonly ConcurrentDictionary<string, byte[]> _objects = new();
    public string Name { get; } = name;
    public int Reads;

    public void Put(string bucket, string key, byte[] data) => _objects[$"{bucket}/{key}"] = data;
    public void Put(string bucket, string key, string text) => Put(bucket, key, Encoding.UTF8.GetBytes(text));

    public Task<RemoteStat> StatAsync(MediaRef item, CancellationToken ct) =>
        _objects.TryGetValue($"{item.Bucket}/{item.Key}", out var d)
            ? Task.FromResult(new RemoteStat(d.Length, Convert.ToHexString(MD5.HashData(d)).ToLowerInvariant(), null, DateTimeOffset.UtcNow))
            : Task.FromException<RemoteStat>(new StoreException(StoreErrorKind.NotFound, $"{item.Canonical} not found", status: 404));

    public Task<Stream> OpenReadAsync(MediaRef item, RemoteStat expected, ByteRange? range, CancellationToken ct)
    {
        Interlocked.Increment(ref Reads);
        var d = _objects[$"{item.Bucket}/{item.Key}"];
        Stream s = range is { } r ? new MemoryStream(d, (int)r.From, (int)r.Length) : new MemoryStream(d);
        return Task.FromResult(s);
    }

    public async IAsyncEnumerable<ListedItem> ListAsync(MediaRef prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var k in _objects.Keys.Where(k => k.StartsWith($"{prefix.Bucket}/{prefix.Key}", StringComparison.Ordinal)).Order())
            yield return new ListedItem(MediaPathParser.Bucketed($"{Name}://{k}", Name, k), null);
    }

    public string DescribeCredentials() => "in-memory test store";
}

/// <summary>Datasets and the runs written to them, in memory (the MongoDB store is tested separately).</summary>
public sealed class MemoryDatasetStore : IAnnotationDatasetStore
{
    public Dictionary<string, AnnotationDataset> Datasets { get; } = new();
    public Dictionary<(string Dataset, string Key), AnnotationRunRecord> Runs { get; } = new();

    public AnnotationDataset Add(string name, IEnumerable<string> filepaths, string mediaType = "image")
    {
        var samples = filepaths.Select((p, i) => new AnnotationSample($"65a1{i:x20}", p, mediaType)).ToList();
        var ds = new AnnotationDataset { Name = name, Id = "65a0000000000000000000aa", MediaType = mediaType, Version = "1.3.0", Samples = samples };
        Datasets[name] = ds;
        return ds;
    }

    public Task<AnnotationDataset> LoadAsync(string datasetName, CancellationToken ct) => Task.FromResult(Datasets[datasetName]);
    public Task<bool> HasAnnotationRunAsync(AnnotationDataset dataset, string annoKey, CancellationToken ct) => Task.FromResult(Runs.ContainsKey((dataset.Name, annoKey)));
    public Task SaveAnnotationRunAsync(AnnotationDataset dataset, AnnotationRunRecord record, CancellationToken ct)
    {
        Runs[(dataset.Name, record.Key)] = record;
        return Task.CompletedTask;
    }
}

public static class Manifests
{
    /// <summary>A CVAT images manifest (version 1.1) listing the given names relative to the manifest's directory.</summary>
    public static string Images(IEnumerable<string> names)
    {
        var sb = new StringBuilder("{\"version\":\"1.1\"}\n{\"type\":\"images\"}\n");
        foreach (var n in names)
        {
            var ext = Path.GetExtension(n);
            sb.Append($"{{\"name\":\"{n[..^ext.Length]}\",\"extension\":\"{ext}\",\"width\":640,\"height\":480,\"meta\":{{\"related_images\":[]}}}}\n");
        }
        return sb.ToString();
    }
}
