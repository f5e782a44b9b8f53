using FiftyOneCache.Engine.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// FiftyOne's MongoDB database, read the way FiftyOne writes it (schema matched to voxel51/fiftyone v1.x,
/// fiftyone/core/odm/dataset.py DatasetDocument and core/odm/sample.py): a "datasets" collection with one
/// document per dataset (name, sample_collection_name, media_type, annotation_runs, ...) and one samples
/// collection per dataset (_id, filepath, tags, metadata, _media_type, ...). Only standard driver operations.
/// </summary>
public sealed class FiftyOneDatabase
{
    public const string DefaultUri = "mongodb://localhost:27017";

    FiftyOneDatabase(IMongoDatabase db, string displayUri)
    {
        Database = db;
        DisplayUri = displayUri;
    }

    public IMongoDatabase Database { get; }

    /// <summary>The URI with its password masked, for messages.</summary>
    public string DisplayUri { get; }

    /// <summary>
    /// Connects with FiftyOne's settings (explicit URI, else FIFTYONE_DATABASE_URI, else localhost; database
    /// FIFTYONE_DATABASE_NAME or "fiftyone") and checks the server answers, so that a server that is down or
    /// refuses the credentials gives one clear error instead of a timeout per query.
    /// </summary>
    public static FiftyOneDatabase Connect(string? uri = null, Func<string, string?>? env = null, TimeSpan? timeout = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        uri ??= env("FIFTYONE_DATABASE_URI") is { Length: > 0 } u ? u : DefaultUri;
        var display = Redact.ForDisplay(uri);
        MongoUrl url;
        try { url = new MongoUrl(uri); }
        catch (Exception e) { throw new DatasetException($"'{display}' is not a valid MongoDB URI: {Redact.ForDisplay(e.Message)}", DatasetErrorKind.Connection); }
        var settings = MongoClientSettings.FromUrl(url);
        // The driver waits 30 s by default before saying a server is down; a URI that sets its own timeout keeps it.
        if (timeout is not null || url.ServerSelectionTimeout == MongoDefaults.ServerSelectionTimeout)
            settings.ServerSelectionTimeout = timeout ?? TimeSpan.FromSeconds(8);
        if (timeout is not null || url.ConnectTimeout == MongoDefaults.ConnectTimeout)
            settings.ConnectTimeout = timeout ?? TimeSpan.FromSeconds(8);
        var name = url.DatabaseName is { Length: > 0 } n ? n : env("FIFTYONE_DATABASE_NAME") is { Length: > 0 } e2 ? e2 : "fiftyone";
        var db = new MongoClient(settings).GetDatabase(name);
        try
        {
            db.RunCommand<BsonDocument>(new BsonDocument("ping", 1));
        }
        catch (MongoAuthenticationException)
        {
            throw new DatasetException($"MongoDB at {display} refused the credentials in the URI", DatasetErrorKind.Authentication);
        }
        catch (Exception e) when (e is TimeoutException or MongoException)
        {
            throw new DatasetException($"Cannot reach the FiftyOne database at {display}: {FirstLine(Redact.ForDisplay(e.Message))}", DatasetErrorKind.Connection);
        }
        return new FiftyOneDatabase(db, display);
    }

    /// <summary>Wraps a database handle the caller already holds (the CVAT run writer shares it).</summary>
    public static FiftyOneDatabase From(IMongoDatabase db) => new(db, db.Client.Settings.Server.ToString());

    public IMongoCollection<BsonDocument> Datasets => Database.GetCollection<BsonDocument>("datasets");

    public List<string> DatasetNames() =>
        Datasets.Find(FilterDefinition<BsonDocument>.Empty).Project(new BsonDocument("name", 1)).Sort(new BsonDocument("name", 1))
            .ToList().Select(d => d.GetValue("name", "").AsString).Where(n => n.Length > 0).ToList();

    public FiftyOneDataset Open(string name)
    {
        var doc = Datasets.Find(new BsonDocument("name", name)).FirstOrDefault()
            ?? throw new DatasetException($"Dataset '{name}' not found in {DisplayUri} (database '{Database.DatabaseNamespace.DatabaseName}'); " +
                                          $"known datasets: {string.Join(", ", DatasetNames().Take(20))}", DatasetErrorKind.NotFound);
        if (!doc.TryGetValue("sample_collection_name", out var coll) || !coll.IsString)
            throw new DatasetException($"Dataset '{name}' has no sample_collection_name; it was not written by FiftyOne", DatasetErrorKind.InvalidSchema);
        return new FiftyOneDataset(name, doc["_id"].AsObjectId, Database.GetCollection<BsonDocument>(coll.AsString),
            doc.TryGetValue("media_type", out var mt) && mt.IsString ? mt.AsString : null)
        {
            MediaFields = MediaFieldsOf(doc),
            GroupField = doc.TryGetValue("group_field", out var gf) && gf.IsString ? gf.AsString : null,
            GroupMediaTypes = doc.TryGetValue("group_media_types", out var gm) && gm.IsBsonDocument
                ? gm.AsBsonDocument.Elements.Where(e => e.Value.IsString).ToDictionary(e => e.Name, e => e.Value.AsString)
                : new Dictionary<string, string>(),
        };
    }

    /// <summary>
    /// FiftyOne's DatasetAppConfig.media_fields (default ["filepath"]); filepath is always a media field, as FiftyOne
    /// keeps it first.
    /// </summary>
    static IReadOnlyList<string> MediaFieldsOf(BsonDocument doc)
    {
        var fields = new List<string> { "filepath" };
        if (doc.TryGetValue("app_config", out var ac) && ac.IsBsonDocument
            && ac.AsBsonDocument.TryGetValue("media_fields", out var mf) && mf.IsBsonArray)
            fields.AddRange(mf.AsBsonArray.Where(v => v.IsString).Select(v => v.AsString).Where(f => f.Length > 0 && !fields.Contains(f)));
        return fields;
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}

public enum DatasetErrorKind { Connection, Authentication, NotFound, InvalidSchema, InvalidArgument }

/// <summary>One failure of the dataset layer, with the database URI's password already masked.</summary>
public sealed class DatasetException(string message, DatasetErrorKind kind) : Exception(message)
{
    public DatasetErrorKind Kind { get; } = kind;
}
