using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Paths;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// FiftyOne's cache statistics for the whole cache, or for the given items. Reads only: a cache directory that
/// does not exist is reported with a warning and empty statistics, never created. Get-MediaCacheStats, the name
/// of earlier versions, is an alias.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MediaCacheStatistic", DefaultParameterSetName = AllSet, HelpUri = HelpLinks.Base + "Get-MediaCacheStatistic.md")]
[Alias("Get-MediaCacheStats")]
[OutputType(typeof(CacheStats))]
public sealed class GetMediaCacheStatisticCommand : DatasetInputCmdlet
{
    const string AllSet = "All";
    const string PathSet = "Path";
    const string LiteralSet = "LiteralPath";
    readonly List<string> _items = new();
    CachedItemSelector? _selector;

    /// <summary>Restrict the statistics to these paths; wildcards match cached items.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath", "Uri", "Url")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Restrict the statistics to these paths, taken exactly as written.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralSet)]
    [Alias("Source", "PSPath", "LP", "FullName")] // Source first: the module's objects name their item by it (their PSPath is the local file)
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    bool _exists;

    protected override void BeginProcessing() => _exists = CacheDirectoryExists();

    protected override void ProcessRecord()
    {
        if (ParameterSetName is not (PathSet or LiteralSet)) return;
        _selector ??= new CachedItemSelector(this, Paths);
        var literal = ParameterSetName == LiteralSet;
        foreach (var p in (literal ? LiteralPath : Path).Where(p => p is not null))
            _items.AddRange(_selector.Select(p, literal, () => _exists ? OpenCache() : null));
    }

    protected override void EndProcessing()
    {
        // Piped input that named nothing gives statistics for no items, not for the whole cache.
        var items = ParameterSetName switch
        {
            PathSet or LiteralSet => _items,
            DatasetSet => DatasetSamples().Select(s => s.FilePath),
            _ when MyInvocation.ExpectingInput => _items,
            _ => null,
        };
        try
        {
            if (!_exists) { WriteObject(Empty(items)); return; }
            var cache = OpenCache();
            WriteObject(cache.GetStats(items));
        }
        catch (Engine.Paths.InvalidMediaPathException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidMediaPath", ErrorCategory.InvalidArgument, e.MediaPath));
        }
        Log.Drain(this);
    }

    /// <summary>The statistics of a cache that does not exist: nothing cached, every requested item missing.</summary>
    CacheStats Empty(IEnumerable<string>? items)
    {
        var limit = Config.CacheSizeBytes;
        var requested = items?.LongCount();
        return new CacheStats
        {
            CacheDir = Config.CacheDir, CacheSize = limit,
            LoadFactor = limit > 0 ? 0 : null, Scope = items is null ? "All" : "Items", RequestedCount = requested, MissingCount = requested,
        };
    }
}
