using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// A sample as the cache needs it: its id, its filepath, and whether FiftyOne metadata is set. When it stands for
/// one of the sample's media files, <see cref="FilePath"/> is that file, <see cref="Field"/> the media field it came
/// from, and <see cref="Scene"/> the .fo3d scene that references it (for a 3D asset).
/// </summary>
public sealed record SampleRef(ObjectId Id, string FilePath, string? MediaType, bool HasMetadata)
{
    public string Field { get; init; } = "filepath";
    public string? Scene { get; init; }
    public string? GroupSlice { get; init; }
    public override string ToString() => FilePath;
}

/// <summary>
/// A part of a dataset: samples with any of the tags, and/or whose filepath matches a wildcard, and/or (in a grouped
/// dataset) in one of the group slices.
/// </summary>
public sealed record SampleFilter(IReadOnlyList<string>? Tags = null, string? FilePathLike = null, bool OnlyWithoutMetadata = false,
                                  IReadOnlyList<string>? GroupSlices = null)
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

/// <summary>
/// One FiftyOne dataset: its samples collection, and what its dataset document says about its media
/// (<c>app_config.media_fields</c>; for a grouped dataset <c>group_field</c> and <c>group_media_types</c>).
/// </summary>
public sealed class FiftyOneDataset(string name, ObjectId id, IMongoCollection<BsonDocument> samples, string? mediaType)
{
    public const int BatchSize = 1000; // FiftyOne's own batch size; also what keeps simple servers responsive

    public string Name { get; } = name;
    public ObjectId Id { get; } = id;
    public string? MediaType { get; } = mediaType;
    public IMongoCollection<BsonDocument> Samples { get; } = samples;

    /// <summary>The dataset's media fields (app_config.media_fields); FiftyOne's default is just "filepath".</summary>
    public IReadOnlyList<string> MediaFields { get; init; } = new[] { "filepath" };

    /// <summary>The embedded Group field of a grouped dataset (FiftyOne's group_field), else null.</summary>
    public string? GroupField { get; init; }

    /// <summary>Group slice name to media type (FiftyOne's group_media_types), empty for an ungrouped dataset.</summary>
    public IReadOnlyDictionary<string, string> GroupMediaTypes { get; init; } = new Dictionary<string, string>();

    /// <summary>Samples in _id order (FiftyOne's natural order), fetched 1,000 at a time: memory stays flat for any size.</summary>
    public IEnumerable<SampleRef> Stream(SampleFilter? filter = null, CancellationToken ct = default)
    {
        var projection = new BsonDocument { ["filepath"] = 1, ["_media_type"] = 1, ["metadata._cls"] = 1 };
        var options = new FindOptions<BsonDocument, BsonDocument> { BatchSize = BatchSize, Projection = projection, Sort = new BsonDocument("_id", 1) };
        using var cursor = Samples.FindSync(Query(filter), options, ct);
        while (cursor.MoveNext(ct))
            foreach (var d in cursor.Current)
                yield return new SampleRef(d["_id"].AsObjectId, d.TryGetValue("filepath", out var fp) && fp.IsString ? fp.AsString : "",
                    d.TryGetValue("_media_type", out var mt) && mt.IsString ? mt.AsString : null,
                    d.TryGetValue("metadata", out var md) && md.IsBsonDocument);
    }

    public long Count(SampleFilter? filter = null) => Samples.CountDocuments(Query(filter));

    /// <summary>The Mongo filter of <paramref name="filter"/>, with its group slices checked against the dataset and applied.</summary>
    public BsonDocument Query(SampleFilter? filter)
    {
        var q = (filter ?? new SampleFilter()).ToBson();
        if (filter?.GroupSlices is { Count: > 0 } slices)
        {
            if (GroupField is null)
                throw new DatasetException($"Dataset '{Name}' is not a grouped dataset; -GroupSlice applies to grouped datasets only", DatasetErrorKind.InvalidArgument);
            var unknown = slices.Where(s => !GroupMediaTypes.ContainsKey(s)).ToList();
            if (unknown.Count > 0)
                throw new DatasetException($"Dataset '{Name}' has no group slice {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                                           $"its slices are {string.Join(", ", GroupMediaTypes.Keys)}", DatasetErrorKind.InvalidArgument);
            q[GroupField + ".name"] = new BsonDocument("$in", new BsonArray(slices));
        }
        return q;
    }
}
