using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Cvat;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;
using AzureStorage = FiftyOneCache.Engine.Storage.Azure;
using FiftyOneCache.Tests.Infrastructure;
using MongoDB.Bson;
using Xunit;

namespace FiftyOneCache.Tests.Cvat;

/// <summary>New-CvatAnnotation's engine against the CVAT fake: what is validated before sending, what is sent, what is recorded.</summary>
[Collection("cvat")]
public sealed class CvatAnnotationTests : IAsyncLifetime, IDisposable
{
    const string Password = "s3cret-Pa55";
    readonly CvatFake _fake;
    readonly TempDir _dir = new("foc-cvat");
    readonly MemoryStore _s3 = new("s3");
    readonly MemoryStore _minio = new("minio");
    readonly MemoryStore _azure = new("azure");
    readonly MemoryDatasetStore _datasets = new();
    readonly MediaCache _cache;
    readonly Xunit.Abstractions.ITestOutputHelper _out;

    public CvatAnnotationTests(CvatFake fake, Xunit.Abstractions.ITestOutputHelper output)
    {
        _fake = fake;
        _out = output;
        var config = new CacheConfig { CacheDir = _dir.Sub("cache"), NumWorkers = 2 };
        // The stores' paths come from their own configuration (a MinIO alias, an Azure account URL and alias); their
        // clients are replaced by in-memory ones.
        var env = new Dictionary<string, string>
        {
            ["MINIO_ALIAS"] = "minio",
            ["AZURE_STORAGE_ACCOUNT"] = "devstoreaccount1", ["AZURE_STORAGE_KEY"] = AzureStorage.AzureConnectionString.DevKey,
            ["AZURE_STORAGE_ACCOUNT_URL"] = "http://127.0.0.1:10000/devstoreaccount1", ["AZURE_ALIAS"] = "az",
        };
        var stores = new StoreRegistry(config, NullLog.Instance, n => env.GetValueOrDefault(n));
        stores.Register("s3", () => _s3);
        stores.Register("minio", () => _minio);
        stores.Register("azure", () => _azure);
        _cache = MediaCache.Open(config, NullLog.Instance, stores);
    }

    public Task InitializeAsync() => _fake.ResetAsync(Password);
    public Task DisposeAsync() => Task.CompletedTask;
    public void Dispose() { _cache.Dispose(); _dir.Dispose(); }

    CvatClient Client(string password = Password, CvatAuthMode mode = CvatAuthMode.Token) =>
        new(_fake.Url, new CvatClientOptions { Username = "annotator", Password = password, AuthMode = mode, PollInterval = TimeSpan.FromMilliseconds(20) });

    static string[] Keys(params int[] n) => n.Select(i => $"images/img{i:D3}.jpg").ToArray();

    AnnotationDataset SeedBucket(string bucket, string[] keys, string name = "street")
    {
        foreach (var k in keys) _s3.Put(bucket, k, new byte[1000 + k.Length]);
        return _datasets.Add(name, keys.Select(k => $"s3://{bucket}/{k}"));
    }

    static AnnotationRequest Request(string? manifest = null, bool bucketManifest = false, int? taskSize = null) => new()
    {
        AnnotationKey = "round1", LabelField = "ground_truth", LabelType = "detections", Classes = ["car", "person"],
        CloudManifest = manifest, UseBucketManifest = bucketManifest, TaskSize = taskSize, SegmentSize = 2, ImageQuality = 80,
    };

    async Task<AnnotationOutcome> Run(AnnotationRequest r, CvatClient cvat, string dataset = "street")
    {
        var job = new CvatAnnotationJob(_cache, cvat, _datasets);
        var plan = await job.PrepareAsync(r, dataset, fetchMedia: true, null, default);
        return await job.RunAsync(plan, null, default);
    }

