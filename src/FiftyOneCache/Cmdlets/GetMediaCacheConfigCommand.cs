using System.Management.Automation;

namespace FiftyOneCache.Cmdlets;

/// <summary>The effective configuration (defaults &lt; JSON file &lt; environment &lt; parameters) and where each value came from.</summary>
[Cmdlet(VerbsCommon.Get, "MediaCacheConfig", HelpUri = HelpLinks.Base + "Get-MediaCacheConfig.md")]
[OutputType(typeof(Engine.Configuration.CacheConfig))]
public sealed class GetMediaCacheConfigCommand : MediaCacheCmdlet
{
    protected override void EndProcessing() => WriteObject(Config);
}
