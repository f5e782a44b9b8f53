using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>Downloads media into the cache with the full worker pool; results stream in completion order.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MediaDownload", DefaultParameterSetName = PathSet, SupportsShouldProcess = false)]
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

    protected override string Activity => "Downloading media";

    protected override ProcessOptions Options => new()
    {
        Update = Update, Recurse = Recurse,
        Concurrency = NumWorkers > 0 ? Math.Clamp(NumWorkers * 8, 1, 256) : null,
    };

    protected override void Emit(MediaItemResult result)
    {
        if (!Summary) WriteObject(result);
    }

    protected override void Completed(TransferProgress p)
    {
        if (Summary) WriteObject(DownloadSummary.From(p));
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
