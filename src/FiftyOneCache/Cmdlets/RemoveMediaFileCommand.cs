using System.Management.Automation;
using FiftyOneCache.Engine.Operations;

namespace FiftyOneCache.Cmdlets;

/// <summary>Deletes files from any store (FiftyOne's delete_files); their cached copies go too.</summary>
[Cmdlet(VerbsCommon.Remove, "MediaFile", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Base + "Remove-MediaFile.md")]
[OutputType(typeof(TransferResult))]
public sealed class RemoveMediaFileCommand : MediaFileCmdlet
{
    readonly List<ResolvedPath> _paths = [];

    /// <summary>Files to delete, or folders with -Recurse; wildcards select them.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] Path { get; set; } = [];

    /// <summary>Files to delete (or folders with -Recurse), taken literally.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP", "FullName", "Source", "Destination")]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Delete everything under a folder or prefix.</summary>
    [Parameter] public SwitchParameter Recurse { get; set; }

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Emit one result per file removed.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() =>
        // An object a store reported (Get-MediaFile's) is there: no existence check before its delete.
        _paths.AddRange(ResolveAll(ParameterSetName == LiteralPathSet ? LiteralPath : Path).Select(x => FromStoreReport ? x.Path with { Expanded = true } : x.Path));

    protected override void EndProcessing()
    {
        var files = new List<DeleteTarget>();
        foreach (var p in _paths)
        {
            // A remote object a wildcard found is there (the listing said so); anything else is planned.
            if (p.Listed is not null) { files.Add(new DeleteTarget(p.Path, Listed: true)); continue; }
            try { files.AddRange(Ops.PlanDeleteAsync(p.Path, Recurse, Cancel).GetAwaiter().GetResult().Select(t => p.Expanded ? t with { Listed = true } : t)); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, p.Path); }
        }
        var approved = files.Where(f => Approve(Engine.Diagnostics.Redact.ForDisplay(f.Path), "Remove media file", Force)).ToList();
        if (approved.Count == 0) return;
        var progress = new OperationProgress { Total = approved.Count };
        DrainOutcomes(Ops.DeleteAsync(approved, Workers, progress, Cancel), "Remove media files", progress, p => p, r =>
        {
            WriteVerbose($"{Engine.Diagnostics.Redact.ForDisplay(r.Path)}: removed");
            if (PassThru) WriteObject(r);
        });
        Log.Drain(this);
    }
}
