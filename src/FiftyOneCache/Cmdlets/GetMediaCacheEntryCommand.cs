using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>Lists cached files as the index records them (source, local path, size, ETag, last access).</summary>
[Cmdlet(VerbsCommon.Get, "MediaCacheEntry")]
[OutputType(typeof(CacheEntry))]
public sealed class GetMediaCacheEntryCommand : MediaCacheCmdlet
{
    /// <summary>Wildcard on the source path, e.g. 's3://my-bucket/images/*'.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Source { get; set; }

    protected override void EndProcessing()
    {
        var cache = OpenCache();
        foreach (var e in cache.Entries(Source))
        {
            if (Cancel.IsCancellationRequested) throw new PipelineStoppedException();
            WriteObject(e);
        }
    }
}
