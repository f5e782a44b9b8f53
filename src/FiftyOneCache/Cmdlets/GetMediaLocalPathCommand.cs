using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Local paths for media paths, in input order, one per input: a drop-in for a list of file paths.
/// Missing items are downloaded first unless -NoDownload. Local inputs come back unchanged.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MediaLocalPath", DefaultParameterSetName = PathSet)]
[OutputType(typeof(string))]
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

    protected override string Activity => "Resolving local paths";

    protected override ProcessOptions Options => new() { Download = !NoDownload, Update = Update, Ordered = true };

    protected override void Emit(MediaItemResult result)
    {
        if (Detailed) { WriteObject(result); return; }
        // With -SkipFailures a failed item still yields the path where it would be cached, keeping the list aligned.
        var path = result.LocalPath ?? (result.Status == ItemStatus.Failed ? SafeLocalPath(result.Path) : null);
        WriteObject(path);
    }

    string? SafeLocalPath(string input)
    {
        try { return Cache!.LocalPathOf(input); }
        catch (Exception) { return null; }
    }
}
