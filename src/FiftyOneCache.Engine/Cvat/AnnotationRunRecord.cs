using MongoDB.Bson;
using MongoDB.Driver;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// An annotation run written the way FiftyOne writes one, so that <c>dataset.list_annotation_runs()</c>,
/// <c>load_annotation_results()</c> and <c>load_annotations()</c> find it. Layout as of fiftyone v1.x
/// (voxel51/fiftyone develop, 2025: fiftyone/core/odm/runs.py RunDocument, fiftyone/core/runs.py
/// BaseRun.save_run_info / save_run_results, fiftyone/core/odm/dataset.py DatasetDocument.annotation_runs,
/// fiftyone/utils/cvat.py CVATBackendConfig / CVATAnnotationResults._from_dict @ 002591ddb18a54aac0490c1ec7c26acd2cb07c9e):
/// <list type="bullet">
/// <item>a document in the <c>runs</c> collection: <c>_id, _dataset_id, key, version, timestamp, config, view_stages, results</c>;</item>
/// <item><c>config</c> = CVATBackendConfig.serialize(): <c>cls, type: "annotation", method: "cvat", name, label_schema, media_field, url,
/// task_size, segment_size, image_quality, …, cloud_manifest</c> — never username/password (FiftyOne keeps them private too);</item>
/// <item><c>results</c> = id of a GridFS file (bucket <c>fs</c>, mongoengine FileField) holding json_util.dumps of
/// CVATAnnotationResults.serialize(): <c>cls, id_map, server_id_map, project_ids, task_ids, job_ids, frame_id_map, labels_task_map</c>
/// with int dict keys as strings (which _from_dict converts back);</item>
/// <item>the dataset document's <c>annotation_runs.&lt;key&gt;</c> = the run document's ObjectId (a ReferenceField).</item>
/// </list>
/// What FiftyOne has no field for (partial failure, the mode, task URLs) goes in <c>_fiftyonecache</c> on the run
/// document; RunDocument is declared strict=False so FiftyOne ignores it.
/// </summary>
public sealed class AnnotationRunRecord
{
    public const string ConfigClass = "fiftyone.utils.cvat.CVATBackendConfig";
    public const string ResultsClass = "fiftyone.utils.cvat.CVATAnnotationResults";

    public required string Key { get; init; }
    public required BsonDocument Config { get; init; }
    public required BsonDocument Results { get; init; }
    public required BsonDocument Extra { get; init; }
    public IReadOnlyList<string>? ViewStages { get; init; }
    public string? Version { get; init; }
    public DateTime Timestamp { get; init; } = DateTime.UtcNow;

    public static AnnotationRunRecord From(AnnotationPlan plan, AnnotationOutcome o)
    {
        var r = plan.Request;
        var field = r.LabelField;
        var config = new BsonDocument
        {
            ["cls"] = ConfigClass,
            ["type"] = "annotation",
            ["method"] = "cvat",
            ["name"] = "cvat",
            ["label_schema"] = new BsonDocument(field, new BsonDocument
            {
                ["type"] = CvatLabels.Normalize(r.LabelType),
                ["classes"] = new BsonArray(r.Classes),
                ["attributes"] = new BsonDocument(),
                ["existing_field"] = false,
            }),
            ["media_field"] = "filepath",
            ["url"] = o.CvatUrl.TrimEnd('/'),
            ["task_size"] = Nullable(r.TaskSize),
            ["segment_size"] = Nullable(r.SegmentSize),
            ["image_quality"] = r.ImageQuality,
            ["use_cache"] = r.UseCache,
            ["use_zip_chunks"] = true,
            ["chunk_size"] = BsonNull.Value,
            ["task_assignee"] = BsonNull.Value,
            ["job_assignees"] = BsonNull.Value,
            ["job_reviewers"] = BsonNull.Value,
            ["project_name"] = (BsonValue?)r.ProjectName ?? BsonNull.Value,
            ["project_id"] = Nullable(o.ProjectId),
            ["task_name"] = (BsonValue?)r.TaskName ?? BsonNull.Value,
            ["occluded_attr"] = BsonNull.Value,
            ["group_id_attr"] = BsonNull.Value,
            ["issue_tracker"] = BsonNull.Value,
            ["organization"] = BsonNull.Value,
            ["frame_start"] = BsonNull.Value,
            ["frame_stop"] = BsonNull.Value,
            ["frame_step"] = BsonNull.Value,
            // FiftyOne: True = manifest.jsonl at the bucket root, a path = that manifest, False = upload copies.
            ["cloud_manifest"] = plan.Mode == AnnotationMode.Upload ? false
                : r.CloudManifest is not null ? plan.ManifestPath : true,
        };

        var jobIds = new BsonDocument();
        var frameMap = new BsonDocument();
        foreach (var id in o.TaskIds)
        {
            jobIds[id.ToString()] = new BsonArray(o.JobIds.TryGetValue(id, out var j) ? j : []);
            var frames = new BsonDocument();
            if (o.FrameSamples.TryGetValue(id, out var fs))
                foreach (var (frame, sampleId) in fs.OrderBy(x => x.Key)) frames[frame.ToString()] = new BsonDocument("sample_id", sampleId);
            frameMap[id.ToString()] = frames;
        }
        var results = new BsonDocument
        {
            ["cls"] = ResultsClass,
            ["id_map"] = new BsonDocument(field, new BsonDocument()), // no existing labels were sent
            ["server_id_map"] = new BsonDocument(),
            // Only projects this run created: FiftyOne's cleanup() deletes these.
            ["project_ids"] = new BsonArray(o.ProjectCreated && o.ProjectId is { } p ? [p] : Array.Empty<int>()),
            ["task_ids"] = new BsonArray(o.TaskIds),
            ["job_ids"] = jobIds,
            ["frame_id_map"] = frameMap,
            ["labels_task_map"] = new BsonDocument(field, new BsonArray(o.TaskIds)),
        };

        var extra = new BsonDocument
        {
            ["status"] = o.Succeeded ? "complete" : "failed",
            ["mode"] = o.Mode.ToString(),
            ["task_urls"] = new BsonArray(o.TaskUrls),
            ["failed_task_ids"] = new BsonArray(o.FailedTaskIds),
            ["error"] = (BsonValue?)o.Error ?? BsonNull.Value,
            ["sample_count"] = plan.Dataset.Samples.Count,
            ["written_by"] = "FiftyOneCache New-CvatAnnotation",
        };
        if (plan.Mode == AnnotationMode.CloudManifest)
        {
            extra["cloud_storage_id"] = plan.CloudStorage!.Id;
            extra["manifest"] = plan.ManifestPath;
        }
        return new AnnotationRunRecord
        {
            Key = r.AnnotationKey, Config = config, Results = results, Extra = extra,
            ViewStages = plan.Dataset.ViewStages, Version = plan.Dataset.Version,
        };
    }

