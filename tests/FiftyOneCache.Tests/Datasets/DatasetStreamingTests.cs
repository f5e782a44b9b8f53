using System.Diagnostics;
using FiftyOneCache.Engine.Datasets;
using FiftyOneCache.Tests.Infrastructure;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit;
using Xunit.Abstractions;

namespace FiftyOneCache.Tests.Datasets;

/// <summary>Against the harness's MongoDB-wire server (CongoDB): FiftyOne's schema, filters, bounded-memory streaming.</summary>
public class DatasetStreamingTests(ITestOutputHelper output)
{
    static (FiftyOneDatabase Db, string Name) Seed(int count, Func<int, BsonDocument> sample)
    {
        var db = FiftyOneDatabase.Connect(TestServers.Instance.MongoUri);
        var id = ObjectId.GenerateNewId();
        var name = $"stream-{id}";
        db.Datasets.InsertOne(new BsonDocument
        {
            ["_id"] = id, ["name"] = name, ["slug"] = name, ["version"] = "1.3.0", ["media_type"] = "image",
            ["sample_collection_name"] = $"samples.{id}", ["created_at"] = DateTime.UtcNow,
        });
        var coll = db.Database.GetCollection<BsonDocument>($"samples.{id}");
        for (var start = 0; start < count; start += 1000)
            coll.InsertMany(Enumerable.Range(start, Math.Min(1000, count - start)).Select(i =>
            {
                var d = sample(i);
                d["_id"] = ObjectId.GenerateNewId();
                d["_dataset_id"] = id;
                return d;
            }));
        return (db, name);
    }

    [Fact]
    public void StreamsInSampleOrderWithFilters()
    {
        var (db, name) = Seed(10, i => new BsonDocument
        {
            ["filepath"] = $"s3://bucket/img/{i:d3}.jpg", ["tags"] = new BsonArray(i % 2 == 0 ? new[] { "even" } : new[] { "odd" }),
            ["metadata"] = i == 4 ? new BsonDocument("_cls", "ImageMetadata") : BsonNull.Value,
        });
        var ds = db.Open(name);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"s3://bucket/img/{i:d3}.jpg"), ds.Stream().Select(s => s.FilePath));
        Assert.Equal(5, ds.Stream(new SampleFilter(Tags: new[] { "even" })).Count());
        Assert.Equal(new[] { "s3://bucket/img/007.jpg" }, ds.Stream(new SampleFilter(FilePathLike: "*/007.jpg")).Select(s => s.FilePath));
        Assert.Equal(9, ds.Stream(new SampleFilter(OnlyWithoutMetadata: true)).Count());
    }

    [Fact]
    public void UnknownDatasetsAndDeadServersGiveOneClearError()
    {
        var db = FiftyOneDatabase.Connect(TestServers.Instance.MongoUri);
        var e = Assert.Throws<DatasetException>(() => db.Open("no-such-dataset"));
        Assert.Equal(DatasetErrorKind.NotFound, e.Kind);
        Assert.Contains("no-such-dataset", e.Message);
        var down = Assert.Throws<DatasetException>(() => FiftyOneDatabase.Connect("mongodb://u:SECRET-PW@127.0.0.1:1", timeout: TimeSpan.FromSeconds(1)));
        Assert.Equal(DatasetErrorKind.Connection, down.Kind);
        Assert.DoesNotContain("SECRET-PW", down.Message);
    }

    [Fact]
    public void TwentyThousandSamplesStreamInBoundedMemory()
    {
        var (db, name) = Seed(20_000, i => new BsonDocument
        {
            ["filepath"] = $"s3://bucket/large/{i:d6}/{new string('x', 200)}.jpg", ["tags"] = new BsonArray { "t" }, ["metadata"] = BsonNull.Value,
        });
        var ds = db.Open(name);
        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        long peak = 0, count = 0;
        var sw = Stopwatch.StartNew();
        foreach (var s in ds.Stream())
        {
            if (++count % 500 == 0) peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
        }
        output.WriteLine($"streamed {count} samples in {sw.ElapsedMilliseconds} ms; peak managed growth {peak / 1024 / 1024.0:F1} MiB");
        Assert.Equal(20_000, count);
        // All 20k rows with their 220-byte paths would hold well over 8 MiB at once; batches of 1,000 do not.
        Assert.True(peak < 48L << 20, $"peak managed growth {peak} bytes");
    }
}
