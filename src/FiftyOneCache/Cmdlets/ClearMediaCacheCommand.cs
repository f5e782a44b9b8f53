using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Paths;

namespace FiftyOneCache.Cmdlets;

/// <summary>Removes the given items from the cache, or everything. Downloads in flight elsewhere are left alone.</summary>
[Cmdlet(VerbsCommon.Clear, "MediaCache", DefaultParameterSetName = AllSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        HelpUri = HelpLinks.Base + "Clear-MediaCache.md")]
[OutputType(typeof(ClearResult))]
public sealed class ClearMediaCacheCommand : DatasetInputCmdlet
{
    const string AllSet = "All";
    const string PathSet = "Path";
    const string LiteralSet = "LiteralPath";
    CachedItemSelector? _selector;

    /// <summary>Paths to remove from the cache; wildcards match cached items.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath", "Uri", "Url", "Source")]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Paths to remove, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralSet)]
    [Alias("PSPath", "LP", "FullName")] // files from Get-ChildItem are literal names (and bind here only, not ambiguously)
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Remove without asking for confirmation (-WhatIf still only shows what would be removed).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit a result per item (or one for the whole cache).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    bool? _exists; // asked once per call: piped paths against a missing cache warn once

    protected override void ProcessRecord()
    {
        if (ParameterSetName is PathSet or LiteralSet)
        {
            if (!(_exists ??= CacheDirectoryExists())) return;
            _selector ??= new CachedItemSelector(this, Paths);
            var literal = ParameterSetName == LiteralSet;
            ClearItems((literal ? LiteralPath : Path).Where(p => p is not null).SelectMany(p => _selector.Select(p, literal, OpenCache)));
        }
        else if (IsDatasetInput) ClearItems(DatasetSamples().Select(s => s.FilePath));
    }

    /// <summary>
    /// Confirmation as Remove-Item -Force has it: -Force skips the prompt that ConfirmImpact High raises, while
    /// -WhatIf and an explicit -Confirm still apply.
    /// </summary>
    bool Approve(string target, string action)
    {
        var confirm = MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && ((SwitchParameter)c).IsPresent;
        if (Force && !IsWhatIf() && !confirm)
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\".");
            return true;
        }
        return ShouldProcess(target, action);
    }

    void ClearItems(IEnumerable<string> paths)
    {
        var cache = OpenCache();
        foreach (var p in paths)
        {
            string local;
            try { local = cache.LocalPathOf(p); }
            catch (Engine.Paths.InvalidMediaPathException e)
            {
                WriteError(new ErrorRecord(e, "InvalidMediaPath", ErrorCategory.InvalidArgument, p));
                continue;
            }
            if (!Approve(local, $"Remove cached copy of {p}")) continue;
            try
            {
                var r = cache.ClearItemAsync(p, Cancel).GetAwaiter().GetResult();
                WriteVerbose($"{p} → {r.Status}{(r.Status == ClearStatus.Removed ? $", {Sizes.Humanize(r.Size)} freed" : "")}");
                if (r.Status is ClearStatus.InUse or ClearStatus.Failed)
                    WriteError(new ErrorRecord(new IOException($"{p}: {r.Error}"), r.Status == ClearStatus.InUse ? "ItemInUse" : "ClearFailed",
                        r.Status == ClearStatus.InUse ? ErrorCategory.ResourceBusy : ErrorCategory.WriteError, p)
                    { ErrorDetails = new ErrorDetails($"{p}: {r.Error}") { RecommendedAction = "Run Clear-MediaCache again once the command using it has finished." } });
                if (PassThru) WriteObject(r);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, "ClearFailed", ErrorCategory.WriteError, p));
            }
        }
        Log.Drain(this);
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName != AllSet) return;
        // Input was piped but bound to nothing (an empty list, objects without a path): clearing everything
        // instead would turn an empty selection into "all".
        if (MyInvocation.ExpectingInput)
        {
            WriteVerbose("Pipeline input named no item: nothing is cleared (run Clear-MediaCache without input to clear everything).");
            return;
        }
        if (!CacheDirectoryExists()) return;
        var cache = OpenCache();
        var stats = cache.GetStats();
        if (!Approve(cache.Config.CacheDir, $"Remove all {stats.CurrentCount} cached file(s) ({stats.CurrentSizeStr})")) return;
        try
        {
            var r = cache.ClearAll(Cancel);
            if (r.Error is not null) WriteWarning(r.Error);
            if (PassThru) WriteObject(r);
        }
        catch (OperationCanceledException) { throw new PipelineStoppedException(); }
        Log.Drain(this);
    }
}