    static BsonValue Nullable(int? v) => v is { } x ? x : BsonNull.Value;

    /// <summary>The results file's bytes: bson.json_util.dumps output is relaxed JSON, which this matches for plain values.</summary>
    public byte[] ResultsJson() =>
        System.Text.Encoding.UTF8.GetBytes(Results.ToJson(new MongoDB.Bson.IO.JsonWriterSettings { OutputMode = MongoDB.Bson.IO.JsonOutputMode.RelaxedExtendedJson }));
}

/// <summary>Writes <see cref="AnnotationRunRecord"/>s into a FiftyOne database (see the record for the layout).</summary>
public static class FiftyOneAnnotationRuns
{
    // mongoengine FileField → GridFS bucket "fs", pymongo's default 255 KiB chunks.
    const int ChunkSize = 255 * 1024;

    public static async Task<bool> ExistsAsync(IMongoDatabase db, ObjectId datasetId, string key, CancellationToken ct)
    {
        var doc = await db.GetCollection<BsonDocument>("datasets")
            .Find(new BsonDocument("_id", datasetId)).Project(new BsonDocument("annotation_runs", 1)).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        return doc is not null && doc.TryGetValue("annotation_runs", out var runs) && runs is BsonDocument d && d.Contains(key);
    }

    /// <summary>Writes results, then the run document, then the dataset's reference: a reader never sees a reference to nothing.</summary>
    public static async Task<ObjectId> SaveAsync(IMongoDatabase db, ObjectId datasetId, AnnotationRunRecord rec, CancellationToken ct)
    {
        var datasets = db.GetCollection<BsonDocument>("datasets");
        var exists = await datasets.CountDocumentsAsync(new BsonDocument("_id", datasetId), cancellationToken: ct).ConfigureAwait(false);
        if (exists == 0) throw new InvalidOperationException($"dataset document {datasetId} not found");

        var fileId = ObjectId.GenerateNewId();
        var bytes = rec.ResultsJson();
        var chunks = new List<BsonDocument>();
        for (int n = 0, off = 0; off < bytes.Length || n == 0; n++, off += ChunkSize)
        {
            var len = Math.Min(ChunkSize, bytes.Length - off);
            chunks.Add(new BsonDocument { ["_id"] = ObjectId.GenerateNewId(), ["files_id"] = fileId, ["n"] = n, ["data"] = new BsonBinaryData(bytes.AsSpan(off, Math.Max(len, 0)).ToArray()) });
            if (bytes.Length == 0) break;
        }
        await db.GetCollection<BsonDocument>("fs.chunks").InsertManyAsync(chunks, cancellationToken: ct).ConfigureAwait(false);
        await db.GetCollection<BsonDocument>("fs.files").InsertOneAsync(new BsonDocument
        {
            ["_id"] = fileId, ["contentType"] = "application/json", ["chunkSize"] = ChunkSize,
            ["length"] = (long)bytes.Length, ["uploadDate"] = DateTime.UtcNow,
        }, cancellationToken: ct).ConfigureAwait(false);

        var runId = ObjectId.GenerateNewId();
        await db.GetCollection<BsonDocument>("runs").InsertOneAsync(new BsonDocument
        {
            ["_id"] = runId,
            ["_dataset_id"] = datasetId,
            ["key"] = rec.Key,
            ["version"] = (BsonValue?)rec.Version ?? BsonNull.Value,
            ["timestamp"] = rec.Timestamp,
            ["config"] = rec.Config,
            ["view_stages"] = rec.ViewStages is null ? BsonNull.Value : new BsonArray(rec.ViewStages),
            ["results"] = fileId,
            ["_fiftyonecache"] = rec.Extra,
        }, cancellationToken: ct).ConfigureAwait(false);

        await datasets.UpdateOneAsync(new BsonDocument("_id", datasetId),
            new BsonDocument("$set", new BsonDocument($"annotation_runs.{rec.Key}", runId)), cancellationToken: ct).ConfigureAwait(false);
        return runId;
    }
}