    [Fact]
    public async Task Explicit_manifest_creates_tasks_that_read_from_the_cloud_storage_and_records_the_run()
    {
        var keys = Keys(1, 2, 3);
        var ds = SeedBucket("media-bkt", keys);
        var manifest = Manifests.Images(keys.Select(k => k["images/".Length..]).Append("unused.jpg"));
        _s3.Put("media-bkt", "images/manifest.jsonl", manifest);
        var storageId = await _fake.AttachStorageAsync("media-bkt", manifest, "images/manifest.jsonl");
        using var cvat = Client();

        var outcome = await Run(Request("s3://media-bkt/images/manifest.jsonl", taskSize: 2) , cvat);

        Assert.True(outcome.Succeeded);
        Assert.Equal(2, outcome.TaskIds.Count);
        var state = await _fake.StateAsync();
        var tasks = state["tasks"]!.AsArray();
        var data = tasks[0]!["dataRequest"]!;
        Assert.Equal(storageId, data["cloud_storage_id"]!.GetValue<int>());
        Assert.Equal("predefined", data["sorting_method"]!.GetValue<string>());
        Assert.Equal(80, data["image_quality"]!.GetValue<int>());
        Assert.Equal(["images/manifest.jsonl", keys[0], keys[1]], data["server_files"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["images/manifest.jsonl", keys[2]], tasks[1]!["dataRequest"]!["server_files"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("rectangle", tasks[0]!["labels"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(1, _s3.Reads); // the manifest, read once through the cache; media never downloaded

        var rec = _datasets.Runs[("street", "round1")];
        Assert.Equal("fiftyone.utils.cvat.CVATBackendConfig", rec.Config["cls"].AsString);
        Assert.Equal("s3://media-bkt/images/manifest.jsonl", rec.Config["cloud_manifest"].AsString);
        Assert.Equal("detections", rec.Config["label_schema"]["ground_truth"]["type"].AsString);
        Assert.Equal(new BsonArray(outcome.TaskIds), rec.Results["task_ids"]);
        var t1 = outcome.TaskIds[0].ToString();
        Assert.Equal(ds.Samples[1].Id, rec.Results["frame_id_map"][t1]["1"]["sample_id"].AsString);
        Assert.Single(rec.Results["job_ids"][t1].AsBsonArray); // 2 frames, segment size 2
        Assert.Equal("complete", rec.Extra["status"].AsString);
        Assert.Equal("CloudManifest", rec.Extra["mode"].AsString);

        // What CVAT received and what was recorded, for whoever reads the test output.
        var log = await _fake.LogAsync();
        foreach (var e in log)
            _out.WriteLine($"{e!["method"]} {e["path"]}{(e["query"] is JsonObject q && q.Count > 0 ? "?" + string.Join("&", q.Select(kv => $"{kv.Key}={kv.Value}")) : "")} -> {e["status"]}" +
                           (e["method"]!.GetValue<string>() == "POST" && e["body"] is JsonObject b ? "  " + b.ToJsonString() : ""));
        var pretty = new MongoDB.Bson.IO.JsonWriterSettings { Indent = true, OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson };
        _out.WriteLine("config: " + rec.Config.ToJson(pretty));
        _out.WriteLine("results: " + rec.Results.ToJson(pretty));
        _out.WriteLine("_fiftyonecache: " + rec.Extra.ToJson(pretty));
    }

    [Fact]
    public async Task Bucket_root_manifest_is_used_with_the_switch()
    {
        var keys = Keys(1, 2);
        SeedBucket("root-bkt", keys);
        var manifest = Manifests.Images(keys);
        _s3.Put("root-bkt", "manifest.jsonl", manifest);
        await _fake.AttachStorageAsync("root-bkt", manifest);
        using var cvat = Client();

        var outcome = await Run(Request(bucketManifest: true), cvat);

        var task = (await _fake.StateAsync())["tasks"]![0]!;
        Assert.Equal(["manifest.jsonl", .. keys], task["dataRequest"]!["server_files"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(2, task["size"]!.GetValue<int>());
        Assert.True(_datasets.Runs[("street", "round1")].Config["cloud_manifest"].AsBoolean);
        Assert.Single(outcome.TaskIds);
    }

    [Fact]
    public async Task Media_missing_from_the_manifest_fails_before_any_request()
    {
        var keys = Keys(1, 2, 3);
        SeedBucket("media-bkt", keys);
        _s3.Put("media-bkt", "manifest.jsonl", Manifests.Images(keys.Take(1)));
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<AnnotationValidationException>(() => Run(Request(bucketManifest: true), cvat));

        Assert.Contains("2 of 3 sample(s) are not listed in the manifest", e.Message);
        Assert.Contains("s3://media-bkt/images/img002.jpg", e.Message);
        Assert.Empty(await _fake.LogAsync());
    }

    [Fact]
    public async Task Local_paths_and_other_buckets_are_listed_before_any_request()
    {
        var local = Path.Combine(_dir.Path, "local.jpg");
        File.WriteAllBytes(local, new byte[10]);
        _datasets.Add("mixed", ["s3://media-bkt/images/img001.jpg", local, "s3://other-bkt/x.jpg"]);
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<AnnotationValidationException>(() => Run(Request("s3://media-bkt/manifest.jsonl"), cvat, "mixed"));

        Assert.Contains("2 of 3 sample(s) are not", e.Message);
        Assert.Contains($"{local} (a local path)", e.Message);
        Assert.Contains("s3://other-bkt/x.jpg (in s3://other-bkt", e.Message);
        Assert.Empty(await _fake.LogAsync());
    }

    [Fact]
    public async Task No_attached_cloud_storage_is_a_clear_error_and_creates_nothing()
    {
        var keys = Keys(1);
        SeedBucket("lonely-bkt", keys);
        _s3.Put("lonely-bkt", "manifest.jsonl", Manifests.Images(keys));
        await _fake.AttachStorageAsync("another-bkt", Manifests.Images(keys));
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<AnnotationValidationException>(() => Run(Request(bucketManifest: true), cvat));

        Assert.Contains("has no cloud storage attached for AWS_S3_BUCKET bucket 'lonely-bkt'", e.Message);
        var log = CvatFake.Summary(await _fake.LogAsync());
        Assert.Contains(log, l => l.StartsWith("GET /api/cloudstorages?resource=lonely-bkt&provider_type=AWS_S3_BUCKET", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.StartsWith("POST /api/tasks", StringComparison.Ordinal) || l.StartsWith("POST /api/projects", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_manifest_copies_from_the_cache_are_uploaded_in_batches()
    {
        var keys = Keys(1, 2, 3, 4);
        SeedBucket("media-bkt", keys, "up");
        var local = Path.Combine(_dir.Path, "extra", "img001.jpg"); // same file name as a bucket sample
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        File.WriteAllBytes(local, new byte[777]);
        var ds = _datasets.Add("up", [.. keys.Select(k => $"s3://media-bkt/{k}"), local]);
        using var cvat = Client();
        var r = new AnnotationRequest
        {
            AnnotationKey = "up1", LabelField = "tags", LabelType = "classifications", Classes = ["day", "night"],
            UploadBatchFiles = 2, ProjectName = "Street project",
        };

        var outcome = await Run(r, cvat, "up");

        var state = await _fake.StateAsync();
        var task = state["tasks"]![0]!;
        var uploaded = task["uploadedFiles"]!.AsArray();
        Assert.Equal(ds.Samples.Count, uploaded.Count);
        var expected = ds.Samples.Select(s => s.FilePath.StartsWith("s3://") ? 1000L + s.FilePath.Split('/', 4)[3].Length : 777L).ToArray();
        Assert.Equal(expected, uploaded.Select(u => u!["size"]!.GetValue<long>()));
        Assert.Equal(["img001.jpg", "img002.jpg", "img003.jpg", "img004.jpg", "img001_1.jpg"], uploaded.Select(u => u!["name"]!.GetValue<string>()));
        var log = CvatFake.Summary(await _fake.LogAsync());
        Assert.Equal(3, log.Count(l => l.StartsWith("POST /api/tasks/1/data 200", StringComparison.Ordinal))); // Upload-Multiple batches of 2
        Assert.Equal("tag", state["projects"]![0]!["labels"]![0]!["type"]!.GetValue<string>());
        var rec = _datasets.Runs[("up", "up1")];
        Assert.False(rec.Config["cloud_manifest"].AsBoolean);
        Assert.Equal(new BsonArray { outcome.ProjectId!.Value }, rec.Results["project_ids"]);
        Assert.Equal(ds.Samples[4].Id, rec.Results["frame_id_map"]["1"]["4"]["sample_id"].AsString);
    }

    [Fact]
    public async Task A_CVAT_500_mid_way_is_reported_and_the_created_tasks_are_recorded()
    {
        var keys = Keys(1, 2, 3);
        SeedBucket("media-bkt", keys);
        var manifest = Manifests.Images(keys);
        _s3.Put("media-bkt", "manifest.jsonl", manifest);
        await _fake.AttachStorageAsync("media-bkt", manifest);
        await _fake.Control("/__control/faults", new JsonArray(new JsonObject
        {
            ["match"] = "POST /api/tasks/2/data", ["status"] = 500, ["body"] = new JsonObject { ["detail"] = "database is locked" },
        }));
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<AnnotationPartialFailureException>(() => Run(Request(bucketManifest: true, taskSize: 1), cvat));

        Assert.Contains("after creating task(s) #1, #2", e.Message);
        Assert.Contains("database is locked", e.Message);
        Assert.Contains("recorded on dataset 'street' under annotation key 'round1'", e.Message);
        var rec = _datasets.Runs[("street", "round1")];
        Assert.Equal(new BsonArray { 1, 2 }, rec.Results["task_ids"]);
        Assert.Equal("failed", rec.Extra["status"].AsString);
        Assert.Equal(new BsonArray { 2 }, rec.Extra["failed_task_ids"]);
        var log = CvatFake.Summary(await _fake.LogAsync());
        Assert.DoesNotContain(log, l => l.StartsWith("POST /api/tasks/3", StringComparison.Ordinal)); // stopped at the failure
    }

    [Theory]
    [InlineData(CvatAuthMode.Token, "Unable to log in with provided credentials")]
    [InlineData(CvatAuthMode.Basic, "Invalid username/password")]
    public async Task Auth_failure_shows_CVATs_message_and_never_the_password(CvatAuthMode mode, string expected)
    {
        using var cvat = Client("wrong-Passw0rd!", mode);
        var e = await Assert.ThrowsAsync<CvatException>(() => cvat.ConnectAsync(default));
        Assert.Contains(expected, e.Message);
        Assert.Equal(ErrorKind.AuthenticationError, e.Kind);
        Assert.DoesNotContain("wrong-Passw0rd!", e.ToString());
    }

    [Fact]
    public async Task Planning_with_basic_auth_sends_only_reads()
    {
        var keys = Keys(1, 2);
        SeedBucket("media-bkt", keys);
        _s3.Put("media-bkt", "manifest.jsonl", Manifests.Images(keys));
        await _fake.AttachStorageAsync("media-bkt", Manifests.Images(keys));
        using var cvat = Client(mode: CvatAuthMode.Basic);

        var plan = await new CvatAnnotationJob(_cache, cvat, _datasets).PrepareAsync(Request(bucketManifest: true), "street", false, null, default);

        Assert.Contains(plan.Describe(), l => l.Contains("server_files: [manifest.jsonl, images/img001.jpg, images/img002.jpg]"));
        Assert.All(await _fake.LogAsync(), e => Assert.Equal("GET", e!["method"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Servers_before_2_11_are_polled_through_the_task_status()
    {
        await _fake.Control("/__control/config", new JsonObject { ["version"] = "2.9.2" });
        var keys = Keys(1);
        SeedBucket("media-bkt", keys);
        _s3.Put("media-bkt", "manifest.jsonl", Manifests.Images(keys));
        await _fake.AttachStorageAsync("media-bkt", Manifests.Images(keys));
        using var cvat = Client();

        var outcome = await Run(Request(bucketManifest: true), cvat);

        Assert.True(outcome.Succeeded);
        Assert.Contains(CvatFake.Summary(await _fake.LogAsync()), l => l.StartsWith("GET /api/tasks/1/status 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_run_under_the_same_key_is_refused()
    {
        var keys = Keys(1);
        SeedBucket("media-bkt", keys);
        _s3.Put("media-bkt", "manifest.jsonl", Manifests.Images(keys));
        await _fake.AttachStorageAsync("media-bkt", Manifests.Images(keys));
        using (var cvat = Client()) await Run(Request(bucketManifest: true), cvat);
        using var again = Client();
        var e = await Assert.ThrowsAsync<AnnotationValidationException>(() => Run(Request(bucketManifest: true), again));
        Assert.Contains("already has an annotation run with key 'round1'", e.Message);
    }

    [Fact]
    public async Task Azure_samples_use_the_AZURE_CONTAINER_storage_of_their_container()
    {
        var keys = Keys(1, 2);
        foreach (var k in keys) _azure.Put("media", k, new byte[10]);
        _azure.Put("media", "manifest.jsonl", Manifests.Images(keys));
        // Alias and account-URL spellings of blobs in one container, as FiftyOne datasets hold them.
        _datasets.Add("az", [$"az://media/{keys[0]}", $"http://127.0.0.1:10000/devstoreaccount1/media/{keys[1]}"]);
        await _fake.AttachStorageAsync("media", Manifests.Images(keys)); // an AWS bucket of the same name is not it
        var mine = await _fake.AttachStorageAsync("media", Manifests.Images(keys), provider: "AZURE_CONTAINER");
        using var cvat = Client();

        var outcome = await Run(new AnnotationRequest { AnnotationKey = "z1", LabelField = "gt", Classes = ["a"], UseBucketManifest = true }, cvat, "az");

        Assert.True(outcome.Succeeded);
        var task = (await _fake.StateAsync())["tasks"]![0]!;
        Assert.Equal(mine, task["dataRequest"]!["cloud_storage_id"]!.GetValue<int>());
        Assert.Equal(["manifest.jsonl", .. keys], task["dataRequest"]!["server_files"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Contains(CvatFake.Summary(await _fake.LogAsync()),
            l => l.StartsWith("GET /api/cloudstorages?resource=media&provider_type=AZURE_CONTAINER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MinIO_samples_use_the_storage_attached_with_the_same_endpoint()
    {
        var keys = Keys(1);
        foreach (var k in keys) _minio.Put("shared-bkt", k, new byte[10]);
        _minio.Put("shared-bkt", "manifest.jsonl", Manifests.Images(keys));
        _datasets.Add("m", keys.Select(k => $"minio://shared-bkt/{k}"));
        await _fake.AttachStorageAsync("shared-bkt", Manifests.Images(keys)); // an AWS bucket of the same name
        var other = await _fake.AttachStorageAsync("shared-bkt", Manifests.Images(keys), specificAttributes: "endpoint_url=http://other.example:9000");
        var mine = await _fake.AttachStorageAsync("shared-bkt", Manifests.Images(keys), specificAttributes: "endpoint_url=http%3A%2F%2Fminio.example%3A9000&region=us-east-1");
        using var cvat = Client();
        var r = new AnnotationRequest
        {
            AnnotationKey = "m1", LabelField = "gt", Classes = ["a"], UseBucketManifest = true, StoreEndpoint = s => s == "minio" ? "http://minio.example:9000" : null,
        };

        await Run(r, cvat, "m");

        var task = (await _fake.StateAsync())["tasks"]![0]!;
        Assert.Equal(mine, task["dataRequest"]!["cloud_storage_id"]!.GetValue<int>());
        Assert.NotEqual(other, mine);
    }

    [Fact]
    public async Task Reads_are_retried_on_5xx_and_429_but_creating_a_task_is_not()
    {
        var keys = Keys(1);
        SeedBucket("media-bkt", keys);
        _s3.Put("media-bkt", "manifest.jsonl", Manifests.Images(keys));
        await _fake.AttachStorageAsync("media-bkt", Manifests.Images(keys));
        await _fake.Control("/__control/faults", new JsonArray(
            new JsonObject { ["match"] = "GET /api/cloudstorages", ["status"] = 503, ["times"] = 1 },
            new JsonObject { ["match"] = "GET /api/jobs", ["status"] = 429, ["headers"] = new JsonObject { ["Retry-After"] = "0" }, ["times"] = 1 },
            new JsonObject { ["match"] = "POST /api/tasks", ["status"] = 502, ["body"] = new JsonObject { ["detail"] = "Bad gateway" }, ["times"] = 1 }));
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<CvatException>(() => Run(Request(bucketManifest: true), cvat));

        Assert.Contains("CVAT answered 502", e.Message);
        Assert.Contains("Bad gateway", e.Message);
        var log = CvatFake.Summary(await _fake.LogAsync());
        Assert.Equal(2, log.Count(l => l.StartsWith("GET /api/cloudstorages?", StringComparison.Ordinal))); // 503, then 200
        Assert.Single(log, l => l.StartsWith("POST /api/tasks", StringComparison.Ordinal)); // never repeated
        Assert.Empty(_datasets.Runs); // nothing was created, so nothing to record
    }

    /// <summary>Attaches a storage with several manifests, an endpoint and a status, as CVAT admins leave them.</summary>
    async Task<int> Storage(string bucket, string name, string[] manifests, string manifestContent, string? endpoint = null,
                            string status = "AVAILABLE", string provider = "AWS_S3_BUCKET")
    {
        var contents = new JsonObject();
        foreach (var m in manifests) contents[m] = manifestContent;
        var r = await _fake.Control("/__control/cloudstorages", new JsonObject
        {
            ["provider_type"] = provider, ["resource"] = bucket, ["display_name"] = name,
            ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()), ["manifest_contents"] = contents,
            ["specific_attributes"] = endpoint is null ? "" : $"endpoint_url={Uri.EscapeDataString(endpoint)}", ["status"] = status,
        });
        return r!["id"]!.GetValue<int>();
    }

    (AnnotationRequest Request, string Manifest) SeedSeveralStorages(string bucket)
    {
        var keys = Keys(1, 2);
        SeedBucket(bucket, keys);
        var manifest = Manifests.Images(keys.Select(k => k["images/".Length..]));
        _s3.Put(bucket, "images/manifest.jsonl", manifest);
        var r = new AnnotationRequest
        {
            AnnotationKey = "round1", LabelField = "gt", Classes = ["car"], CloudManifest = $"s3://{bucket}/images/manifest.jsonl",
            StoreEndpoint = s => s == "s3" ? "http://s3.lab.example:9000" : null,
        };
        return (r, manifest);
    }

    [Fact]
    public async Task Of_several_storages_for_the_bucket_the_one_with_the_manifest_at_this_modules_endpoint_is_chosen()
    {
        var (r, manifest) = SeedSeveralStorages("multi-bkt");
        // An old AWS storage (no endpoint_url) with another manifest comes first, as in the report; then one for
        // another endpoint that has the manifest; then the one for the module's endpoint.
        await Storage("multi-bkt", "old aws", ["old/manifest.jsonl"], manifest);
        await Storage("multi-bkt", "other lab", ["images/manifest.jsonl"], manifest, "http://other.example:9000");
        var mine = await Storage("multi-bkt", "this lab", ["old/manifest.jsonl", "images/manifest.jsonl"], manifest, "http://s3.lab.example:9000");
        using var cvat = Client();

        await Run(r, cvat);

        var task = (await _fake.StateAsync())["tasks"]![0]!;
        Assert.Equal(mine, task["dataRequest"]!["cloud_storage_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task When_no_storage_fits_the_error_names_every_candidate_and_why()
    {
        var (r, manifest) = SeedSeveralStorages("nofit-bkt");
        var a = await Storage("nofit-bkt", "old aws", ["old/manifest.jsonl"], manifest);
        var b = await Storage("nofit-bkt", "other lab", ["images/manifest.jsonl"], manifest, "http://other.example:9000");
        var c = await Storage("nofit-bkt", "this lab", ["images/manifest.jsonl"], manifest, "http://s3.lab.example:9000", status: "FORBIDDEN");
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<AnnotationValidationException>(() => Run(r, cvat));

        _out.WriteLine(e.Message);
        Assert.Contains($"#{a} 'old aws' (endpoint AWS, manifests: old/manifest.jsonl): manifest 'images/manifest.jsonl' not attached", e.Message);
        Assert.Contains($"#{b} 'other lab' (endpoint http://other.example:9000, manifests: images/manifest.jsonl): endpoint is not at http://s3.lab.example:9000", e.Message);
        Assert.Contains($"#{c} 'this lab' (endpoint http://s3.lab.example:9000, manifests: images/manifest.jsonl): status FORBIDDEN", e.Message);
        Assert.Equal(ErrorKind.PermissionDenied, e.Kind);
        Assert.DoesNotContain(CvatFake.Summary(await _fake.LogAsync()), l => l.StartsWith("POST /api/tasks", StringComparison.Ordinal) || l.StartsWith("POST /api/projects", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CloudStorageId_uses_the_named_storage_even_when_another_would_be_chosen()
    {
        var (r, manifest) = SeedSeveralStorages("byid-bkt");
        await Storage("byid-bkt", "this lab", ["images/manifest.jsonl"], manifest, "http://s3.lab.example:9000");
        var named = await Storage("byid-bkt", "named", ["images/manifest.jsonl"], manifest, "http://s3.lab.example:9000");
        using var cvat = Client();

        await Run(new AnnotationRequest
        {
            AnnotationKey = r.AnnotationKey, LabelField = r.LabelField, Classes = r.Classes, CloudManifest = r.CloudManifest,
            StoreEndpoint = r.StoreEndpoint, CloudStorageId = named,
        }, cvat);

        var state = await _fake.StateAsync();
        Assert.Equal(named, state["tasks"]![0]!["dataRequest"]!["cloud_storage_id"]!.GetValue<int>());
        Assert.Contains(CvatFake.Summary(await _fake.LogAsync()), l => l.StartsWith($"GET /api/cloudstorages/{named} 200", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("missing", "has no cloud storage #")]
    [InlineData("other-bucket", "is for AWS_S3_BUCKET bucket 'elsewhere-bkt', but the samples and manifest are in AWS_S3_BUCKET bucket 'check-bkt'")]
    [InlineData("other-provider", "is for GOOGLE_CLOUD_STORAGE bucket 'check-bkt', but the samples and manifest are in AWS_S3_BUCKET bucket 'check-bkt'")]
    [InlineData("no-manifest", "does not have manifest 'images/manifest.jsonl' attached")]
    [InlineData("unavailable", "has status NOT_FOUND")]
    public async Task CloudStorageId_is_checked_before_anything_is_created(string problem, string expected)
    {
        var (r, manifest) = SeedSeveralStorages("check-bkt");
        var id = problem switch
        {
            "missing" => 4242,
            "other-bucket" => await Storage("elsewhere-bkt", "elsewhere", ["images/manifest.jsonl"], manifest),
            "other-provider" => await Storage("check-bkt", "gcs twin", ["images/manifest.jsonl"], manifest, provider: "GOOGLE_CLOUD_STORAGE"),
            "no-manifest" => await Storage("check-bkt", "bare", ["other.jsonl"], manifest),
            _ => await Storage("check-bkt", "gone", ["images/manifest.jsonl"], manifest, status: "NOT_FOUND"),
        };
        using var cvat = Client();

        var e = await Assert.ThrowsAsync<AnnotationValidationException>(() => Run(new AnnotationRequest
        {
            AnnotationKey = r.AnnotationKey, LabelField = r.LabelField, Classes = r.Classes, CloudManifest = r.CloudManifest, CloudStorageId = id,
        }, cvat));

        Assert.Contains($"-CloudStorageId {id}: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(CvatFake.Summary(await _fake.LogAsync()), l => l.StartsWith("POST /api/tasks", StringComparison.Ordinal) || l.StartsWith("POST /api/projects", StringComparison.Ordinal));
    }
}
