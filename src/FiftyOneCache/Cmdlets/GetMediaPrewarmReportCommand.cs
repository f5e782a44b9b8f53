using System.Management.Automation;
using FiftyOneCache.Engine.Fleet;

namespace FiftyOneCache.Cmdlets;

/// <summary>Merges the -LogPath JSON-lines files of a fleet prewarm (one per task) into one report object.</summary>
[Cmdlet(VerbsCommon.Get, "MediaPrewarmReport", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "Get-MediaPrewarmReport.md")]
[OutputType(typeof(PrewarmReport))]
public sealed class GetMediaPrewarmReportCommand : PSCmdlet
{
    const string PathSet = "Path";
    const string LiteralSet = "LiteralPath";

    /// <summary>Log files; wildcards allowed (logs/*.jsonl).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Log files taken exactly as written.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralSet)]
    [Alias("PSPath", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>How many of the slowest tasks to list (default 5).</summary>
    [Parameter]
    [ValidateRange(0, 10000)]
    public int Slowest { get; set; } = 5;

    readonly List<string> _files = new();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LiteralSet)
        {
            foreach (var p in LiteralPath)
            {
                var full = GetUnresolvedProviderPathFromPSPath(p);
                if (File.Exists(full)) _files.Add(full);
                else WriteError(new ErrorRecord(new FileNotFoundException($"Log file '{p}' does not exist.", full), "LogNotFound", ErrorCategory.ObjectNotFound, p));
            }
            return;
        }
        foreach (var p in Path)
        {
            try
            {
                var resolved = GetResolvedProviderPathFromPSPath(p, out var provider);
                if (provider.Name != "FileSystem") throw new ItemNotFoundException($"'{p}' is not a file.");
                var files = resolved.Where(File.Exists).ToList();
                if (files.Count == 0) throw new ItemNotFoundException($"No log file matches '{p}'.");
                _files.AddRange(files);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "LogNotFound", ErrorCategory.ObjectNotFound, p));
            }
        }
    }

    protected override void EndProcessing()
    {
        var files = _files.Distinct(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(new FileNotFoundException("No log files to merge."), "NoLogFiles", ErrorCategory.ObjectNotFound, null));
            return;
        }
        try { WriteObject(PrewarmReport.Merge(files, Slowest)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "LogReadFailed", ErrorCategory.ReadError, null));
        }
    }
}
