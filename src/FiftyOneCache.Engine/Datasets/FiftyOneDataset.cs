using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>A sample as the cache needs it: its id, its filepath, and whether FiftyOne metadata is set.</summary>
public sealed record SampleRef(ObjectId Id, string FilePath, string? MediaType, bool HasMetadata)
{
    public override string ToString() => FilePath;
}

/// <summary>A part of a dataset: samples with any of the tags, and/or whose filepath matches a wildcard.</summary>
public sealed record SampleFilter(IReadOnlyList<string>? Tags = null, string? FilePathLike = null, bool OnlyWithoutMetadata = false)
{
    public BsonDocument ToBson()
    {
        var f = new BsonDocument();
        if (Tags is { Count: > 0 }) f["tags"] = new BsonDocument("$in", new BsonArray(Tags));
        if (!string.IsNullOrEmpty(FilePathLike))
            f["filepath"] = new BsonRegularExpression("^" + Regex.Escape(FilePathLike).Replace("\\*", ".*").Replace("\\?", ".") + "$");
        if (OnlyWithoutMetadata) f["metadata"] = BsonNull.Value; // matches null and missing, as FiftyOne's exists("metadata", False)
        return f;
    }
}

public sealed class FiftyOneDataset(string name, ObjectId id, IMongoCollection<BsonDocument> samples, string? mediaType)
{
    public const int BatchSize = 1000; // FiftyOne's own batch size; also what keeps simple servers responsive

    public string Name { get; } = name;
    public ObjectId Id { get; } = id;
    public string? MediaType { get; } = mediaType;
    public IMongoCollection<BsonDocument> Samples { get; } = samples;

    /// <summary>Samples in _id order (FiftyOne's natural order), fetched 1,000 at a time: memory stays flat for any size.</summary>
    public IEnumerable<SampleRef> Stream(SampleFilter? filter = null, CancellationToken ct = default)
    {
        var projection = new BsonDocument { ["filepath"] = 1, ["_media_type"] = 1, ["metadata._cls"] = 1 };
        var options = new FindOptions<BsonDocument, BsonDocument> { BatchSize = BatchSize, Projection = projection, Sort = new BsonDocument("_id", 1) };
        using var cursor = Samples.FindSync((filter ?? new SampleFilter()).ToBson(), options, ct);
        while (cursor.MoveNext(ct))
            foreach (var d in cursor.Current)
                yield return new SampleRef(d["_id"].AsObjectId, d.TryGetValue("filepath", out var fp) && fp.IsString ? fp.AsString : "",
                    d.TryGetValue("_media_type", out var mt) && mt.IsString ? mt.AsString : null,
                    d.TryGetValue("metadata", out var md) && md.IsBsonDocument);
    }

    public long Count(SampleFilter? filter = null) => Samples.CountDocuments((filter ?? new SampleFilter()).ToBson());
}
