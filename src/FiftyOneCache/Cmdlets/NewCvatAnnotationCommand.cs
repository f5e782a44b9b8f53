using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Cvat;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Sends a FiftyOne dataset's samples to CVAT under an annotation key, reading media from an attached cloud
/// storage through a manifest, or uploading copies from the cache. All validation happens before CVAT is
/// asked to change anything; -WhatIf authenticates with basic auth so that only GET requests reach CVAT.
/// </summary>
[Cmdlet(VerbsCommon.New, "CvatAnnotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CvatAnnotationResult))]
public sealed class NewCvatAnnotationCommand : MediaCacheCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [Alias("AnnoKey")]
    public string AnnotationKey { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string LabelField { get; set; } = "";

    [Parameter]
    [ValidateSet("classification", "classifications", "detection", "detections", "instance", "instances", "polyline", "polylines",
                 "polygon", "polygons", "keypoint", "keypoints", "segmentation", IgnoreCase = true)]
    public string LabelType { get; set; } = "detections";

    [Parameter]
    public string[] Classes { get; set; } = [];

    /// <summary>Default: FIFTYONE_CVAT_URL.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CvatUrl { get; set; }

    /// <summary>Default: FIFTYONE_CVAT_USERNAME / FIFTYONE_CVAT_PASSWORD.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TaskSize { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int SegmentSize { get; set; } = -1;

    [Parameter]
    [ValidateRange(0, 100)]
    public int ImageQuality { get; set; } = 75;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProjectName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TaskName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CloudManifest { get; set; }

    [Parameter]
    public SwitchParameter UseBucketManifest { get; set; }

    /// <summary>FiftyOne's cloud_storage_id: the CVAT cloud storage to read the bucket through, instead of choosing one.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int CloudStorageId { get; set; }

    /// <summary>Only samples with any of these tags.</summary>
    [Parameter]
    public string[]? Tag { get; set; }

    /// <summary>Default: FIFTYONE_DATABASE_URI.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DatabaseUri { get; set; }

    /// <summary>CVAT organization slug (X-Organization); default the personal workspace.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Organization { get; set; }

    readonly ConcurrentQueue<AnnotationProgress> _progress = new();
    const string Activity = "New-CvatAnnotation";

    protected override void EndProcessing()
    {
        if (CloudManifest is not null && UseBucketManifest)
            Terminate(new ArgumentException("Use either -CloudManifest <path> or -UseBucketManifest, not both"), "ConflictingManifestParameters", ErrorCategory.InvalidArgument);
        if (CloudStorageId > 0 && CloudManifest is null && !UseBucketManifest)
            Terminate(new ArgumentException("-CloudStorageId names the CVAT storage that reads a cloud manifest's media: add -CloudManifest <path> or -UseBucketManifest"),
                "CloudStorageIdWithoutManifest", ErrorCategory.InvalidArgument);
        var url = CvatUrl ?? Environment.GetEnvironmentVariable("FIFTYONE_CVAT_URL");
        if (string.IsNullOrEmpty(url))
            Terminate(new ArgumentException("No CVAT URL: pass -CvatUrl or set FIFTYONE_CVAT_URL"), "CvatUrlMissing", ErrorCategory.InvalidArgument);
        var dbUri = DatabaseUri ?? Environment.GetEnvironmentVariable("FIFTYONE_DATABASE_URI");
        if (string.IsNullOrEmpty(dbUri))
            Terminate(new ArgumentException("No FiftyOne database: pass -DatabaseUri or set FIFTYONE_DATABASE_URI"), "DatabaseUriMissing", ErrorCategory.InvalidArgument);
        var user = Credential?.UserName ?? Environment.GetEnvironmentVariable("FIFTYONE_CVAT_USERNAME");
        var password = Credential is not null ? Credential.GetNetworkCredential().Password : Environment.GetEnvironmentVariable("FIFTYONE_CVAT_PASSWORD");
        WriteVerbose($"CVAT credentials from {(Credential is not null ? "-Credential" : "FIFTYONE_CVAT_USERNAME/PASSWORD")}{(user is null ? " (none found)" : $", user '{user}'")}");

        MediaCache? cache = null;
        var request = new AnnotationRequest
        {
            // The endpoint each store really uses (MinIO: ini profile or MINIO_* variables; S3: boto3's rules), so
            // that the CVAT storage chosen reads from where this module reads.
            StoreEndpoint = store => StoreEndpoints.For(cache!.Config, store),
            AnnotationKey = AnnotationKey, LabelField = LabelField, LabelType = LabelType, Classes = Classes,
            TaskSize = TaskSize > 0 ? TaskSize : null, SegmentSize = SegmentSize >= 0 ? SegmentSize : null, ImageQuality = ImageQuality,
            ProjectName = ProjectName, TaskName = TaskName, CloudManifest = CloudManifest, UseBucketManifest = UseBucketManifest,
            CloudStorageId = CloudStorageId > 0 ? CloudStorageId : null,
        };
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter { IsPresent: true };
        cache = OpenCache();
        try
        {
            var store = MongoAnnotationDatasetStore.Connect(dbUri!, Tag);
            using var cvat = new CvatClient(url!, new CvatClientOptions
            {
                Username = user, Password = password, Organization = Organization,
                // -WhatIf must not POST anything, and a token login is a POST.
                AuthMode = whatIf ? CvatAuthMode.Basic : CvatAuthMode.Token,
            }, Log);
            var job = new CvatAnnotationJob(cache, cvat, store, Log);
            var plan = Pump(ct => job.PrepareAsync(request, Dataset, fetchMedia: !whatIf, null, ct));
            foreach (var line in plan.Describe()) WriteVerbose(line);
            var description = string.Join(Environment.NewLine, plan.Describe());
            if (!ShouldProcess(description, $"Create {plan.Tasks.Count} CVAT task(s) for {plan.Dataset.Samples.Count} sample(s) of '{Dataset}'?", "New-CvatAnnotation"))
                return;
            var outcome = Pump(ct => job.RunAsync(plan, p => _progress.Enqueue(p), ct));
            WriteProgress(new ProgressRecord(1, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteObject(CvatAnnotationResult.From(Dataset, outcome, plan.Dataset.Samples.Count));
        }
        catch (AnnotationPartialFailureException e)
        {
            Terminate(e, "CvatPartialFailure", ErrorCategory.InvalidResult, CvatAnnotationResult.From(Dataset, e.Outcome, 0));
        }
        catch (AnnotationValidationException e) { Terminate(e, "CvatAnnotationInvalid", CategoryOf(e.Kind)); }
        catch (CvatException e) { Terminate(e, e.Kind == ErrorKind.AuthenticationError ? "CvatAuthenticationFailed" : "CvatRequestFailed", CategoryOf(e.Kind)); }
        // MongoDB types live in the module's own load context: matched by name, never referenced from here.
        catch (Exception e) when (e.GetType().FullName?.StartsWith("MongoDB.", StringComparison.Ordinal) == true || e is TimeoutException)
        {
            Terminate(new IOException($"FiftyOne database {Redact.ForDisplay(dbUri)}: {e.Message}", e), "DatabaseUnavailable", ErrorCategory.ConnectionError);
        }
        finally { Log.Drain(this); }
    }

    /// <summary>Runs engine work on the thread pool while progress and log lines are written here, on the pipeline thread.</summary>
    T Pump<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(Cancel));
        // Wait without Task.Wait, which would wrap the engine's exception in an AggregateException.
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(100))
        {
            Log.Drain(this);
            AnnotationProgress? last = null;
            while (_progress.TryDequeue(out var p)) last = p;
            if (last is not null)
            {
                var rec = new ProgressRecord(1, Activity, $"{last.Activity}: {last.Status}");
                var overall = (last.TaskIndex + (last.Fraction ?? 0)) / Math.Max(1, last.TaskCount);
                rec.PercentComplete = (int)Math.Clamp(overall * 100, 0, 100);
                WriteProgress(rec);
            }
        }
        Log.Drain(this);
        try { return task.GetAwaiter().GetResult(); }
        catch (OperationCanceledException) when (Cancel.IsCancellationRequested) { throw new PipelineStoppedException(); }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void Terminate(Exception e, string id, ErrorCategory category, object? target = null)
    {
        Log.Drain(this);
        ThrowTerminatingError(new ErrorRecord(e, id, category, target ?? Dataset));
        throw e; // unreachable: ThrowTerminatingError always throws
    }
}

/// <summary>What New-CvatAnnotation created: the annotation key and CVAT's task and job ids and URLs.</summary>
public sealed class CvatAnnotationResult
{
    public string AnnotationKey { get; init; } = "";
    public string Dataset { get; init; } = "";
    public string Mode { get; init; } = "";
    public int[] TaskIds { get; init; } = [];
    public int[] JobIds { get; init; } = [];
    public string[] TaskUrls { get; init; } = [];
    public int? ProjectId { get; init; }
    public string CvatUrl { get; init; } = "";
    public int SampleCount { get; init; }
    public string Status { get; init; } = "";

    internal static CvatAnnotationResult From(string dataset, AnnotationOutcome o, int samples) => new()
    {
        AnnotationKey = o.AnnotationKey, Dataset = dataset, Mode = o.Mode.ToString(),
        TaskIds = o.TaskIds.ToArray(), JobIds = o.TaskIds.SelectMany(t => o.JobIds.TryGetValue(t, out var j) ? j : []).ToArray(),
        TaskUrls = o.TaskUrls.ToArray(), ProjectId = o.ProjectId, CvatUrl = o.CvatUrl, SampleCount = samples,
        Status = o.Succeeded ? "Complete" : "Failed",
    };
}
