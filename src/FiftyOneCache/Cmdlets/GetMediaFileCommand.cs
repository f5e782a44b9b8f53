using System.Management.Automation;
using FiftyOneCache.Engine.Operations;

namespace FiftyOneCache.Cmdlets;

/// <summary>Lists the files in a folder of any store (FiftyOne's list_files).</summary>
[Cmdlet(VerbsCommon.Get, "MediaFile", HelpUri = HelpLinks.Base + "Get-MediaFile.md")]
[OutputType(typeof(MediaFileInfo), typeof(string))]
public sealed class GetMediaFileCommand : MediaFileCmdlet
{
    /// <summary>Folders to list: s3://, gs://, Azure, MinIO or local.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FilePath", "Folder")]
    public string[] Path { get; set; } = [];

    /// <summary>Include files in subfolders (recursive=True).</summary>
    [Parameter] public SwitchParameter Recurse { get; set; }

    /// <summary>Include dot files and dot folders, as Get-ChildItem -Force.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Paths relative to the folder, as strings (abs_paths=False).</summary>
    [Parameter] public SwitchParameter Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            try
            {
                foreach (var f in Ops.ListAsync(Resolve(p), Recurse, Name, Force, Cancel).GetAwaiter().GetResult())
                    WriteObject(Name ? f.Path : f);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, p); }
        }
        Log.Drain(this);
    }
}
