using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Checks that the index and the files agree; -Repair makes them agree (deleting files it cannot vouch for) and
/// reports the cache as it is afterwards. Without -Repair nothing is changed, and a missing cache directory is
/// reported (a warning and the report of an empty cache) rather than created. -Quiet returns only whether the
/// cache is healthy, as Test-Path and Test-Connection -Quiet do, so that the command reads right in an if.
/// -Repair -WhatIf says, one line per file, what the repair would do.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MediaCache", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Test-MediaCache.md")]
[OutputType(typeof(VerifyReport))]
[OutputType(typeof(bool))]
public sealed class TestMediaCacheCommand : MediaCacheCmdlet
{
    [Parameter] public SwitchParameter Repair { get; set; }

    /// <summary>Return $true when the cache is healthy (after the repair, with -Repair), else $false; no report.</summary>
    [Parameter] public SwitchParameter Quiet { get; set; }

    protected override void EndProcessing()
    {
        if (Repair && IsWhatIf())
        {
            WhatIfRepair();
            return;
        }
        var repair = Repair && ShouldProcess(Config.CacheDir, "Repair the cache: delete files that do not match their records, index unrecorded files, remove leftover temporary files");
        // Only a repair may create the cache; the check alone says the directory is missing and reports what is
        // true of it: nothing is cached, so nothing disagrees.
        if (!repair && !CacheDirectoryExists(warn: !Quiet))
        {
            Emit(new VerifyReport { CacheDir = Config.CacheDir });
            return;
        }
        var cache = OpenCache();
        // What any process does when it opens the cache: finish the work of crashed processes (their temp files,
        // their finished downloads). The engine does it once per process; a check must see the state after it.
        if (!repair) cache.Recover();
        var report = cache.Verify(repair, Cancel);
        foreach (var r in report.Repairs.Take(50)) WriteVerbose($"repaired: {r}");
        foreach (var p in report.Problems.Take(50)) WriteVerbose(p.ToString());
        Emit(report);
        Log.Drain(this);
    }

    void Emit(VerifyReport report)
    {
        if (Quiet) WriteObject(report.Healthy);
        else WriteObject(report);
    }

    /// <summary>-Repair -WhatIf: the check, changing nothing, and one "What if" line per file the repair would touch.</summary>
    void WhatIfRepair()
    {
        if (!CacheDirectoryExists(warn: !Quiet))
        {
            Emit(new VerifyReport { CacheDir = Config.CacheDir });
            return;
        }
        var report = OpenCache().Verify(false, Cancel);
        foreach (var p in report.Problems) ShouldProcess(p.LocalPath, $"{p.RepairAction} ({p})");
        if (report.Problems.Count == 0) ShouldProcess(Config.CacheDir, "Repair the cache: nothing to repair");
        Emit(report);
        Log.Drain(this);
    }
}
