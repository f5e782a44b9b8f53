using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Paths;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Lists cached files as the index records them (source, local path, size, ETag, last access): all of them, or
/// the items given by -Path (wildcards match cached sources), -LiteralPath or the pipeline. Reads only: a cache
/// directory that does not exist is reported with a warning, never created.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MediaCacheEntry", DefaultParameterSetName = AllSet, HelpUri = HelpLinks.Base + "Get-MediaCacheEntry.md")]
[OutputType(typeof(CacheEntry))]
public sealed class GetMediaCacheEntryCommand : MediaCacheCmdlet
{
    const string AllSet = "All";
    const string PathSet = "Path";
    const string LiteralSet = "LiteralPath";
    CachedItemSelector? _selector;
    bool _exists;
    readonly HashSet<string> _listed = new(StringComparer.Ordinal);

    /// <summary>Items to list; wildcards (e.g. 's3://my-bucket/images/*') match the sources of cached entries.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath", "Uri", "Url")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Items to list, taken exactly as written.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralSet)]
    [Alias("Source", "PSPath", "LP", "FullName")] // Source first: the module's objects name their item by it (their PSPath is the local file)
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void BeginProcessing() => _exists = CacheDirectoryExists();

    protected override void ProcessRecord()
    {
        if (!_exists || ParameterSetName == AllSet) return;
        _selector ??= new CachedItemSelector(this, Paths);
        var literal = ParameterSetName == LiteralSet;
        var cache = OpenCache();
        foreach (var input in (literal ? LiteralPath : Path).Where(p => p is not null))
        foreach (var item in _selector.Select(input, literal, () => cache))
        {
            if (Cancel.IsCancellationRequested) throw new PipelineStoppedException();
            CacheEntry? e;
            try { e = cache.EntryOf(item); }
            catch (Engine.Paths.InvalidMediaPathException ex)
            {
                WriteError(new ErrorRecord(ex, "InvalidMediaPath", ErrorCategory.InvalidArgument, input));
                continue;
            }
            if (e is null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"'{item}' is not in the cache."), "NotCached", ErrorCategory.ObjectNotFound, input));
                continue;
            }
            if (_listed.Add(e.LocalPath)) WriteObject(e);
        }
    }

    protected override void EndProcessing()
    {
        // Everything only when nothing was asked for: piped input that named nothing lists nothing.
        if (!_exists || ParameterSetName != AllSet || MyInvocation.ExpectingInput) return;
        var cache = OpenCache();
        foreach (var e in cache.Entries())
        {
            if (Cancel.IsCancellationRequested) throw new PipelineStoppedException();
            WriteObject(e);
        }
    }
}
