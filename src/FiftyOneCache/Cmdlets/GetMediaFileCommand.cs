using System.Management.Automation;
using FiftyOneCache.Engine.Operations;

namespace FiftyOneCache.Cmdlets;

/// <summary>Lists the files in a folder of any store (FiftyOne's list_files).</summary>
[Cmdlet(VerbsCommon.Get, "MediaFile", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "Get-MediaFile.md")]
[OutputType(typeof(MediaFileInfo), typeof(string))]
public sealed class GetMediaFileCommand : MediaFileCmdlet
{
    /// <summary>Folders to list (s3://, gs://, Azure, MinIO or local); wildcards select files or folders.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath", "Folder")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] Path { get; set; } = [];

    /// <summary>Folders to list, taken literally (no wildcard characters).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP", "FullName")]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Include files in subfolders (recursive=True).</summary>
    [Parameter] public SwitchParameter Recurse { get; set; }

    /// <summary>Include dot files and dot folders, as Get-ChildItem -Force.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Paths relative to the folder, as strings (abs_paths=False).</summary>
    [Parameter] public SwitchParameter Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var (given, p) in ResolveAll(ParameterSetName == LiteralPathSet ? LiteralPath : Path))
        {
            try
            {
                if (p.Listed is { } match) { WriteObject(Name ? match.RelativePath : match); continue; }
                if (p.Expanded && File.Exists(p.Path))
                {
                    var fi = new FileInfo(p.Path);
                    WriteObject(Name ? fi.Name : new MediaFileInfo(fi.FullName, fi.Length, fi.LastWriteTimeUtc, null) { Store = Engine.Paths.MediaRef.LocalStore, RelativePath = fi.Name });
                    continue;
                }
                foreach (var f in Ops.ListAsync(p.Path, Recurse, Name, Force, Cancel).GetAwaiter().GetResult())
                    WriteObject(Name ? f.Path : f);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is not PipelineStoppedException) { WriteItemError(e, given); }
        }
        Log.Drain(this);
    }
}
