using FiftyOneCache.Engine.Datasets;
using FiftyOneCache.Tests.Infrastructure;
using MongoDB.Bson;
using Xunit;

namespace FiftyOneCache.Tests.Datasets;

/// <summary>
/// A sample's media as FiftyOne sees them, against the harness's MongoDB-wire server: datasets are seeded as
/// FiftyOne writes them (dataset document with app_config, group_field/group_media_types/default_group_slice;
/// samples with their Group embedded document and .fo3d scenes).
/// </summary>
public class DatasetMediaTests
{
    /// <summary>A dataset document in FiftyOne's schema (fiftyone/core/odm/dataset.py) plus its samples.</summary>
    static FiftyOneDataset Seed(string mediaType, IEnumerable<BsonDocument> samples, string[]? mediaFields = null,
                                (string Field, Dictionary<string, string> Slices, string Default)? group = null)
    {
        var db = FiftyOneDatabase.Connect(TestServers.Instance.MongoUri);
        var id = ObjectId.GenerateNewId();
        var name = $"media-{id}";
        var fields = new BsonArray(mediaFields ?? new[] { "filepath" });
        var doc = new BsonDocument
        {
            ["_id"] = id, ["name"] = name, ["slug"] = name, ["version"] = "1.3.0", ["media_type"] = mediaType,
            ["sample_collection_name"] = $"samples.{id}", ["created_at"] = DateTime.UtcNow,
            ["app_config"] = new BsonDocument
            {
                ["color_scheme"] = BsonNull.Value, ["grid_media_field"] = fields.Last(), ["media_fields"] = fields,
                ["modal_media_field"] = "filepath", ["media_fallback"] = false, ["sidebar_groups"] = BsonNull.Value, ["plugins"] = new BsonDocument(),
            },
            ["group_field"] = group is null ? BsonNull.Value : group.Value.Field,
            ["group_media_types"] = group is null ? new BsonDocument() : new BsonDocument(group.Value.Slices.ToDictionary(k => k.Key, k => (object)k.Value)),
            ["default_group_slice"] = group is null ? BsonNull.Value : group.Value.Default,
        };
        db.Datasets.InsertOne(doc);
        var coll = db.Database.GetCollection<BsonDocument>($"samples.{id}");
        coll.InsertMany(samples.Select(d =>
        {
            d["_id"] = ObjectId.GenerateNewId();
            d["_dataset_id"] = id;
            d["tags"] = d.GetValue("tags", new BsonArray());
            d["metadata"] = BsonNull.Value;
            d["_media_type"] = d.GetValue("_media_type", mediaType);
            return d;
        }).ToList());
        return db.Open(name);
    }

    static BsonDocument Group(ObjectId id, string slice) => new() { ["_id"] = id, ["_cls"] = "Group", ["name"] = slice };

    [Fact]
    public void EveryMediaFieldInAppConfigIsTakenByDefaultAndSamplesWithoutOneAreSkipped()
    {
        var ds = Seed("image", new[]
        {
            new BsonDocument { ["filepath"] = "s3://b/img/1.jpg", ["thumbnail_path"] = "s3://b/thumb/1.jpg" },
            new BsonDocument { ["filepath"] = "s3://b/img/2.jpg" }, // no thumbnail: skipped for that field
            new BsonDocument { ["filepath"] = "s3://b/img/3.jpg", ["thumbnail_path"] = BsonNull.Value },
        }, mediaFields: new[] { "filepath", "thumbnail_path" });
        Assert.Equal(new[] { "filepath", "thumbnail_path" }, ds.MediaFields);
        var reader = new DatasetMediaReader(ds);
        var all = reader.Stream(new SampleFilter(), new MediaSelection()).ToList();
        Assert.Equal(new[] { "s3://b/img/1.jpg", "s3://b/thumb/1.jpg", "s3://b/img/2.jpg", "s3://b/img/3.jpg" }, all.Select(s => s.FilePath));
        Assert.Equal(new[] { "filepath", "thumbnail_path", "filepath", "filepath" }, all.Select(s => s.Field));
        Assert.Equal(all[0].Id, all[1].Id);
        Assert.Equal(new[] { "s3://b/thumb/1.jpg" },
            reader.Stream(new SampleFilter(), new MediaSelection(new[] { "thumbnail_path" })).Select(s => s.FilePath));
        var e = Assert.Throws<DatasetException>(() => reader.FieldsFor(new MediaSelection(new[] { "thumbnails" })));
        Assert.Contains("'thumbnails'", e.Message);
        Assert.Contains("filepath, thumbnail_path", e.Message);
    }

