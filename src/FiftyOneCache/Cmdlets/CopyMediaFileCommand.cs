using System.Management.Automation;
using FiftyOneCache.Engine.Operations;

namespace FiftyOneCache.Cmdlets;

/// <summary>Copies files between any stores (FiftyOne's copy_files).</summary>
[Cmdlet(VerbsCommon.Copy, "MediaFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Copy-MediaFile.md")]
[OutputType(typeof(TransferResult))]
public class CopyMediaFileCommand : MediaFileCmdlet
{
    readonly List<(string Source, string Destination)> _requests = [];

    /// <summary>Source files (or folders with -Recurse): s3://, gs://, Azure, MinIO, http(s) or local.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FilePath", "Source")]
    public string[] Path { get; set; } = [];

    /// <summary>The destination file, or a folder (ending in '/', or an existing local folder) to copy into.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Target")]
    public string Destination { get; set; } = "";

    /// <summary>Copy everything under a folder source.</summary>
    [Parameter] public SwitchParameter Recurse { get; set; }

    /// <summary>Overwrite even an identical destination (and do not ask).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Never overwrite an existing destination.</summary>
    [Parameter] public SwitchParameter NoClobber { get; set; }

    /// <summary>Emit one result per file.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected virtual bool IsMove => false;
    protected virtual string Verb => "Copy";

    protected override void ProcessRecord()
    {
        if (Force && NoClobber)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Force and -NoClobber cannot be used together"), "ForceAndNoClobber", ErrorCategory.InvalidArgument, null));
        foreach (var p in Path) _requests.Add((Resolve(p), Resolve(Destination)));
    }

    protected override void EndProcessing()
    {
        var pairs = new List<TransferPair>();
        foreach (var (src, dst) in _requests)
        {
            try { pairs.AddRange(Ops.PlanAsync(src, dst, Recurse, Cancel).GetAwaiter().GetResult()); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, src); }
        }
        var approved = pairs.Where(p => ShouldProcess($"Item: {Redact(p.Source)} Destination: {Redact(p.Destination)}", $"{Verb} media file")).ToList();
        var options = new TransferOptions { Force = Force, NoClobber = NoClobber, Move = IsMove };
        Drive(approved, $"{Verb} media files", (pair, progress, ct) => Ops.CopyAsync(pair, options, progress, ct), p => p.Source,
            r =>
            {
                WriteVerbose($"{Redact(r.Source!)} → {Redact(r.Path)}: {r.Status} ({r.Method})");
                if (PassThru) WriteObject(r);
            });
        Log.Drain(this);
    }

    static string Redact(string s) => Engine.Diagnostics.Redact.ForDisplay(s);
}

/// <summary>Moves files between any stores (FiftyOne's move_files): the source goes only after the destination is verified.</summary>
[Cmdlet(VerbsCommon.Move, "MediaFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Move-MediaFile.md")]
[OutputType(typeof(TransferResult))]
public sealed class MoveMediaFileCommand : CopyMediaFileCommand
{
    protected override bool IsMove => true;
    protected override string Verb => "Move";
}
