using System.Collections;
using System.Management.Automation;
using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Streams pipeline input into the engine and engine results back out while input still arrives, so the first
/// result appears before the last download ends. Output, errors and progress are written only on the pipeline
/// thread; Ctrl+C cancels the engine, which deletes partial files.
/// </summary>
public abstract class MediaBatchCmdlet : DatasetInputCmdlet
{
    protected const string PathSet = "Path";
    protected const string BucketKeySet = "BucketKey";

    Channel<WorkItem>? _input;
    BatchRun? _run;
    ChannelReader<MediaItemResult>? _results;
    TransferProgress? _progress;
    long _sequence;
    /// <summary>Items handed to the run whose results have not been taken yet (a listing's items are not counted:
    /// with -Recurse nothing is answered inline).</summary>
    long _awaiting;
    ProgressView? _progressView;
    bool? _verbose;
    readonly HashSet<string> _storesDescribed = new();

    /// <summary>Paths or URLs of any registered store (Get-Help about_FiftyOneCache lists the forms), or local paths.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath", "Uri", "Url", "FullName", "Source")] // Source: CacheEntry objects bind by property name
    [AllowEmptyCollection]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Bucket of an object, as other modules' object listings emit it (the store that claims BucketName/Key input builds the reference).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = BucketKeySet)]
    [Alias("Bucket")]
    public string BucketName { get; set; } = "";

    /// <summary>Key of an object, as other modules' object listings emit it.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = BucketKeySet)]
    public string Key { get; set; } = "";

    /// <summary>Treat failures as warnings; see each cmdlet's help for what is still emitted.</summary>
    [Parameter]
    public SwitchParameter SkipFailures { get; set; }

    protected abstract ProcessOptions Options { get; }

    /// <summary>The options of this call, built once (building them reads parameters and configuration).</summary>
    ProcessOptions RunOptions => _options ??= Options;
    ProcessOptions? _options;
    protected abstract string Activity { get; }
    protected abstract void Emit(MediaItemResult result);

    protected MediaCache? Cache { get; private set; }

