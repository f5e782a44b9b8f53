using System.Collections.Specialized;
using System.Management.Automation;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// The effective configuration (defaults &lt; JSON file &lt; environment &lt; parameters), where each value came from,
/// and, per store, where its credentials and settings come from (no network, no secret).
/// </summary>
[Cmdlet(VerbsCommon.Get, "MediaCacheConfig", HelpUri = HelpLinks.Base + "Get-MediaCacheConfig.md")]
[OutputType(typeof(CacheConfig))]
public sealed class GetMediaCacheConfigCommand : MediaCacheCmdlet
{
    protected override void EndProcessing() => WriteObject(ConfigView.Of(Config, withSources: true));
}

/// <summary>
/// A configuration as PowerShell shows it: each store setting as a property named after its key (aws_profile as
/// AwsProfile, a plug-in's keys alike) and, on request, each store's credential-source trace in Stores.
/// </summary>
internal static class ConfigView
{
    public static PSObject Of(CacheConfig config, bool withSources)
    {
        var o = new PSObject(config);
        foreach (var def in ConfigKeys.StoreKeys)
            if (o.Properties[def.ParameterName] is null) o.Properties.Add(new PSNoteProperty(def.ParameterName, config.Setting(def.Key)));
        if (withSources) o.Properties.Add(new PSNoteProperty("Stores", Sources(config)));
        return o;
    }

    /// <summary>Store name → where its credentials and settings come from; a configuration that cannot be used says why.</summary>
    static OrderedDictionary Sources(CacheConfig config)
    {
        var d = new OrderedDictionary(StringComparer.Ordinal);
        try
        {
            using var stores = new StoreRegistry(config, Engine.Diagnostics.NullLog.Instance);
            foreach (var (store, source) in stores.DescribeSources()) d[store] = Engine.Diagnostics.Redact.ForDisplay(source);
        }
        catch (ConfigException e) { d["(configuration)"] = e.Message; }
        return d;
    }
}
