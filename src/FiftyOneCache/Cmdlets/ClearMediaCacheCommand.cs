using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Paths;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Empties the cache, or removes the given items from it (as Remove-MediaCacheEntry does). Downloads in flight
/// elsewhere are left alone. The impact is Remove-Item's (Medium): a wildcard asks one question for all it matches
/// and is silent when it matches nothing; a literal path that is not cached is an error; a local file (the user's
/// own, or one inside the cache directory) is never removed, and -WhatIf says so. Emptying the whole cache also
/// asks ShouldContinue, which -Force skips.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "MediaCache", DefaultParameterSetName = AllSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = HelpLinks.Base + "Clear-MediaCache.md")]
[OutputType(typeof(ClearResult))]
public class ClearMediaCacheCommand : DatasetInputCmdlet
{
    protected const string AllSet = "All";
    protected const string PathSet = "Path";
    protected const string LiteralSet = "LiteralPath";
    CachedItemSelector? _selector;

    /// <summary>Paths to remove from the cache; wildcards match cached items.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FilePath", "Uri", "Url")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Paths to remove, taken exactly as written (no wildcards). The module's objects bind here by their Source.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralSet)]
    [Alias("Source", "PSPath", "LP", "FullName")] // Source first: a result or entry names its remote item by it, and its PSPath (the local file) by the other
    [ArgumentCompleter(typeof(CachedSourceCompleter))]
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
            foreach (var input in (literal ? LiteralPath : Path).Where(p => p is not null))
            {
                var pattern = !literal && WildcardPattern.ContainsWildcardCharacters(input);
                ClearItems(_selector.Select(input, literal, OpenCache).ToList(), pattern ? input : null, reportNotCached: !pattern);
            }
        }
        else if (IsDatasetInput) ClearItems(DatasetSamples().Select(s => s.FilePath).ToList(), null, reportNotCached: false);
    }

    /// <summary>
    /// Confirmation as Remove-Item -Force has it: -Force skips the prompt that $ConfirmPreference raises, while
    /// -WhatIf and an explicit -Confirm still apply.
    /// </summary>
    bool Approve(string target, string action)
    {
        if (Force && !IsWhatIf() && !ConfirmBound)
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\".");
            return true;
        }
        return ShouldProcess(target, action);
    }

    ConfirmImpact ConfirmPreference() =>
        GetVariableValue("ConfirmPreference") is { } v && LanguagePrimitives.TryConvertTo<ConfirmImpact>(v, out var c) ? c : ConfirmImpact.High;

    bool ConfirmBound => MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && ((SwitchParameter)c).IsPresent;

    /// <summary>
    /// Removes what is cached of <paramref name="items"/>. Items that are no cached item are sorted out first, so
    /// that what -WhatIf and -Confirm describe is what the run does: a local file is reported and left alone, an
    /// item that is not cached is an error when the user named it (<paramref name="reportNotCached"/>). The items of
    /// one wildcard (<paramref name="pattern"/>) are confirmed with one question.
    /// </summary>
    void ClearItems(List<string> items, string? pattern, bool reportNotCached)
    {
        var cache = OpenCache();
        var cached = new List<CacheEntry>();
        foreach (var p in items)
        {
            try
            {
                if (cache.Parser.Parse(p).IsLocal) { LeaveLocal(p); continue; }
                if (cache.EntryOf(p) is { } entry) cached.Add(entry);
                else if (reportNotCached)
                    WriteError(new ErrorRecord(new ItemNotFoundException($"'{Engine.Diagnostics.Redact.ForDisplay(p)}' is not in the cache, so nothing was removed. Get-MediaCacheEntry lists what is cached."),
                        "NotCached", ErrorCategory.ObjectNotFound, p));
                else WriteVerbose($"{Engine.Diagnostics.Redact.ForDisplay(p)} is not cached; nothing to remove.");
            }
            catch (Engine.Paths.InvalidMediaPathException e)
            {
                WriteError(new ErrorRecord(e, "InvalidMediaPath", ErrorCategory.InvalidArgument, p));
            }
        }
        if (cached.Count == 0) return;
        var askEach = true;
        if (pattern is not null && cached.Count > 1 && !IsWhatIf())
        {
            if (!Approve(pattern, $"Remove {cached.Count} cached items matching the pattern ({Sizes.Humanize(cached.Sum(e => e.Size))})")) return;
            askEach = false;
        }
        foreach (var e in cached)
        {
            var p = e.Source;
            if (askEach && !Approve(Engine.Diagnostics.Redact.ForDisplay(p), $"Remove the cached copy ({Sizes.Humanize(e.Size)}, {e.LocalPath})")) continue;
            try
            {
                var r = cache.ClearItemAsync(p, Cancel).GetAwaiter().GetResult();
                WriteVerbose($"{p} → {r.Status}{(r.Status == ClearStatus.Removed ? $", {Sizes.Humanize(r.Size)} freed" : "")}");
                if (r.Status is ClearStatus.InUse or ClearStatus.Failed)
                    WriteError(new ErrorRecord(new IOException($"{p}: {r.Error}"), r.Status == ClearStatus.InUse ? "ItemInUse" : "ClearFailed",
                        r.Status == ClearStatus.InUse ? ErrorCategory.ResourceBusy : ErrorCategory.WriteError, p)
                    { ErrorDetails = new ErrorDetails($"{p}: {r.Error}") { RecommendedAction = $"Run {MyInvocation.MyCommand.Name} again once the command using it has finished." } });
                if (PassThru) WriteObject(r);
            }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "ClearFailed", ErrorCategory.WriteError, p));
            }
        }
        Log.Drain(this);
    }

    /// <summary>A local path is never removed (a user's own file, or a file inside the cache directory): said, not asked.</summary>
    void LeaveLocal(string p)
    {
        var text = $"'{p}' is a local file, not a cached item: it is not removed.";
        if (IsWhatIf()) ShouldProcess(text, text, "Clear-MediaCache"); // prints "What if: <text>"; -WhatIf returns false
        else WriteVerbose(text);
        if (PassThru) WriteObject(new ClearResult { Source = p, LocalPath = p, Status = ClearStatus.Local });
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
        var what = $"Remove all {stats.CurrentCount} cached file(s) ({Sizes.Humanize(stats.CurrentSize)})";
        if (!Approve(cache.Config.CacheDir, what)) return;
        // Emptying the whole cache keeps the impact it had (High): asked unless -Force, -Confirm (either way: it has
        // just asked, or the user said not to) or $ConfirmPreference = 'None' says otherwise.
        if (!Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && ConfirmPreference() != ConfirmImpact.None
            && !ShouldContinue($"{what} from {cache.Config.CacheDir}?", "Clear the media cache")) return;
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
