using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Operations;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// What Get-, Copy-, Move- and Remove-MediaFile share: the engine's operations on the open cache (for coherence),
/// the worker pool driven from the pipeline thread, progress with items, bytes and time left, and one error record
/// per failed item (ErrorId, the path as TargetObject) while the rest go on.
/// </summary>
public abstract class MediaFileCmdlet : MediaCacheCmdlet
{
    MediaFileOperations? _ops;

    internal MediaFileOperations Ops => _ops ??= new MediaFileOperations(OpenCache());

    /// <summary>
    /// Items at once: as many as a download runs (num_workers × 8, at most 256). Copies, uploads and deletes wait on
    /// the network, not the CPU: with num_workers (the core count) in flight, a 2-core machine had 2 requests out
    /// at a time, and 2,000 uploads took 3–5× their CPU time in wall time (rclone has 16 out, aws-cli 10).
    /// </summary>
    protected int Workers => Ops.Cache.DefaultConcurrency;

    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>A remote path as given; a local one as the shell resolves it (relative to the current location), literally.</summary>
    protected string Resolve(string path) => path.Contains("://", StringComparison.Ordinal) ? path : Inputs.Local(path);

    /// <summary>-Path (wildcards) and -LiteralPath, as the *-Item cmdlets read them.</summary>
    internal MediaPathInput Inputs => new(this, () => Ops, Cancel);

    /// <summary>
    /// Bound by property name from the ETag of a piped object that a store just reported (Get-MediaFile's files,
    /// -PassThru results): its Path is then taken literally, whatever characters the name has, and known to exist.
    /// Not for typing: the objects' Path property binds -Path, and this tells such objects apart from a CSV's rows.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("ETag")]
    public string? ReportedETag { get; set; }

    /// <summary>Whether the current pipeline object is one a store reported (it has an ETag property).</summary>
    protected bool FromStoreReport => MyInvocation.BoundParameters.ContainsKey(nameof(ReportedETag));

    /// <summary>Whether the paths are taken literally: -LiteralPath, or an object a store reported.</summary>
    protected bool IsLiteral => ParameterSetName == LiteralPathSet || FromStoreReport;

    /// <summary>Each given path resolved; a path that cannot be is reported for itself and the rest go on.</summary>
    internal IEnumerable<(string Given, ResolvedPath Path)> ResolveAll(IEnumerable<string> given)
    {
        foreach (var g in given)
        {
            List<ResolvedPath> found;
            try { found = Inputs.Resolve(g, IsLiteral); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, g); continue; }
            foreach (var f in found) yield return (g, f);
        }
    }

    protected void WriteItemError(Exception e, object target)
    {
        if (e is OperationException oe)
        {
            WriteError(new ErrorRecord(oe, oe.ErrorId, ErrorCategory.InvalidArgument, oe.Path));
            return;
        }
        var (id, kind) = ErrorMapping.Classify(e);
        WriteError(new ErrorRecord(new MediaCacheItemException(ErrorMapping.Message(e)), id, CategoryOf(kind), target));
    }

    /// <summary>Runs work items on the pool; writes results and errors here, and progress twice a second.</summary>
    protected void Drive<TIn>(IReadOnlyList<TIn> items, string activity, Func<TIn, OperationProgress, CancellationToken, Task<TransferResult>> work,
        Func<TIn, object> target, Action<TransferResult>? onResult = null)
    {
        if (items.Count == 0) return;
        var progress = new OperationProgress { Total = items.Count };
        var reader = OperationRunner.Run(items, Workers, (item, ct) => work(item, progress, ct), Cancel);
        DrainOutcomes(reader.ReadAllAsync(Cancel), activity, progress, target, onResult);
    }

    protected void DrainOutcomes<TIn>(IAsyncEnumerable<Outcome<TIn, TransferResult>> outcomes, string activity, OperationProgress progress,
        Func<TIn, object> target, Action<TransferResult>? onResult = null)
    {
        var last = TimeSpan.Zero;
        var e = outcomes.GetAsyncEnumerator(Cancel);
        try
        {
            while (true)
            {
                var next = e.MoveNextAsync().AsTask();
                while (!next.Wait(250))
                    if (progress.Elapsed - last > TimeSpan.FromMilliseconds(500)) { last = progress.Elapsed; WriteProgress(Render(activity, progress)); }
                if (!next.Result) break;
                var o = e.Current;
                if (o.Error is null && o.Result is not null) { progress.ItemDone(true); onResult?.Invoke(o.Result); }
                else if (o.Error is not null) { progress.ItemDone(false); WriteItemError(o.Error, target(o.Input)); }
                Log.Drain(this);
            }
        }
        catch (AggregateException a) when (a.InnerException is OperationCanceledException) { throw new PipelineStoppedException(); }
        catch (OperationCanceledException) { throw new PipelineStoppedException(); }
        finally
        {
            e.DisposeAsync().AsTask().GetAwaiter().GetResult();
            WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    static ProgressRecord Render(string activity, OperationProgress p)
    {
        var f = p.Fraction;
        var text = $"{p.Done}/{p.Total} items, {Sizes.Humanize(p.Bytes)} of {Sizes.Humanize(p.TotalBytes)}, {Sizes.Rate(p.BytesPerSecond)}" +
                   (p.Failed > 0 ? $", {p.Failed} failed" : "");
        var rec = new ProgressRecord(2, activity, text) { PercentComplete = (int)(f * 100) };
        if (f is > 0.005 and < 1) rec.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Ceiling(p.Elapsed.TotalSeconds * (1 - f) / f));
        if (p.Current is { } c) rec.CurrentOperation = Engine.Diagnostics.Redact.ForDisplay(c);
        return rec;
    }

    /// <summary>ConfirmImpact as Remove-Item: -Force skips the prompt; -WhatIf and an explicit -Confirm still apply.</summary>
    protected bool Approve(string target, string action, bool force)
    {
        var confirm = MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && ((SwitchParameter)c).IsPresent;
        if (force && !IsWhatIf() && !confirm) return true;
        return ShouldProcess(target, action);
    }
}
