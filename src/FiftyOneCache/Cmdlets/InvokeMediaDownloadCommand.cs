using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>Downloads media into the cache with the full worker pool; results stream in completion order.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MediaDownload", DefaultParameterSetName = PathSet, SupportsShouldProcess = false,
        HelpUri = HelpLinks.Base + "Invoke-MediaDownload.md")]
[OutputType(typeof(MediaItemResult), typeof(DownloadSummary))]
public sealed class InvokeMediaDownloadCommand : MediaBatchCmdlet
{
    /// <summary>Re-download items whose remote ETag/checksum changed since they were cached.</summary>
    [Parameter]
    public SwitchParameter Update { get; set; }

    /// <summary>Treat each remote path as a prefix and download every object under it.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Concurrent workers for this call (overrides num_workers).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int NumWorkers { get; set; }

    /// <summary>Emit one summary object at the end instead of one object per item.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Take only share i of n of the items (stable hash of each path), e.g. 0/4, for fleet prewarm.</summary>
    [Parameter]
    [ValidatePattern(@"^\d+/\d+$")]
    public string? Shard { get; set; }

    /// <summary>Append one JSON object per item, and the summary, to this file (JSON lines) for ops pipelines.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    JsonLinesLog? _log;

    protected override string Activity => "Downloading media";

    protected override void BeginProcessing()
    {
        if (LogPath is not null)
        {
            try { _log = new JsonLinesLog(GetUnresolvedProviderPathFromPSPath(LogPath)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { ThrowTerminatingError(new ErrorRecord(e, "LogOpenFailed", ErrorCategory.OpenError, LogPath)); }
        }
        base.BeginProcessing();
    }

    protected override ProcessOptions Options => new()
    {
        Update = Update, Recurse = Recurse,
        Retain = Retention.WhileDownloading, // a prewarm larger than the cache keeps the limit (most recent items stay)
        Concurrency = NumWorkers > 0 ? Math.Clamp(NumWorkers * 8, 1, 256) : null,
        Shard = ParseShard(),
    };

    Shard? ParseShard()
    {
        if (Shard is null) return null;
        try { return Engine.Cache.Shard.Parse(Shard); }
        catch (FormatException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidShard", ErrorCategory.InvalidArgument, Shard));
            return null;
        }
    }

    /// <summary>
    /// A prewarm of a local file that does not exist is an error: reporting it as "Local, 0 B" would call a typo a
    /// success. (Get-MediaLocalPath keeps FiftyOne's rule and returns local paths unchanged.)
    /// </summary>
    protected override MediaItemResult? Refuse(string path, object target)
    {
        Engine.Paths.MediaRef m;
        try { m = Cache!.Parser.Parse(path); }
        catch (Engine.Paths.InvalidMediaPathException) { return null; } // the engine reports it
        if (!m.IsLocal || File.Exists(m.Key) || Directory.Exists(m.Key)) return null;
        return new MediaItemResult
        {
            Sequence = -1, Source = path, Store = m.Store, Status = ItemStatus.Failed, TargetObject = target,
            Error = $"local file '{m.Key}' does not exist", ErrorId = "LocalFileNotFound", ErrorKind = ErrorKind.ObjectNotFound,
        };
    }

    protected override void Emit(MediaItemResult result)
    {
        _log?.Item(result);
        if (!Summary) WriteObject(result);
    }

    protected override void Failed(MediaItemResult result) => _log?.Item(result);

    protected override void Completed(TransferProgress p)
    {
        var summary = DownloadSummary.From(p);
        _log?.Summary(summary);
        _log?.Dispose();
        if (Summary) WriteObject(summary);
    }
}

/// <summary>One object that sums up a batch: what scheduled prewarm tasks log.</summary>
public sealed class DownloadSummary
{
    public long Total { get; init; }
    public long Downloaded { get; init; }
    public long Cached { get; init; }
    public long Failed { get; init; }
    public long Bytes { get; init; }
    public TimeSpan Duration { get; init; }
    public double BytesPerSecond { get; init; }

    internal static DownloadSummary From(TransferProgress p) => new()
    {
        Total = p.Done, Downloaded = p.Downloaded, Cached = p.CachedHits, Failed = p.Failed, Bytes = p.BytesTransferred,
        Duration = p.Elapsed, BytesPerSecond = p.BytesPerSecond,
    };
}
