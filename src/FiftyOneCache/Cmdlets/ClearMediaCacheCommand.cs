using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>Removes the given items from the cache, or everything. Downloads in flight elsewhere are left alone.</summary>
[Cmdlet(VerbsCommon.Clear, "MediaCache", DefaultParameterSetName = "All", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClearResult))]
public sealed class ClearMediaCacheCommand : DatasetInputCmdlet
{
    /// <summary>Paths to remove from the cache.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [Alias("FilePath", "Uri", "Url", "FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Emit a result per item (or one for the whole cache).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Path") ClearItems(Path.Where(p => p is not null));
        else if (IsDatasetInput) ClearItems(DatasetSamples().Select(s => s.FilePath));
    }

    void ClearItems(IEnumerable<string> paths)
    {
        var cache = OpenCache();
        foreach (var p in paths)
        {
            string local;
            try { local = cache.LocalPathOf(p); }
            catch (Engine.Paths.InvalidMediaPathException e)
            {
                WriteError(new ErrorRecord(e, "InvalidMediaPath", ErrorCategory.InvalidArgument, p));
                continue;
            }
            if (!ShouldProcess(local, $"Remove cached copy of {p}")) continue;
            try
            {
                var r = cache.ClearItemAsync(p, Cancel).GetAwaiter().GetResult();
                WriteVerbose($"{r.Status}: {p}");
                if (PassThru) WriteObject(r);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, "ClearFailed", ErrorCategory.WriteError, p));
            }
        }
        Log.Drain(this);
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName != "All") return;
        var cache = OpenCache();
        var stats = cache.GetStats();
        if (!ShouldProcess(cache.Config.CacheDir, $"Remove all {stats.CurrentCount} cached file(s) ({stats.CurrentSizeStr})")) return;
        try
        {
            var r = cache.ClearAll(Cancel);
            if (r.Error is not null) WriteWarning(r.Error);
            if (PassThru) WriteObject(r);
        }
        catch (OperationCanceledException) { throw new PipelineStoppedException(); }
        Log.Drain(this);
    }
}
