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
    protected override void EndProcessing() => WriteObject(ConfigView.Of(Config));
}

/// <summary>
/// A configuration as PowerShell shows it: each store setting as a property named after its key (aws_profile as
/// AwsProfile, a plug-in's keys alike); each store's credential-source trace is the type's Stores property
/// (FiftyOneCache.types.ps1xml), computed when it is read.
/// </summary>
public static class ConfigView
{
    internal static PSObject Of(CacheConfig config)
    {
        var o = new PSObject(config);
        foreach (var def in ConfigKeys.StoreKeys)
            if (o.Properties[def.ParameterName] is null) o.Properties.Add(new PSNoteProperty(def.ParameterName, config.Setting(def.Key)));
        return o;
    }

    /// <summary>Store name → where its credentials and settings come from; a configuration that cannot be used says why.</summary>
    public static OrderedDictionary Sources(CacheConfig config)
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