    [Fact]
    public void ADatasetWithoutAppConfigHasFilepathOnly()
    {
        var db = FiftyOneDatabase.Connect(TestServers.Instance.MongoUri);
        var id = ObjectId.GenerateNewId();
        db.Datasets.InsertOne(new BsonDocument { ["_id"] = id, ["name"] = $"bare-{id}", ["sample_collection_name"] = $"samples.{id}", ["media_type"] = "image" });
        Assert.Equal(new[] { "filepath" }, db.Open($"bare-{id}").MediaFields);
    }

    [Fact]
    public void GroupedDatasetsGiveEverySliceByDefaultAndTheChosenOnesOnRequest()
    {
        var groups = Enumerable.Range(0, 3).Select(_ => ObjectId.GenerateNewId()).ToList();
        var ds = Seed("group", groups.SelectMany((g, i) => new[]
        {
            new BsonDocument { ["filepath"] = $"s3://b/left/{i}.jpg", ["group"] = Group(g, "left"), ["_media_type"] = "image" },
            new BsonDocument { ["filepath"] = $"s3://b/right/{i}.jpg", ["group"] = Group(g, "right"), ["_media_type"] = "image" },
        }), group: ("group", new() { ["left"] = "image", ["right"] = "image" }, "left"));
        var reader = new DatasetMediaReader(ds);
        var all = reader.Stream(new SampleFilter(), new MediaSelection()).ToList();
        Assert.Equal(6, all.Count);
        Assert.Equal(3, all.Count(s => s.GroupSlice == "right"));
        var right = reader.Stream(new SampleFilter(GroupSlices: new[] { "right" }), new MediaSelection()).Select(s => s.FilePath).ToList();
        Assert.Equal(new[] { "s3://b/right/0.jpg", "s3://b/right/1.jpg", "s3://b/right/2.jpg" }, right);
        Assert.Equal(3, ds.Count(new SampleFilter(GroupSlices: new[] { "left" })));
        var e = Assert.Throws<DatasetException>(() => ds.Query(new SampleFilter(GroupSlices: new[] { "center" })));
        Assert.Contains("'center'", e.Message);
        Assert.Contains("left, right", e.Message);
        var flat = Seed("image", new[] { new BsonDocument("filepath", "s3://b/x.jpg") });
        Assert.Contains("not a grouped dataset", Assert.Throws<DatasetException>(() => flat.Query(new SampleFilter(GroupSlices: new[] { "left" }))).Message);
    }

    const string Scene = """
        {"_type": "Scene", "name": "Scene", "visible": true, "children": [
            {"_type": "PointCloud", "name": "points", "pcdPath": "../pcd/points.pcd", "children": []},
            {"_type": "ObjMesh", "name": "mesh", "objPath": "meshes/m.obj", "mtlPath": "meshes/m.mtl",
             "children": [{"_type": "GltfMesh", "name": "nested", "gltf_path": "s3://other/x.gltf", "children": []}]},
            {"_type": "PointCloud", "name": "again", "pcdPath": "../pcd/points.pcd", "children": []}],
         "background": {"color": "#000", "image": "bg.png", "cube": null, "intensity": 1.0},
         "camera": {"position": null, "up": "Y"}, "lights": null, "fo3d_version": "1.0"}
        """;

