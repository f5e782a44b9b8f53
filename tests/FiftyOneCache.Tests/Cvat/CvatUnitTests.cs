using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Cvat;
using MongoDB.Bson;
using MongoDB.Driver;
using Xunit;

namespace FiftyOneCache.Tests.Cvat;

public sealed class CvatManifestTests
{
    const string Head = "{\"version\":\"1.1\"}\n{\"type\":\"images\"}\n";

    [Fact]
    public void Parses_images_with_names_relative_to_the_manifest()
    {
        var m = CvatManifest.Parse(Head + "{\"name\":\"a/b\",\"extension\":\".jpg\",\"width\":1,\"height\":2}\n{\"name\":\"c\",\"extension\":\".png\",\"width\":3,\"height\":4,\"checksum\":\"x\"}\n", "m");
        Assert.Equal(["a/b.jpg", "c.png"], m.Images);
        Assert.True(m.Contains("a/b.jpg"));
        Assert.False(m.Contains("a/b"));
    }

    [Fact]
    public void Parses_a_video_manifest()
    {
        var m = CvatManifest.Parse("{\"version\":\"1.0\"}\n{\"type\":\"video\"}\n{\"properties\":{\"name\":\"v.mp4\",\"resolution\":[1280,720],\"length\":778}}\n{\"number\":0,\"pts\":0}\n", "m");
        Assert.True(m.IsVideo);
        Assert.Equal("v.mp4", m.VideoName);
        Assert.Equal(778, m.VideoLength);
    }

    [Theory]
    [InlineData("{\"version\":\"2.0\"}\n{\"type\":\"images\"}\n{\"name\":\"a\",\"extension\":\".jpg\",\"width\":1,\"height\":1}", "unsupported manifest version '2.0'")]
    [InlineData("{\"type\":\"images\"}\n{\"version\":\"1.1\"}\n", "expected {\"version\"")]
    [InlineData(Head + "{\"name\":\"a\",\"extension\":\"jpg\",\"width\":1,\"height\":1}", "(with the dot)")]
    [InlineData(Head + "{\"name\":\"a\",\"extension\":\".jpg\"}", "integer \"width\" and \"height\"")]
    [InlineData(Head + "{\"name\":\"a\",\"extension\":\".jpg\",\"width\":1,\"height\":1}\n{\"name\":\"a\",\"extension\":\".jpg\",\"width\":1,\"height\":1}", "listed twice")]
    [InlineData(Head + "{\"name\":\"a\",\"extension\":\".jpg\",\"width\":1,\"height\":1}\n\n{\"name\":\"b\",\"extension\":\".jpg\",\"width\":1,\"height\":1}", "blank line")]
    [InlineData(Head + "not json", "not valid JSON")]
    [InlineData(Head, "lists no images")]
    public void Rejects_what_CVAT_would_reject(string text, string why)
    {
        var e = Assert.Throws<InvalidCvatManifestException>(() => CvatManifest.Parse(text, "s3://b/manifest.jsonl"));
        Assert.Contains("'s3://b/manifest.jsonl' is not a valid CVAT manifest", e.Message);
        Assert.Contains(why, e.Message);
    }
}

public sealed class CvatErrorTests
{
    [Theory]
    [InlineData("{\"detail\":\"Invalid token.\"}", "Invalid token.")]
    [InlineData("{\"non_field_errors\":[\"Unable to log in with provided credentials.\"]}", "Unable to log in with provided credentials.")]
    [InlineData("{\"name\":[\"This field is required.\"],\"image_quality\":[\"Ensure this value is less than or equal to 100.\"]}",
                "name: This field is required.; image_quality: Ensure this value is less than or equal to 100.")]
    [InlineData("{\"labels\":[{\"name\":[\"This field is required.\"]}]}", "labels[0].name: This field is required.")]
    [InlineData("[\"Label set or project_id must be present\"]", "Label set or project_id must be present")]
    [InlineData("\"Adding more data is not supported\"", "Adding more data is not supported")]
    [InlineData("<html>Bad gateway</html>", "<html>Bad gateway</html>")]
    public void Describes_DRF_errors_in_one_line(string body, string expected) => Assert.Equal(expected, CvatException.Describe(body));

