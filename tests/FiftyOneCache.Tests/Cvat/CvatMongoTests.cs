using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Cvat;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Tests.Infrastructure;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit;
using Xunit.Abstractions;

namespace FiftyOneCache.Tests.Cvat;

/// <summary>A cloud-manifest run end to end with the dataset and the run record in the harness's MongoDB.</summary>
[Collection("cvat")]
public sealed class CvatMongoTests(CvatFake fake, ITestOutputHelper output) : IDisposable
{
    readonly TempDir _dir = new("foc-cvat-mongo");

    [MongoFact]
    public async Task A_cloud_manifest_run_of_a_tagged_view_is_recorded_in_the_FiftyOne_database()
    {
        await fake.ResetAsync("s3cret-Pa55");
        var db = new MongoClient(MongoFactAttribute.MongoUri).GetDatabase($"foc_cvat_{Guid.NewGuid():N}"[..20]);
        var dsId = ObjectId.GenerateNewId();
        var keys = new[] { "day/0001.jpg", "day/0002.jpg", "night/0003.jpg" };
        await db.GetCollection<BsonDocument>("datasets").InsertOneAsync(new BsonDocument
        {
            ["_id"] = dsId, ["name"] = "street", ["version"] = "1.3.0", ["media_type"] = "image",
            ["sample_collection_name"] = $"samples.{dsId}", ["annotation_runs"] = new BsonDocument(),
        });
        var sampleIds = keys.Select(_ => ObjectId.GenerateNewId()).ToArray();
        await db.GetCollection<BsonDocument>($"samples.{dsId}").InsertManyAsync(keys.Select((k, i) => new BsonDocument
        {
            ["_id"] = sampleIds[i], ["filepath"] = $"s3://media/{k}", ["_media_type"] = "image",
            ["tags"] = new BsonArray { k.StartsWith("day", StringComparison.Ordinal) ? "day" : "night" },
        }));
        var s3 = new MemoryStore("s3");
        var manifest = Manifests.Images(keys);
        s3.Put("media", "manifest.jsonl", manifest);
        await fake.AttachStorageAsync("media", manifest);
        var config = new CacheConfig { CacheDir = _dir.Sub("cache"), NumWorkers = 2 };
        var stores = new StoreRegistry(config, NullLog.Instance);
        stores.Register("s3", () => s3);
        using var cache = MediaCache.Open(config, NullLog.Instance, stores);
        using var cvat = new CvatClient(fake.Url, new CvatClientOptions { Username = "annotator", Password = "s3cret-Pa55", PollInterval = TimeSpan.FromMilliseconds(20) });
        var store = new MongoAnnotationDatasetStore(db, ["day"]);
        var job = new CvatAnnotationJob(cache, cvat, store);
        var request = new AnnotationRequest
        {
            AnnotationKey = "day_boxes", LabelField = "ground_truth", LabelType = "detections", Classes = ["car", "person"],
            UseBucketManifest = true, SegmentSize = 1, ProjectName = "Street",
        };

        var outcome = await job.RunAsync(await job.PrepareAsync(request, "street", true, null, default), null, default);

        var ds = await db.GetCollection<BsonDocument>("datasets").Find(new BsonDocument("_id", dsId)).FirstAsync();
        var run = await db.GetCollection<BsonDocument>("runs").Find(new BsonDocument("_id", ds["annotation_runs"]["day_boxes"])).FirstAsync();
        var chunks = await db.GetCollection<BsonDocument>("fs.chunks").Find(new BsonDocument("files_id", run["results"])).Sort(new BsonDocument("n", 1)).ToListAsync();
        var results = JsonNode.Parse(string.Concat(chunks.Select(c => System.Text.Encoding.UTF8.GetString(c["data"].AsByteArray))))!;
        Assert.Equal(dsId, run["_dataset_id"].AsObjectId);
        Assert.Contains("fiftyone.core.stages.MatchTags", run["view_stages"][0].AsString);
        Assert.True(run["config"]["cloud_manifest"].AsBoolean);
        var task = outcome.TaskIds[0].ToString();
        Assert.Equal(sampleIds[1].ToString(), results["frame_id_map"]![task]!["1"]!["sample_id"]!.GetValue<string>());
        Assert.Equal(2, results["job_ids"]![task]!.AsArray().Count); // segment size 1, two day samples
        Assert.Equal(outcome.ProjectId, results["project_ids"]![0]!.GetValue<int>());

        foreach (var l in CvatFake.Summary(await fake.LogAsync())) output.WriteLine(l);
        var pretty = new MongoDB.Bson.IO.JsonWriterSettings { Indent = true, OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson };
        output.WriteLine("datasets.annotation_runs: " + ds["annotation_runs"].ToJson(pretty));
        output.WriteLine("runs: " + run.ToJson(pretty));
        output.WriteLine("fs results: " + results.ToJsonString());
        await db.Client.DropDatabaseAsync(db.DatabaseNamespace.DatabaseName);
    }

    public void Dispose() => _dir.Dispose();
}
