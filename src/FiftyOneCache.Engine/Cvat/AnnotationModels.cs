using System.Text.Json.Nodes;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>One sample to annotate: its FiftyOne id (ObjectId hex), filepath and media type ("image", "video").</summary>
public sealed record AnnotationSample(string Id, string FilePath, string? MediaType = null);

/// <summary>The samples of a dataset (or of a filtered view of it) as the annotation run needs them.</summary>
public sealed class AnnotationDataset
{
    public required string Name { get; init; }
    /// <summary>The dataset document's _id (hex): runs point back at it through _dataset_id.</summary>
    public required string Id { get; init; }
    public string? MediaType { get; init; }
    /// <summary>The FiftyOne version recorded on the dataset document; written into the run as FiftyOne does.</summary>
    public string? Version { get; init; }
    public required IReadOnlyList<AnnotationSample> Samples { get; init; }
    /// <summary>Serialized view stages (FiftyOne's json_util strings) when a filter selected the samples; null = whole dataset.</summary>
    public IReadOnlyList<string>? ViewStages { get; init; }
}

/// <summary>
/// Where datasets come from and where annotation runs are written. The MongoDB implementation uses the
/// dataset reader of FiftyOneCache.Engine.Datasets; tests use an in-memory one.
/// </summary>
public interface IAnnotationDatasetStore
{
    Task<AnnotationDataset> LoadAsync(string datasetName, CancellationToken ct);
    /// <summary>True when the dataset already has an annotation run under this key (FiftyOne refuses to reuse one).</summary>
    Task<bool> HasAnnotationRunAsync(AnnotationDataset dataset, string annoKey, CancellationToken ct);
    Task SaveAnnotationRunAsync(AnnotationDataset dataset, AnnotationRunRecord record, CancellationToken ct);
}

public enum AnnotationMode { CloudManifest, Upload }

/// <summary>What the user asked for: New-CvatAnnotation's parameters, PowerShell-free.</summary>
public sealed class AnnotationRequest
{
    public required string AnnotationKey { get; init; }
    public required string LabelField { get; init; }
    public string LabelType { get; init; } = "detections";
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>Samples per task; null = all images in one task (videos are always one per task).</summary>
    public int? TaskSize { get; init; }
    /// <summary>Frames per job; null = CVAT's default (one job per task).</summary>
    public int? SegmentSize { get; init; }
    public int ImageQuality { get; init; } = 75;
    public string? ProjectName { get; init; }
    public string? TaskName { get; init; }
    /// <summary>s3://, gs:// or MinIO path of the manifest; null with <see cref="UseBucketManifest"/> false = upload copies.</summary>
    public string? CloudManifest { get; init; }
    /// <summary>manifest.jsonl at the root of the bucket that holds the samples.</summary>
    public bool UseBucketManifest { get; init; }
    /// <summary>
    /// The endpoint the module's own settings use for a store ("s3", "minio"; null: AWS's own endpoints or not
    /// configured), to choose, among several CVAT storages of the bucket, the one attached for the same endpoint.
    /// </summary>
    public Func<string, string?>? StoreEndpoint { get; init; }
    /// <summary>FiftyOne's cloud_storage_id: use this CVAT cloud storage (checked: it exists, holds the samples' bucket, is AVAILABLE).</summary>
    public int? CloudStorageId { get; init; }
    /// <summary>How many offending samples an error lists before "… and N more".</summary>
    public int MaxListed { get; init; } = 10;
    public long UploadBatchBytes { get; init; } = 64L * 1024 * 1024;
    public int UploadBatchFiles { get; init; } = 100;
    public bool UseCache { get; init; } = true;

    public AnnotationMode Mode => CloudManifest is not null || UseBucketManifest ? AnnotationMode.CloudManifest : AnnotationMode.Upload;
}

/// <summary>One CVAT task to create and the samples (in frame order) that go into it.</summary>
public sealed class PlannedTask
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<AnnotationSample> Samples { get; init; }
    /// <summary>Cloud mode: the manifest key then the object keys, in frame order.</summary>
    public IReadOnlyList<string> ServerFiles { get; init; } = [];
    /// <summary>Upload mode: what is uploaded (names unique within the task), in frame order.</summary>
    public IReadOnlyList<CvatUploadFile> Uploads { get; set; } = [];
}