    [Fact]
    public void ASceneIsFollowedByItsAssetsResolvedAgainstTheScenesLocation()
    {
        var ds = Seed("3d", new[]
        {
            new BsonDocument { ["filepath"] = "s3://b/scenes/a.fo3d" },
            new BsonDocument { ["filepath"] = "s3://b/scenes/broken.fo3d" },
        });
        var read = new List<string>();
        var reader = new DatasetMediaReader(ds)
        {
            ReadScene = p => { read.Add(p); return p.EndsWith("a.fo3d") ? Scene : "{not json"; },
            Warn = _ => { },
        };
        var items = reader.Stream(new SampleFilter(), new MediaSelection()).ToList();
        Assert.Equal(new[]
        {
            "s3://b/scenes/a.fo3d", "s3://b/pcd/points.pcd", "s3://b/scenes/meshes/m.obj", "s3://b/scenes/meshes/m.mtl",
            "s3://other/x.gltf", "s3://b/scenes/bg.png", "s3://b/scenes/broken.fo3d",
        }, items.Select(i => i.FilePath));
        Assert.All(items.Skip(1).Take(5), i => Assert.Equal("s3://b/scenes/a.fo3d", i.Scene));
        Assert.Null(items[0].Scene);
        Assert.Equal(new[] { "s3://b/scenes/a.fo3d", "s3://b/scenes/broken.fo3d" },
            reader.Stream(new SampleFilter(), new MediaSelection(IncludeAssets: false)).Select(i => i.FilePath));
    }

    [Fact]
    public void ForADownloadTheSceneGoesFirstAndItsAssetsFollowOnceItsCopyIsThere()
    {
        var ds = Seed("3d", new[]
        {
            new BsonDocument { ["filepath"] = "s3://b/scenes/a.fo3d" },
            new BsonDocument { ["filepath"] = "s3://b/scenes/c.fo3d" },
            new BsonDocument { ["filepath"] = "s3://b/scenes/d.fo3d" },
        });
        var downloaded = new HashSet<string>(); // what the command's pipeline has finished, as a peek would see it
        var fetched = new List<string>();
        var reader = new DatasetMediaReader(ds)
        {
            DeferAssets = true,
            PeekScene = p => downloaded.Contains(p) ? Scene : null,
            ReadScene = p => { fetched.Add(p); return Scene; },
        };
        var order = new List<string>();
        foreach (var item in reader.Stream(new SampleFilter(), new MediaSelection()))
        {
            order.Add(item.FilePath);
            if (item.FilePath.EndsWith("a.fo3d")) downloaded.Add(item.FilePath); // a's download ends before the next sample
        }
        Assert.Equal("s3://b/scenes/a.fo3d", order[0]);
        Assert.Equal("s3://b/pcd/points.pcd", order[1]); // a's assets, as soon as a's copy was seen
        Assert.Equal("s3://b/scenes/c.fo3d", order[6]);
        Assert.Equal("s3://b/scenes/d.fo3d", order[7]);  // c and d were still downloading: their assets come at the end
        Assert.Equal("s3://b/pcd/points.pcd", order[8]);
        Assert.Equal(3 + 3 * 5, order.Count);
        Assert.Equal(new[] { "s3://b/scenes/c.fo3d", "s3://b/scenes/d.fo3d" }, fetched); // the rest waited for at the end
    }

    [Theory]
    [InlineData("s3://b/scenes/a.fo3d", "../pcd/x.pcd", "s3://b/pcd/x.pcd")]
    [InlineData("s3://b/scenes/a.fo3d", "./x.pcd", "s3://b/scenes/x.pcd")]
    [InlineData("s3://b/a.fo3d", "sub/x.obj", "s3://b/sub/x.obj")]
    [InlineData("gs://b/s/t/a.fo3d", "../../p/x.ply", "gs://b/p/x.ply")]
    [InlineData("https://h:8080/d/a.fo3d?sig=1", "../x.stl", "https://h:8080/x.stl")]
    [InlineData("s3://b/scenes/a.fo3d", "s3://c/abs.pcd", "s3://c/abs.pcd")]
    [InlineData("s3://b/scenes/a.fo3d", "/data/local.pcd", "/data/local.pcd")]
    [InlineData("s3://b/scenes/a.fo3d", "../../x.pcd", null)]
    public void RelativeAssetPathsResolveLikeFiftyOnes(string scene, string asset, string? expected) =>
        Assert.Equal(expected, Fo3dScene.Resolve(scene, asset));

    [Fact]
    public void LocalScenesResolveOnTheFileSystem() =>
        Assert.Equal(Path.GetFullPath("/data/pcd/x.pcd"), Fo3dScene.Resolve("/data/scenes/a.fo3d", "../pcd/x.pcd"));
}
