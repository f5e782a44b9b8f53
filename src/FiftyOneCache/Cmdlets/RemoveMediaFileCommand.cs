using System.Management.Automation;
using FiftyOneCache.Engine.Operations;

namespace FiftyOneCache.Cmdlets;

/// <summary>Deletes files from any store (FiftyOne's delete_files); their cached copies go too.</summary>
[Cmdlet(VerbsCommon.Remove, "MediaFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Base + "Remove-MediaFile.md")]
[OutputType(typeof(TransferResult))]
public sealed class RemoveMediaFileCommand : MediaFileCmdlet
{
    readonly List<string> _paths = [];

    /// <summary>Files to delete, or folders with -Recurse.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FilePath", "Source", "Destination")]
    public string[] Path { get; set; } = [];

    /// <summary>Delete everything under a folder or prefix.</summary>
    [Parameter] public SwitchParameter Recurse { get; set; }

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Emit one result per file removed.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => _paths.AddRange(Path.Select(Resolve));

    protected override void EndProcessing()
    {
        var files = new List<string>();
        foreach (var p in _paths)
        {
            try { files.AddRange(Ops.PlanDeleteAsync(p, Recurse, Cancel).GetAwaiter().GetResult()); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, p); }
        }
        var approved = files.Where(f => Approve(Engine.Diagnostics.Redact.ForDisplay(f), "Remove media file", Force)).ToList();
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