/// <summary>Everything validated and decided before the first request that changes anything in CVAT.</summary>
public sealed class AnnotationPlan
{
    public required AnnotationRequest Request { get; init; }
    public required AnnotationDataset Dataset { get; init; }
    public required AnnotationMode Mode { get; init; }
    public required JsonArray Labels { get; init; }
    public required IReadOnlyList<PlannedTask> Tasks { get; init; }
    public required string CvatUrl { get; init; }
    public CvatCloudStorage? CloudStorage { get; init; }
    /// <summary>The manifest as the user named it (s3://bucket/path/manifest.jsonl).</summary>
    public string? ManifestPath { get; init; }
    /// <summary>The manifest's key inside the bucket, as CVAT's server_files and storage manifests name it.</summary>
    public string? ManifestKey { get; init; }

    /// <summary>Human-readable lines for -WhatIf and -Verbose: every request that would change CVAT.</summary>
    public IEnumerable<string> Describe()
    {
        var r = Request;
        yield return $"CVAT {CvatUrl}: {Tasks.Count} task(s) for {Dataset.Samples.Count} sample(s) of dataset '{Dataset.Name}', " +
                     $"annotation key '{r.AnnotationKey}', field '{r.LabelField}' ({r.LabelType}: {string.Join(", ", r.Classes)})";
        if (Mode == AnnotationMode.CloudManifest)
            yield return $"Media read by CVAT from cloud storage #{CloudStorage!.Id} ({CloudStorage.ProviderType} '{CloudStorage.Resource}') with manifest '{ManifestKey}'";
        else
            yield return $"Media uploaded from the cache: {Tasks.Sum(t => t.Uploads.Count)} file(s), {Sizes.Humanize(Tasks.Sum(t => t.Uploads.Sum(u => u.Size)))}";
        if (r.ProjectName is not null) yield return $"POST /api/projects {{name: '{r.ProjectName}'}} unless it exists";
        foreach (var t in Tasks)
        {
            yield return $"POST /api/tasks {{name: '{t.Name}'{(r.SegmentSize is { } s ? $", segment_size: {s}" : "")}}}";
            yield return Mode == AnnotationMode.CloudManifest
                ? $"POST /api/tasks/<id>/data/ {{cloud_storage_id: {CloudStorage!.Id}, image_quality: {r.ImageQuality}, sorting_method: predefined, server_files: [{string.Join(", ", t.ServerFiles.Take(4))}{(t.ServerFiles.Count > 4 ? $", … {t.ServerFiles.Count - 4} more" : "")}]}}"
                : $"POST /api/tasks/<id>/data/ uploads of {t.Uploads.Count} file(s) (client_files), image_quality: {r.ImageQuality}, sorting_method: predefined";
        }
    }
}

/// <summary>What one annotation run created in CVAT; also what is recorded after a partial failure.</summary>
public sealed class AnnotationOutcome
{
    public required string AnnotationKey { get; init; }
    public required AnnotationMode Mode { get; init; }
    public required string CvatUrl { get; init; }
    public int? ProjectId { get; set; }
    public bool ProjectCreated { get; set; }
    public List<int> TaskIds { get; } = new();
    public Dictionary<int, List<int>> JobIds { get; } = new();
    public List<string> TaskUrls { get; } = new();
    /// <summary>task id → frame index → sample id.</summary>
    public Dictionary<int, Dictionary<int, string>> FrameSamples { get; } = new();
    /// <summary>Tasks created whose data CVAT never finished preparing.</summary>
    public List<int> FailedTaskIds { get; } = new();
    public string? Error { get; set; }
    public bool Succeeded => Error is null;
}

/// <summary>Progress while CVAT prepares data or while copies upload.</summary>
public sealed record AnnotationProgress(string Activity, string Status, int TaskIndex, int TaskCount, int? TaskId, double? Fraction);

/// <summary>Validation failed before anything was sent to CVAT.</summary>
public sealed class AnnotationValidationException(string message, ErrorKind kind = ErrorKind.InvalidArgument) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;
}

/// <summary>Some tasks were created, then CVAT failed. The run is recorded with what exists so it can be found and cleaned up.</summary>
public sealed class AnnotationPartialFailureException(string message, AnnotationOutcome outcome, Exception inner) : Exception(message, inner)
{
    public AnnotationOutcome Outcome { get; } = outcome;
}
