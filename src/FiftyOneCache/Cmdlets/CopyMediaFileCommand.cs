using System.Management.Automation;
using FiftyOneCache.Engine.Operations;


namespace FiftyOneCache.Cmdlets;

/// <summary>What Copy- and Move-MediaFile share: pairs of paths planned, approved and run on the worker pool.</summary>
public abstract class MediaTransferCmdlet : MediaFileCmdlet
{
    protected const string DatasetSet = "Dataset";
    readonly List<(string Source, string Destination)> _requests = [];

    /// <summary>Source files (or folders with -Recurse): s3://, gs://, Azure, MinIO, http(s) or local; wildcards select them.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] Path { get; set; } = [];

    /// <summary>Source files (or folders with -Recurse), taken literally.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP", "FullName", "Source")]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>-Destination as bound: each cmdlet declares the parameter itself, in the parameter sets it has.</summary>
    protected abstract string DestinationPath { get; }

    /// <summary>Copy everything under a folder source.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Overwrite even an identical destination (and do not ask).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Never overwrite an existing destination.</summary>
    [Parameter] public SwitchParameter NoClobber { get; set; }

    /// <summary>Emit one result per file.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected virtual bool IsMove => false;
    protected virtual string Verb => "Copy";

    protected override void ProcessRecord()
    {
        if (Force && NoClobber)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Force and -NoClobber cannot be used together"), "ForceAndNoClobber", ErrorCategory.InvalidArgument, null));
        if (ParameterSetName == DatasetSet) return;
        var destination = Resolve(DestinationPath);
        foreach (var (_, p) in ResolveAll(ParameterSetName == LiteralPathSet ? LiteralPath : Path))
            // What a wildcard found goes into -Destination as a folder (as Copy-Item with several sources).
            _requests.Add((p.Path, p.Expanded && !destination.EndsWith('/') && !destination.EndsWith('\\') ? destination + "/" : destination));
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == DatasetSet) { UploadDataset(); return; }
        var pairs = new List<TransferPair>();
        foreach (var (src, dst) in _requests)
        {
            try { pairs.AddRange(Ops.PlanAsync(src, dst, Recurse, Cancel).GetAwaiter().GetResult()); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, src); }
        }
        foreach (var bad in pairs.Where(p => p.Error is not null)) WriteItemError(bad.Error!, bad.Source);
        var approved = pairs.Where(p => p.Error is null && ShouldProcess($"Item: {Redact(p.Source)} Destination: {Redact(p.Destination)}", $"{Verb} media file")).ToList();
        var options = new TransferOptions { Force = Force, NoClobber = NoClobber, Move = IsMove };
        Drive(approved, $"{Verb} media files", (pair, progress, ct) => Ops.CopyAsync(pair, options, progress, ct), p => p.Source,
            r =>
            {
                WriteVerbose($"{Redact(r.Source!)} → {Redact(r.Path)}: {r.Status} ({r.Method})");
                if (PassThru) WriteObject(r);
            });
        Log.Drain(this);
    }

    /// <summary>-Dataset (Copy-MediaFile only).</summary>
    protected virtual void UploadDataset() { }

    protected static string Redact(string s) => Engine.Diagnostics.Redact.ForDisplay(s);
}

