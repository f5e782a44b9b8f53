using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// Carries out a validated <see cref="AnnotationPlan"/>: project, tasks, data (cloud storage + manifest, or
/// uploaded copies), waiting for CVAT, then jobs and frame maps. Whatever happens after the first task exists,
/// the run is recorded on the dataset with everything that was created, so no task is orphaned silently.
/// </summary>
public sealed class AnnotationRunner
{
    readonly CvatClient _cvat;
    readonly IAnnotationDatasetStore _store;
    readonly IEngineLog _log;

    public AnnotationRunner(CvatClient cvat, IAnnotationDatasetStore store, IEngineLog? log = null)
    {
        _cvat = cvat;
        _store = store;
        _log = log ?? NullLog.Instance;
    }

    public async Task<AnnotationOutcome> RunAsync(AnnotationPlan plan, Action<AnnotationProgress>? progress, CancellationToken ct)
    {
        var r = plan.Request;
        var outcome = new AnnotationOutcome { AnnotationKey = r.AnnotationKey, Mode = plan.Mode, CvatUrl = _cvat.BaseUrl.AbsoluteUri };
        var currentTask = -1;
        try
        {
            if (r.ProjectName is not null)
            {
                outcome.ProjectId = await _cvat.FindProjectAsync(r.ProjectName, ct).ConfigureAwait(false);
                if (outcome.ProjectId is null)
                {
                    outcome.ProjectId = await _cvat.CreateProjectAsync(r.ProjectName, plan.Labels, ct).ConfigureAwait(false);
                    outcome.ProjectCreated = true;
                    _log.Verbose($"Created CVAT project #{outcome.ProjectId} '{r.ProjectName}'");
                }
                else _log.Verbose($"Using existing CVAT project #{outcome.ProjectId} '{r.ProjectName}' and its labels");
            }

            foreach (var t in plan.Tasks)
            {
                currentTask = -1;
                var report = (string status, double? fraction) =>
                    progress?.Invoke(new AnnotationProgress($"CVAT task {t.Index + 1} of {plan.Tasks.Count}: {t.Name}", status, t.Index, plan.Tasks.Count, currentTask < 0 ? null : currentTask, fraction));
                report("creating task", null);
                var taskId = await _cvat.CreateTaskAsync(t.Name, outcome.ProjectId is null ? plan.Labels : null, outcome.ProjectId, r.SegmentSize ?? 0, ct).ConfigureAwait(false);
                currentTask = taskId;
                outcome.TaskIds.Add(taskId);
                outcome.TaskUrls.Add(_cvat.TaskUrl(taskId));
                _log.Verbose($"Created CVAT task #{taskId} '{t.Name}' for {t.Samples.Count} sample(s)");

                var rqId = await SendDataAsync(plan, t, taskId, report, ct).ConfigureAwait(false);
                await _cvat.WaitForDataAsync(taskId, rqId, p => report(p.Status switch
                {
                    "queued" => "CVAT queued the data",
                    "started" => "CVAT is preparing the data",
                    "finished" => "data ready",
                    _ => p.Status,
                }, p.Fraction), ct).ConfigureAwait(false);

                outcome.JobIds[taskId] = await _cvat.GetJobIdsAsync(taskId, ct).ConfigureAwait(false);
                outcome.FrameSamples[taskId] = await MapFramesAsync(plan, t, taskId, ct).ConfigureAwait(false);
                report("done", 1.0);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || outcome.TaskIds.Count > 0 || outcome.ProjectCreated)
        {
            if (outcome.TaskIds.Count == 0 && !outcome.ProjectCreated) throw; // nothing exists in CVAT: a plain failure
            if (currentTask >= 0) outcome.FailedTaskIds.Add(currentTask);
            outcome.Error = e.Message;
            var created = outcome.TaskIds.Count == 0 ? $"project #{outcome.ProjectId}" : $"task(s) {string.Join(", ", outcome.TaskIds.Select(i => $"#{i}"))}";
            string recorded;
            try
            {
                await _store.SaveAnnotationRunAsync(plan.Dataset, AnnotationRunRecord.From(plan, outcome), CancellationToken.None).ConfigureAwait(false);
                recorded = $"recorded on dataset '{plan.Dataset.Name}' under annotation key '{r.AnnotationKey}' so they can be found and deleted";
            }
            catch (Exception re)
            {
                recorded = $"and recording the run on dataset '{plan.Dataset.Name}' failed too ({re.Message}): delete them in CVAT by hand";
            }
            var unfinished = outcome.FailedTaskIds.Count > 0 ? $" Task #{outcome.FailedTaskIds[0]} has no usable data." : "";
            throw new AnnotationPartialFailureException(
                $"CVAT annotation run '{r.AnnotationKey}' failed after creating {created} at {outcome.CvatUrl}: {e.Message.TrimEnd('.')}.{unfinished} The run was {recorded}.",
                outcome, e);
        }

        await _store.SaveAnnotationRunAsync(plan.Dataset, AnnotationRunRecord.From(plan, outcome), ct).ConfigureAwait(false);
        _log.Verbose($"Recorded annotation run '{r.AnnotationKey}' on dataset '{plan.Dataset.Name}'");
        return outcome;
    }

    async Task<string?> SendDataAsync(AnnotationPlan plan, PlannedTask t, int taskId, Action<string, double?> report, CancellationToken ct)
    {
        var r = plan.Request;
        var data = new JsonObject
        {
            ["image_quality"] = r.ImageQuality,
            ["use_cache"] = r.UseCache,
            // Keep the order given (server_files / upload order) so frame i is sample i of the task.
            ["sorting_method"] = "predefined",
        };
        if (plan.Mode == AnnotationMode.CloudManifest)
        {
            data["cloud_storage_id"] = plan.CloudStorage!.Id;
            data["server_files"] = new JsonArray(t.ServerFiles.Select(f => (JsonNode)f).ToArray());
            report("attaching cloud data", null);
            return await _cvat.AttachCloudDataAsync(taskId, data, ct).ConfigureAwait(false);
        }
        report("uploading copies", 0);
        return await _cvat.UploadDataAsync(taskId, t.Uploads, data, r.UploadBatchBytes, r.UploadBatchFiles,
            (sent, total) => report($"uploaded {Sizes.Humanize(sent)} of {Sizes.Humanize(total)}", total > 0 ? (double)sent / total : null), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Frame index → sample id from CVAT's own frame list (/data/meta), matched on the names sent; falls back to
    /// the order sent, which predefined sorting preserves.
    /// </summary>
    async Task<Dictionary<int, string>> MapFramesAsync(AnnotationPlan plan, PlannedTask t, int taskId, CancellationToken ct)
    {
        var sent = plan.Mode == AnnotationMode.CloudManifest
            ? t.ServerFiles.Skip(1).ToList()
            : t.Uploads.Select(u => u.Name).ToList();
        var map = new Dictionary<int, string>();
        List<string> frames;
        try { frames = await _cvat.GetFrameNamesAsync(taskId, ct).ConfigureAwait(false); }
        catch (CvatException e)
        {
            _log.Warning($"Could not read the frame list of task #{taskId} ({e.Message}); assuming the order sent");
            frames = [];
        }
        if (plan.Mode == AnnotationMode.Upload && t.Samples.Count == 1 && t.Samples[0].MediaType == "video")
        {
            // One video per task: every frame belongs to the one sample (FiftyOne maps frames to frame ids later).
            for (var i = 0; i < Math.Max(frames.Count, 1); i++) map[i] = t.Samples[0].Id;
            return map;
        }
        var index = sent.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        if (frames.Count == sent.Count && frames.All(index.ContainsKey))
        {
            for (var f = 0; f < frames.Count; f++) map[f] = t.Samples[index[frames[f]]].Id;
            return map;
        }
        if (frames.Count > 0) _log.Warning($"Task #{taskId}: CVAT lists {frames.Count} frame(s) that do not match the {sent.Count} file(s) sent; mapping by order");
        for (var i = 0; i < t.Samples.Count; i++) map[i] = t.Samples[i].Id;
        return map;
    }
}
