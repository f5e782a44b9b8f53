using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>Writes computed metadata back in unordered bulk writes of at most 1,000 updates, as FiftyOne batches.</summary>
public sealed class MetadataWriter(FiftyOneDataset dataset)
{
    readonly List<WriteModel<BsonDocument>> _pending = new();

    public long Written { get; private set; }

    /// <summary>Takes the sample itself so that callers outside this assembly never touch MongoDB types.</summary>
    public void Add(SampleRef sample, MediaMetadata metadata)
    {
        _pending.Add(new UpdateOneModel<BsonDocument>(new BsonDocument("_id", sample.Id),
            new BsonDocument("$set", new BsonDocument { ["metadata"] = metadata.ToBson(), ["last_modified_at"] = DateTime.UtcNow })));
        if (_pending.Count >= FiftyOneDataset.BatchSize) Flush();
    }

    public void Flush()
    {
        if (_pending.Count == 0) return;
        dataset.Samples.BulkWrite(_pending, new BulkWriteOptions { IsOrdered = false });
        Written += _pending.Count;
        _pending.Clear();
    }
}
