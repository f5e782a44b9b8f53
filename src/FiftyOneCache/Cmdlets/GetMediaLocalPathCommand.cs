using System.Management.Automation;
using FiftyOneCache.Engine.Datasets;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Local paths for media paths, in input order, one per input: a drop-in for a list of file paths.
/// Missing items are downloaded first unless -NoDownload. Local inputs come back unchanged.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MediaLocalPath", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "Get-MediaLocalPath.md")]
[OutputType(typeof(string), typeof(MediaItemResult))]
public sealed class GetMediaLocalPathCommand : MediaBatchCmdlet
{
    /// <summary>Return where each item is or would be cached without downloading anything.</summary>
    [Parameter]
    public SwitchParameter NoDownload { get; set; }

    /// <summary>Re-download items whose remote ETag/checksum changed.</summary>
    [Parameter]
    public SwitchParameter Update { get; set; }

    /// <summary>Emit the full result objects instead of path strings.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>
    /// Download at most this many items ahead of the consumer (FiftyOne's download_context batch_size).
    /// Overrides download_size_bytes for this call.
    /// </summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int BatchSize { get; set; }

    /// <summary>
    /// Download at most this many bytes ahead of the consumer (FiftyOne's target_size_bytes; default
    /// download_size_bytes, 128 MB). A negative value downloads everything at once, as in FiftyOne.
    /// </summary>
    [Parameter]
    public long BatchSizeBytes { get; set; }

    /// <summary>
    /// Remove each item's cached copy once the downstream pipeline has taken it (FiftyOne's clear=True); items that
    /// were already cached before the call stay.
    /// </summary>
    [Parameter]
    public SwitchParameter ClearAfterUse { get; set; }

    protected override string Activity => "Resolving local paths";

    // -NoDownload against a cache directory that does not exist: say so, answer where each item would be cached,
    // and create nothing (the engine would create the directory and its index just by opening).
    bool _noCache;
    /// <summary>With no cache: the path parser with MinIO routing, made once per call (it reads the MinIO ini file).</summary>
    Engine.Storage.StoreRegistry? _stores;

    protected override void BeginProcessing()
    {
        if (NoDownload && !CacheDirectoryExists()) { _noCache = true; _stores = StoresWithoutCache(); return; }
        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        if (!_noCache) { base.ProcessRecord(); return; }
        var inputs = IsDatasetInput ? DatasetSamples().Select(s => ((string?)s.FilePath, (object)s))
            : ParameterSetName == BucketKeySet ? new[] { ((string?)null, (object)new PSObject(new { BucketName, Key })) }
            : Path.Where(p => p is not null).Select(p => ((string?)p, (object)p));
        var stores = _stores!;
        foreach (var (text, target) in inputs)
        {
            Engine.Paths.MediaRef m;
            string path;
            try
            {
                if (text is null) { m = stores.RefForBucketKey(BucketName, Key); path = m.Original; } // built by the store, not parsed back
                else
                {
                    var resolved = Paths.Resolve(text, out var parsed, out var error);
                    if (resolved is null) { WriteError(error!); continue; }
                    path = resolved;
                    m = parsed ?? stores.Parser.Parse(resolved); // a refused path is parsed again for its reason
                }
            }
            catch (Engine.Paths.InvalidMediaPathException e)
            {
                WriteError(new ErrorRecord(e, "InvalidMediaPath", ErrorCategory.InvalidArgument, target));
                continue;
            }
            var local = m.IsLocal ? m.Key : Engine.Paths.CacheLayout.FullPath(Config.CacheDir, m);
            Emit(new MediaItemResult
            {
                Source = path, Store = m.Store, LocalPath = local, TargetObject = target,
                Status = m.IsLocal ? ItemStatus.Local : ItemStatus.NotCached,
            });
        }
        Log.Drain(this);
    }

    protected override void EndProcessing()
    {
        if (!_noCache) base.EndProcessing();
    }

    protected override void DisposeResources()
    {
        _stores = null; // the base disposes the stores it bound
        base.DisposeResources();
    }


    protected override ProcessOptions Options => new()
    {
        Download = !NoDownload, Update = Update, Ordered = true, Retain = Retention.UntilTaken,
        ReadAhead = ReadAheadFor(Config), ClearAfterUse = ClearAfterUse, PathOnly = !Detailed,
    };

    /// <summary>
    /// The batch the call may download ahead of its consumer. By bytes, it is also bounded by the cache's own limit:
    /// a batch larger than the cache would push out what the consumer is about to read.
    /// </summary>
    ReadAhead ReadAheadFor(Engine.Configuration.CacheConfig config)
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(BatchSize))) return new ReadAhead(0, BatchSize);
        var bytes = MyInvocation.BoundParameters.ContainsKey(nameof(BatchSizeBytes)) ? BatchSizeBytes : config.DownloadSizeBytes;
        if (bytes == 0)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-BatchSizeBytes 0 would download nothing ahead; use a positive size, or a negative one for everything at once"),
                "InvalidBatchSize", ErrorCategory.InvalidArgument, bytes));
        if (bytes < 0) return ReadAhead.Unbounded;
        if (!config.IsUnlimited) bytes = Math.Min(bytes, config.CacheSizeBytes);
        return new ReadAhead(bytes, 0);
    }

    /// <summary>
    /// FiftyOne's get_local_paths(media_field="filepath"): one path per sample, from the filepath field unless
    /// -MediaField names another (Invoke-MediaDownload -Dataset takes every media field, as download_media).
    /// </summary>
    protected override MediaSelection Selection => new(MediaField.Length > 0 ? MediaField : new[] { "filepath" }, IncludeAssets);

    protected override void Emit(MediaItemResult result)
    {
        if (Detailed) { WriteObject(result); return; }
        // A 3D scene's assets are downloaded beside it (where its relative paths find them), but the sample's path is the scene's.
        if (result.TargetObject is SampleRef { Scene: not null }) return;
        // With -SkipFailures a failed item still yields the path where it would be cached, keeping the list aligned.
        var path = result.LocalPath ?? (result.Status == ItemStatus.Failed ? SafeLocalPath(result.Source) : null);
        WriteObject(path);
    }

    string? SafeLocalPath(string input)
    {
        try { return Cache!.LocalPathOf(input); }
        catch (Exception) { return null; }
    }
}
