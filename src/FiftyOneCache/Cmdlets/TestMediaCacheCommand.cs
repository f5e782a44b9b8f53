using System.Management.Automation;
using FiftyOneCache.Engine.Cache;

namespace FiftyOneCache.Cmdlets;

/// <summary>Checks that the index and the files agree; -Repair makes them agree and removes orphaned temp files.</summary>
[Cmdlet(VerbsDiagnostic.Test, "MediaCache", SupportsShouldProcess = true)]
[OutputType(typeof(VerifyReport))]
public sealed class TestMediaCacheCommand : MediaCacheCmdlet
{
    [Parameter] public SwitchParameter Repair { get; set; }

    protected override void EndProcessing()
    {
        var cache = OpenCache();
        var repair = Repair && ShouldProcess(cache.Config.CacheDir, "Repair the cache index from the files on disk");
        cache.Recover();
        var report = cache.Verify(repair, Cancel);
        foreach (var p in report.Problems.Take(50)) WriteVerbose(p);
        WriteObject(report);
        Log.Drain(this);
    }
}