    protected override void BeginProcessing()
    {
        Cache = OpenCache();
        _input = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(2048) { SingleWriter = true, SingleReader = false });
        _progress = new TransferProgress();
        _progressView = new ProgressView(Activity, _progress);
        _run = Cache.Process(_input.Reader, RunOptions, _progress, Cancel);
        _results = _run.Results;
    }

    protected override void ProcessRecord()
    {
        if (IsDatasetInput)
        {
            foreach (var s in DatasetSamples(OnlySamplesWithoutMetadata)) Enqueue(s.FilePath, s);
        }
        else if (ParameterSetName == BucketKeySet) EnqueueBucketKey();
        else foreach (var p in Path.Where(p => p is not null)) EnqueueInput(p);
        DrainAvailable();
    }

    /// <summary>A path as typed: local paths resolve as the shell does; one the command refuses is reported, not queued.</summary>
    void EnqueueInput(string text)
    {
        var path = Paths.Resolve(text, out var parsed, out var error);
        if (path is null) { WriteError(error!); return; }
        if (parsed is not null && Refuse(path, parsed, text) is { } refused)
        {
            _progress!.ItemDone(refused);
            Report(refused);
            return;
        }
        if (_awaiting == 0 && parsed is not null && _run!.TryAnswerInline(new WorkItem(-1, path, text) { Ref = parsed }) is { } hit)
        {
            // Nothing handed in before it is still to come: a cached path needs no trip through the workers.
            Interlocked.Increment(ref _progress!.Submitted);
            _progress.ItemDone(hit);
            try { Report(hit); }
            finally { _run.Taken(hit); }
            ShowProgress();
            return;
        }
        Enqueue(path, text, parsed);
    }

    /// <summary>-BucketName/-Key: the reference is built by the store that claims such input, not spelled and parsed back.</summary>
    void EnqueueBucketKey()
    {
        var target = new PSObject(new { BucketName, Key });
        Engine.Paths.MediaRef m;
        try { m = Cache!.RefForBucketKey(BucketName, Key); }
        catch (Engine.Paths.InvalidMediaPathException e)
        {
            var failed = new MediaItemResult
            {
                Sequence = -1, Source = e.MediaPath, Status = ItemStatus.Failed, TargetObject = target,
                Error = e.Message, ErrorId = "InvalidMediaPath", ErrorKind = ErrorKind.InvalidArgument,
            };
            _progress!.ItemDone(failed);
            Report(failed);
            return;
        }
        Enqueue(m.Original, target, m);
    }

    /// <summary>A failed result for an input the command does not queue (e.g. a local file that does not exist), or null.</summary>
    protected virtual MediaItemResult? Refuse(string path, Engine.Paths.MediaRef parsed, object target) => null;

    protected override bool FetchesScenes => RunOptions.Download; // a scene is read to find its assets

    /// <summary>Dataset input: skip samples whose metadata is already set (Update-MediaMetadata without -Overwrite).</summary>
    protected virtual bool OnlySamplesWithoutMetadata => false;

    /// <summary>
    /// Queues one item; <paramref name="target"/> is what its error record and result name (path, bucket/key, sample);
    /// <paramref name="parsed"/>, when the path was parsed already, travels with it so the engine does not parse it again.
    /// </summary>
    protected void Enqueue(string path, object target, Engine.Paths.MediaRef? parsed = null)
    {
        var item = new WorkItem(_sequence++, path, target) { Ref = parsed };
        Interlocked.Increment(ref _progress!.Submitted);
        _awaiting++;
        while (!_input!.Writer.TryWrite(item))
        {
            DrainAvailable();
            Task.WhenAny(_input.Writer.WaitToWriteAsync(Cancel).AsTask(), _results!.WaitToReadAsync(Cancel).AsTask(), Task.Delay(200, Cancel)).Wait();
            if (Cancel.IsCancellationRequested) throw new PipelineStoppedException();
        }
    }

    protected override void EndProcessing()
    {
        _input!.Writer.TryComplete();
        // All input is in; with -Recurse, listings still add items, so the total stays open until they are done.
        _progress!.InputComplete = !RunOptions.Recurse;
        try
        {
            while (true)
            {
                var wait = _results!.WaitToReadAsync(Cancel).AsTask();
                if (!wait.Wait(250)) { ShowProgress(); Log.Drain(this); continue; }
                if (!wait.Result) break;
                DrainAvailable();
            }
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            ThrowTerminatingError(new ErrorRecord(e.InnerException, "BatchFailed", ErrorCategory.NotSpecified, null));
        }
        Log.Drain(this);
        WriteProgress(_progressView!.Completed());
        EndRun();
        Completed(_progress!);
    }

    /// <summary>Releases what the consumer never took (a stopped pipeline) and brings the cache back under its limit.</summary>
    void EndRun()
    {
        var run = Interlocked.Exchange(ref _run, null);
        run?.Dispose();
        Log.Drain(this);
    }

    /// <summary>PowerShell disposes the cmdlet after a downstream Select-Object -First or Ctrl+C as well: the pins of
    /// results never taken do not outlive the call.</summary>
    protected override void DisposeResources() => EndRun();

    /// <summary>Called for a failed item that is reported as an error rather than emitted.</summary>
    protected virtual void Failed(MediaItemResult result) { }

    /// <summary>Called once after the last result (summaries).</summary>
    protected virtual void Completed(TransferProgress progress) { }

    void DrainAvailable()
    {
        while (_results!.TryRead(out var r))
        {
            _awaiting--;
            Log.Drain(this);
            try { Report(r); }
            finally
            {
                // WriteObject has returned: the downstream pipeline has the path, so its pin can go (and with
                // -ClearAfterUse, the file).
                _run?.Taken(r);
            }
            ShowProgress();
        }
        Log.Drain(this);
    }

    void Report(MediaItemResult r)
    {
        DescribeStore(r.Store);
        if (_verbose ??= IsVerbose()) WriteVerbose(ItemLine(r));
        if (r.Status == ItemStatus.Failed && !SkipFailures) { Failed(r); WriteError(ErrorFor(r)); }
        else
        {
            if (r.Status == ItemStatus.Failed) WriteWarning(FailureText(r));
            Emit(r);
        }
    }

    /// <summary>-Verbose: one line per item, what happened and where it is.</summary>
    static string ItemLine(MediaItemResult r)
    {
        var path = Engine.Diagnostics.Redact.ForDisplay(r.Source);
        return r.Status == ItemStatus.Failed
            ? $"{path} → Failed: {r.Error}"
            : $"{path} → {r.Status}, {r.LocalPath ?? "(no local path)"}, {Sizes.Humanize(r.Size)}{(r.Status is ItemStatus.Downloaded or ItemStatus.Updated ? $" in {Sizes.Duration(r.Duration)}" : "")}";
    }

    /// <summary>The failure as one line that names the item once (engine messages usually name it already).</summary>
    internal static string FailureText(MediaItemResult r)
    {
        var error = r.Error ?? "failed";
        var path = Engine.Diagnostics.Redact.ForDisplay(r.Source);
        return error.Contains(path, StringComparison.Ordinal) ? error : $"{path}: {error}";
    }

    void DescribeStore(string store)
    {
        if (string.IsNullOrEmpty(store) || store == Engine.Paths.MediaRef.LocalStore || !_storesDescribed.Add(store)) return;
        if (!(_verbose ??= IsVerbose())) return;
        try { WriteVerbose($"{store} credentials: {Cache!.DescribeCredentials(store)}"); }
        catch (Exception e) { WriteVerbose($"{store} credentials: {e.Message}"); }
    }

    internal static ErrorRecord ErrorFor(MediaItemResult r) =>
        new(new MediaCacheItemException(r.Error ?? "failed"), r.ErrorId ?? "DownloadFailed", CategoryOf(r.ErrorKind),
            r.TargetObject is string or null ? Engine.Diagnostics.Redact.ForDisplay(r.TargetObject as string ?? r.Source) : r.TargetObject) // a URL's password stays out of the record
        {
            ErrorDetails = new ErrorDetails(r.Error ?? "failed") { RecommendedAction = RecommendedActionFor(r.ErrorId) },
        };

    /// <summary>The recommendation an item error with this ErrorId carries: what to do, in plain words.</summary>
    public static string RecommendedActionFor(string? id) => id switch
    {
        "ObjectNotFound" => "Check the bucket and key (or URL) for typos.",
        "LocalFileNotFound" => "Check the local path for typos (relative paths start at the current location, Get-Location).",
        "AccessDenied" or "NoCredentials" => "Check the credentials and profile for this store (see Get-Help about_FiftyOneCache).",
        "InvalidMediaPath" => "Use a path of a registered store (the error lists their forms) or a local path.",
        "LargerThanCache" => "Raise the limit with Set-MediaCacheConfig -CacheSizeBytes, or use -1 for no limit.",
        "TransferFailed" => "Check that the server is up and reachable from this machine (network, proxy, firewall), then run the command again.",
        "HostNotFound" => "Check the host name in the URL (or the store's endpoint in its configuration) for typos; if it is right, check this machine's DNS settings.",
        "WriteFailed" => "Check free space and permissions in the cache directory (Get-MediaCacheConfig shows it).",
        "ChecksumMismatch" => "The bytes received did not match the store's checksum three times; the object may be changing. Run again later.",
        _ => "Run again; transient failures are retried with backoff.",
    };

    void ShowProgress()
    {
        if (_progressView!.Next() is { } rec) WriteProgress(rec);
    }
}
