using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Engine.Cvat;

/// <summary>
/// One New-CvatAnnotation call: load the dataset, refuse a key already in use, authenticate, plan (all
/// validation), then run. Split in two so -WhatIf can stop after the plan.
/// </summary>
public sealed class CvatAnnotationJob
{
    readonly MediaCache _cache;
    readonly CvatClient _cvat;
    readonly IAnnotationDatasetStore _store;
    readonly IEngineLog _log;

    public CvatAnnotationJob(MediaCache cache, CvatClient cvat, IAnnotationDatasetStore store, IEngineLog? log = null)
    {
        _cache = cache;
        _cvat = cvat;
        _store = store;
        _log = log ?? NullLog.Instance;
    }

    public async Task<AnnotationPlan> PrepareAsync(AnnotationRequest request, string datasetName, bool fetchMedia, TransferProgress? progress, CancellationToken ct)
    {
        var ds = await _store.LoadAsync(datasetName, ct).ConfigureAwait(false);
        _log.Verbose($"Dataset '{ds.Name}': {ds.Samples.Count} sample(s){(ds.ViewStages is null ? "" : " (filtered)")}");
        if (await _store.HasAnnotationRunAsync(ds, request.AnnotationKey, ct).ConfigureAwait(false))
            throw new AnnotationValidationException(
                $"Dataset '{ds.Name}' already has an annotation run with key '{request.AnnotationKey}': choose another key, or delete that run first (FiftyOne: dataset.delete_annotation_run('{request.AnnotationKey}'))",
                ErrorKind.InvalidArgument);
        return await new AnnotationPlanner(_cache, _cvat, _log).PlanAsync(request, ds, fetchMedia, progress, ct).ConfigureAwait(false);
    }

    public Task<AnnotationOutcome> RunAsync(AnnotationPlan plan, Action<AnnotationProgress>? progress, CancellationToken ct) =>
        new AnnotationRunner(_cvat, _store, _log).RunAsync(plan, progress, ct);
}
