using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>FiftyOne's cache statistics for the whole cache, or for the given items.</summary>
[Cmdlet(VerbsCommon.Get, "MediaCacheStats", DefaultParameterSetName = "All")]
[OutputType(typeof(CacheStats))]
public sealed class GetMediaCacheStatsCommand : DatasetInputCmdlet
{
    readonly List<string> _items = new();

    /// <summary>Restrict the statistics to these paths.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [Alias("FilePath", "Uri", "Url", "FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Path") _items.AddRange(Path.Where(p => p is not null));
    }

    protected override void EndProcessing()
    {
        var cache = OpenCache();
        try
        {
            var items = ParameterSetName switch
            {
                "Path" => _items,
                DatasetSet => DatasetSamples().Select(s => s.FilePath),
                _ => null,
            };
            WriteObject(cache.GetStats(items));
        }
        catch (Engine.Paths.InvalidMediaPathException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidMediaPath", ErrorCategory.InvalidArgument, e.MediaPath));
        }
        Log.Drain(this);
    }
}
