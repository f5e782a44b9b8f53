using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Datasets;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Computes FiftyOne metadata (image size/type/dimensions/channels; video frame size, rate, count, duration,
/// encoding) from cached media. For paths it emits metadata objects; for a dataset it writes each sample's
/// "metadata" field the way FiftyOne does, in bulk, and emits a summary.
/// </summary>
[Cmdlet(VerbsData.Update, "MediaMetadata", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Update-MediaMetadata.md")]
[OutputType(typeof(MediaMetadata), typeof(MetadataSummary))]
public sealed class UpdateMediaMetadataCommand : MediaBatchCmdlet
{
    MetadataWriter? _writer;
    long _computed, _failed;

    /// <summary>Recompute samples whose metadata is already set (by default they are skipped).</summary>
    [Parameter]
    public SwitchParameter Overwrite { get; set; }

    protected override string Activity => "Computing media metadata";
    protected override ProcessOptions Options => new();
    protected override bool OnlySamplesWithoutMetadata => !Overwrite;

    const string ItemAction = "Download into the cache if needed and compute metadata";

    // -WhatIf: say what would happen and touch nothing (no download, no cache directory, no database write).
    bool _whatIf;

    /// <summary>FiftyOne's metadata field describes the sample's filepath media, so only that file is read.</summary>
    protected override MediaSelection Selection => MediaSelection.FilePathOnly;

    protected override void BeginProcessing()
    {
        if (IsDatasetInput && (MyInvocation.BoundParameters.ContainsKey(nameof(MediaField)) || MyInvocation.BoundParameters.ContainsKey(nameof(IncludeAssets))))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                "Update-MediaMetadata writes each sample's metadata field, which FiftyOne computes from the filepath media only; -MediaField and -IncludeAssets do not apply"),
                "ParameterNotApplicable", ErrorCategory.InvalidArgument, Dataset));
        _whatIf = IsWhatIf();
        if (IsDatasetInput)
        {
            var ds = OpenDataset();
            if (ShouldProcess($"dataset '{ds.Name}'", "Download its samples' media into the cache if needed and write their metadata field")) _writer = new MetadataWriter(ds);
            else _whatIf = true; // declined or -WhatIf: nothing to compute
        }
        if (!_whatIf) base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        if (!_whatIf) { base.ProcessRecord(); return; }
        if (IsDatasetInput) return;
        var items = ParameterSetName == BucketKeySet ? new[] { Engine.Storage.S3.S3Paths.Of(BucketName, Key) } : Path.Where(p => p is not null);
        foreach (var p in items)
            if (Paths.Resolve(p, out var error) is { } path) ShouldProcess(path, ItemAction);
            else WriteError(error!);
    }

    protected override void EndProcessing()
    {
        if (!_whatIf) base.EndProcessing();
    }

    protected override void Emit(MediaItemResult result)
    {
        if (result.LocalPath is null || result.Status == ItemStatus.Failed) { _failed++; return; }
        MediaMetadata metadata;
        try { metadata = MetadataComputer.Compute(result.LocalPath, (result.TargetObject as SampleRef)?.MediaType); }
        catch (Exception e) when (e is not PipelineStoppedException and not OperationCanceledException)
        {
            _failed++;
            var err = new ErrorRecord(new MediaCacheItemException($"{result.Source}: cannot compute metadata: {e.Message}"), "MetadataFailed",
                ErrorCategory.InvalidData, result.TargetObject ?? result.Source);
            if (SkipFailures) WriteWarning(err.Exception.Message); else WriteError(err);
            return;
        }
        _computed++;
        if (result.TargetObject is SampleRef sample)
        {
            if (_writer is not null) _writer.Add(sample, metadata with { Source = result.Source });
        }
        else WriteObject(metadata with { Source = result.Source }); // the item as given, so that it pipes into the other cmdlets
    }

    protected override void Failed(MediaItemResult result) => _failed++;

    protected override void Completed(TransferProgress progress)
    {
        if (!IsDatasetInput) return;
        _writer?.Flush();
        WriteObject(new MetadataSummary
        {
            Dataset = Dataset, Computed = _computed, Written = _writer?.Written ?? 0, Failed = _failed,
            Skipped = Overwrite ? 0 : OpenDataset().Count(SelectedSamples()) - _computed - _failed,
        });
    }
}

/// <summary>What Update-MediaMetadata -Dataset did.</summary>
public sealed class MetadataSummary
{
    public string Dataset { get; init; } = "";
    public long Computed { get; init; }
    public long Written { get; init; }
    public long Skipped { get; init; }
    public long Failed { get; init; }
}