    [Fact]
    public void Keeps_the_message_of_a_failed_request()
    {
        var m = CvatClient.CleanRqMessage("rest_framework.exceptions.ValidationError: [ErrorDetail(string='Invalid manifest was uploaded', code='invalid')]\n");
        Assert.Equal("Invalid manifest was uploaded", m);
    }

    [Theory]
    [InlineData("classifications", "tag")]
    [InlineData("Detections", "rectangle")]
    [InlineData("polylines", "polyline")]
    [InlineData("keypoints", "points")]
    public void Maps_FiftyOne_label_types_to_CVAT_labels(string type, string cvat)
    {
        var labels = CvatLabels.Build(type, ["a", "b"]);
        Assert.Equal(2, labels.Count);
        Assert.All(labels, l => Assert.Equal(cvat, l!["type"]!.GetValue<string>()));
    }

    [Fact]
    public void Labels_need_classes() =>
        Assert.Contains("Classes are required", Assert.Throws<AnnotationValidationException>(() => CvatLabels.Build("detections", [])).Message);
}

/// <summary>Runs only when the test harness serves MongoDB (FOC_TEST_SERVERS names its URI).</summary>
public sealed class MongoFactAttribute : FactAttribute
{
    public MongoFactAttribute()
    {
        if (MongoUri is null) Skip = "no MongoDB: the test server harness is not running (build.ps1 -Task Test starts it)";
    }

    public static string? MongoUri
    {
        get
        {
            var file = Environment.GetEnvironmentVariable("FOC_TEST_SERVERS");
            if (string.IsNullOrEmpty(file) || !File.Exists(file)) return null;
            return JsonNode.Parse(File.ReadAllText(file))?["mongo"]?["uri"]?.GetValue<string>();
        }
    }
}

public sealed class FiftyOneAnnotationRunsTests
{
    [MongoFact]
    public async Task Writes_the_run_document_results_file_and_dataset_reference_as_FiftyOne_does()
    {
        var db = new MongoClient(MongoFactAttribute.MongoUri).GetDatabase($"foc_cvat_{Guid.NewGuid():N}"[..20]);
        var dsId = ObjectId.GenerateNewId();
        await db.GetCollection<BsonDocument>("datasets").InsertOneAsync(new BsonDocument { ["_id"] = dsId, ["name"] = "d", ["annotation_runs"] = new BsonDocument() });
        var rec = new AnnotationRunRecord
        {
            Key = "k1", Version = "1.3.0",
            Config = new BsonDocument { ["cls"] = AnnotationRunRecord.ConfigClass, ["method"] = "cvat" },
            Results = new BsonDocument { ["cls"] = AnnotationRunRecord.ResultsClass, ["task_ids"] = new BsonArray { 7 } },
            Extra = new BsonDocument("status", "complete"),
        };

        var runId = await FiftyOneAnnotationRuns.SaveAsync(db, dsId, rec, default);

        var ds = await db.GetCollection<BsonDocument>("datasets").Find(new BsonDocument("_id", dsId)).FirstAsync();
        Assert.Equal(runId, ds["annotation_runs"]["k1"].AsObjectId);
        var run = await db.GetCollection<BsonDocument>("runs").Find(new BsonDocument("_id", runId)).FirstAsync();
        Assert.Equal(dsId, run["_dataset_id"].AsObjectId);
        Assert.Equal("k1", run["key"].AsString);
        Assert.Equal(BsonNull.Value, run["view_stages"]);
        var file = await db.GetCollection<BsonDocument>("fs.files").Find(new BsonDocument("_id", run["results"])).FirstAsync();
        Assert.Equal("application/json", file["contentType"].AsString);
        var chunk = await db.GetCollection<BsonDocument>("fs.chunks").Find(new BsonDocument("files_id", run["results"])).FirstAsync();
        var json = System.Text.Encoding.UTF8.GetString(chunk["data"].AsByteArray);
        Assert.Equal(7, JsonNode.Parse(json)!["task_ids"]![0]!.GetValue<int>());
        Assert.True(await FiftyOneAnnotationRuns.ExistsAsync(db, dsId, "k1", default));
        await db.Client.DropDatabaseAsync(db.DatabaseNamespace.DatabaseName);
    }
}