/// <summary>Copies files between any stores (FiftyOne's copy_files), or a dataset's media (upload_media).</summary>
[Cmdlet(VerbsCommon.Copy, "MediaFile", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Copy-MediaFile.md")]
[OutputType(typeof(TransferResult), typeof(string))]
public sealed class CopyMediaFileCommand : MediaTransferCmdlet
{
    /// <summary>The destination file, or a folder (ending in '/', or an existing local folder) to copy into; a folder when -Path has wildcards.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DatasetSet)]
    [Alias("Target")]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string Destination { get; set; } = "";

    protected override string DestinationPath => Destination;

    /// <summary>upload_media: the FiftyOne dataset whose media files are uploaded into -Destination.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatasetSet)]
    [ArgumentCompleter(typeof(DatasetNameCompleter))]
    public string Dataset { get; set; } = "";

    /// <summary>With -Dataset: the FiftyOne MongoDB database (default FIFTYONE_DATABASE_URI).</summary>
    [Parameter(ParameterSetName = DatasetSet)] public string? DatabaseUri { get; set; }

    /// <summary>With -Dataset: the sample field holding the media path (default filepath).</summary>
    [Parameter(ParameterSetName = DatasetSet)] public string MediaField { get; set; } = "filepath";

    /// <summary>With -Dataset: keep paths relative to this folder (rel_dir); otherwise basenames.</summary>
    [Parameter(ParameterSetName = DatasetSet)] public string? RelativeTo { get; set; }

    /// <summary>With -Dataset: point each sample at its uploaded file, once that upload is verified.</summary>
    [Parameter(ParameterSetName = DatasetSet)] public SwitchParameter UpdateFilePath { get; set; }

    /// <summary>With -Dataset: make the local file the uploaded object's cached copy (Copy), or move it there (Move, with -UpdateFilePath).</summary>
    [Parameter(ParameterSetName = DatasetSet)] public MediaUploadCache Cache { get; set; } = MediaUploadCache.None;

    /// <summary>upload_media: every destination planned first (a clash stops the run before any upload), results in sample order.</summary>
    protected override void UploadDataset()
    {
        DatasetUpload upload;
        List<DatasetUploadItem> plan;
        try
        {
            var ds = Engine.Datasets.FiftyOneDatabase.Connect(DatabaseUri).Open(Dataset);
            upload = new DatasetUpload(Ops, ds);
            var samples = new Engine.Datasets.DatasetMediaReader(ds)
                .Stream(new Engine.Datasets.SampleFilter(), new Engine.Datasets.MediaSelection([MediaField], IncludeAssets: false), Cancel)
                .Where(s => s.Field == MediaField).Select(s => Ops.Parse(s.FilePath).IsLocal ? s with { FilePath = Ops.Parse(s.FilePath).Key } : s).ToList();
            plan = upload.Plan(samples, Resolve(DestinationPath), RelativeTo is null ? null : Resolve(RelativeTo));
        }
        catch (Engine.Datasets.DatasetException e) { ThrowTerminatingError(new ErrorRecord(e, "DatasetUnavailable", ErrorCategory.ObjectNotFound, Dataset)); return; }
        catch (OperationException e) { ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidArgument, e.Path)); return; }
        var approved = plan.Where(p => ShouldProcess($"Item: {Redact(p.Local)} Destination: {Redact(p.Remote)}", "Upload media file")).ToList();
        var options = new TransferOptions { Force = Force, NoClobber = NoClobber };
        var done = new HashSet<string>(StringComparer.Ordinal);
        Drive(approved, $"Upload {Dataset}", (item, progress, ct) => upload.UploadAsync(item, options, UpdateFilePath, (UploadCacheMode)(int)Cache, progress, ct), i => i.Local,
            r => { done.Add(r.Path); WriteVerbose($"{Redact(r.Source!)} → {Redact(r.Path)}: {r.Status}"); });
        // upload_media returns the remote paths in sample order (failed items were reported as errors).
        foreach (var item in approved) if (done.Contains(item.Remote)) WriteObject(item.Remote);
        Log.Drain(this);
    }

}

/// <summary>Moves files between any stores (FiftyOne's move_files): the source goes only after the destination is verified.</summary>
[Cmdlet(VerbsCommon.Move, "MediaFile", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Move-MediaFile.md")]
[OutputType(typeof(TransferResult))]
public sealed class MoveMediaFileCommand : MediaTransferCmdlet
{
    /// <summary>The destination file, or a folder (ending in '/', or an existing local folder) to move into. No -Dataset set:
    /// a dataset's media are copied (upload_media), never moved.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("Target")]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string Destination { get; set; } = "";

    protected override string DestinationPath => Destination;

    protected override bool IsMove => true;
    protected override string Verb => "Move";
}

/// <summary>-Cache of Copy-MediaFile -Dataset (declared here: parameter types must load before the engine does).</summary>
public enum MediaUploadCache { None = 0, Copy = 1, Move = 2 }
