using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// <see cref="IAnnotationDatasetStore"/> over a FiftyOne MongoDB database. Samples are read by the shared dataset
/// reader (<see cref="Datasets.FiftyOneDataset"/>), in _id order as FiftyOne iterates them. Writing the run is <see cref="FiftyOneAnnotationRuns"/>.
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

    public Task<AnnotationDataset> LoadAsync(string datasetName, CancellationToken ct)
    {
        Datasets.FiftyOneDataset ds;
        try { ds = Datasets.FiftyOneDatabase.From(_db).Open(datasetName); }
        catch (Datasets.DatasetException e) { throw new AnnotationValidationException(e.Message, ErrorKind.ObjectNotFound); }
        var doc = _db.GetCollection<BsonDocument>("datasets").Find(new BsonDocument("_id", ds.Id)).First(ct);
        var samples = ds.Stream(new Datasets.SampleFilter(_tags), ct)
            .Select(s => new AnnotationSample(s.Id.ToString(), s.FilePath, s.MediaType)).ToList();
        return Task.FromResult(new AnnotationDataset
        {
            Name = datasetName, Id = ds.Id.ToString(), Samples = samples, MediaType = ds.MediaType,
            Version = doc.TryGetValue("version", out var v) && v.IsString ? v.AsString : null,
            ViewStages = _tags is null ? null : [MatchTagsStage(_tags)],
        });
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
