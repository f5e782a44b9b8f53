using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// <see cref="IAnnotationDatasetStore"/> over a FiftyOne MongoDB database. Loading samples is a stop-gap until
/// the datasets reader (FiftyOneCache.Engine.Datasets) lands: only the few fields the run needs are read
/// (datasets.name/_id/media_type/version/sample_collection_name; samples _id/filepath/_media_type, in _id order,
/// as FiftyOne iterates them). Writing the run is <see cref="FiftyOneAnnotationRuns"/>.
/// </summary>
public sealed class MongoAnnotationDatasetStore : IAnnotationDatasetStore
{
    readonly IMongoDatabase _db;
    readonly IReadOnlyList<string>? _tags;

    /// <param name="tags">Only samples with any of these tags (FiftyOne's match_tags), recorded as the run's view.</param>
    public MongoAnnotationDatasetStore(IMongoDatabase db, IReadOnlyList<string>? tags = null)
    {
        _db = db;
        _tags = tags is { Count: > 0 } ? tags : null;
    }

    /// <summary>The database FiftyOne uses: FIFTYONE_DATABASE_NAME, else "fiftyone".</summary>
    public static MongoAnnotationDatasetStore Connect(string uri, IReadOnlyList<string>? tags = null)
    {
        var client = new MongoClient(uri);
        var name = new MongoUrl(uri).DatabaseName is { Length: > 0 } n ? n
            : Environment.GetEnvironmentVariable("FIFTYONE_DATABASE_NAME") is { Length: > 0 } e ? e : "fiftyone";
        return new MongoAnnotationDatasetStore(client.GetDatabase(name), tags);
    }

    public async Task<AnnotationDataset> LoadAsync(string datasetName, CancellationToken ct)
    {
        var doc = await _db.GetCollection<BsonDocument>("datasets").Find(new BsonDocument("name", datasetName)).FirstOrDefaultAsync(ct).ConfigureAwait(false)
            ?? throw new AnnotationValidationException($"Dataset '{datasetName}' not found in database '{_db.DatabaseNamespace.DatabaseName}'", Cache.ErrorKind.ObjectNotFound);
        var filter = _tags is null ? new BsonDocument() : new BsonDocument("tags", new BsonDocument("$in", new BsonArray(_tags)));
        var samples = new List<AnnotationSample>();
        var coll = _db.GetCollection<BsonDocument>(doc["sample_collection_name"].AsString);
        var projection = new BsonDocument { ["filepath"] = 1, ["_media_type"] = 1 };
        using (var cursor = await coll.Find(filter).Project(projection).Sort(new BsonDocument("_id", 1)).ToCursorAsync(ct).ConfigureAwait(false))
            while (await cursor.MoveNextAsync(ct).ConfigureAwait(false))
                foreach (var s in cursor.Current)
                    samples.Add(new AnnotationSample(s["_id"].ToString()!, s.GetValue("filepath", "").AsString,
                        s.TryGetValue("_media_type", out var mt) && mt.IsString ? mt.AsString : null));
        return new AnnotationDataset
        {
            Name = datasetName, Id = doc["_id"].ToString()!, Samples = samples,
            MediaType = doc.TryGetValue("media_type", out var m) && m.IsString ? m.AsString : null,
            Version = doc.TryGetValue("version", out var v) && v.IsString ? v.AsString : null,
            ViewStages = _tags is null ? null : [MatchTagsStage(_tags)],
        };
    }

    /// <summary>FiftyOne's serialized MatchTags stage (fiftyone.core.stages, json_util string, no _uuid) so load_annotation_view() rebuilds the view.</summary>
    static string MatchTagsStage(IReadOnlyList<string> tags) => new BsonDocument
    {
        ["_cls"] = "fiftyone.core.stages.MatchTags",
        ["kwargs"] = new BsonArray { new BsonArray { "tags", new BsonArray(tags) }, new BsonArray { "bool", true }, new BsonArray { "all", false } },
    }.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson });

    public Task<bool> HasAnnotationRunAsync(AnnotationDataset dataset, string annoKey, CancellationToken ct) =>
        FiftyOneAnnotationRuns.ExistsAsync(_db, ObjectId.Parse(dataset.Id), annoKey, ct);

    public Task SaveAnnotationRunAsync(AnnotationDataset dataset, AnnotationRunRecord record, CancellationToken ct) =>
        FiftyOneAnnotationRuns.SaveAsync(_db, ObjectId.Parse(dataset.Id), record, ct);
}
