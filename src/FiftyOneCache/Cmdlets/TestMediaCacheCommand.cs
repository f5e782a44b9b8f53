using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Checks that the index and the files agree; -Repair makes them agree (deleting files it cannot vouch for) and
/// reports the cache as it is afterwards. Without -Repair nothing is changed, and a missing cache directory is
/// reported (a warning and the report of an empty cache) rather than created.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MediaCache", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Test-MediaCache.md")]
[OutputType(typeof(VerifyReport))]
public sealed class TestMediaCacheCommand : MediaCacheCmdlet
{
    [Parameter] public SwitchParameter Repair { get; set; }

    protected override void EndProcessing()
    {
        var repair = Repair && ShouldProcess(Config.CacheDir, "Repair the cache: delete files that do not match their records, index unrecorded files, remove leftover temporary files");
        // Only a repair may create the cache; the check alone (also under -WhatIf) says the directory is missing and
        // reports what is true of it: nothing is cached, so nothing disagrees.
        if (!repair && !CacheDirectoryExists())
        {
            WriteObject(new VerifyReport { CacheDir = Config.CacheDir });
            return;
        }
        var cache = OpenCache();
        // What any process does when it opens the cache: finish the work of crashed processes (their temp files,
        // their finished downloads). The engine does it once per process; a check must see the state after it.
        if (!repair) cache.Recover();
        var report = cache.Verify(repair, Cancel);
        foreach (var r in report.Repairs.Take(50)) WriteVerbose($"repaired: {r}");
        foreach (var p in report.Problems.Take(50)) WriteVerbose(p);
        WriteObject(report);
        Log.Drain(this);
    }
}
