using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Completes a store setting's values (profile names): the parameter names the configuration key
/// (-AwsProfile is aws_profile), and the store that declares the key completes it with the reader it uses itself.
/// </summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var def = ConfigKeys.StoreKeys.FirstOrDefault(k => string.Equals(k.ParameterName, parameterName, StringComparison.OrdinalIgnoreCase));
        if (def is null || StoreBackends.OwnerOfKey(def.Key) is not { } store) return [];
        var names = new SortedSet<string>(StringComparer.Ordinal);
        try { names.UnionWith(store.Complete(def.Key, key => Setting(key, fakeBoundParameters), Environment.GetEnvironmentVariable)); }
        catch (Exception e) when (e is ConfigException or StoreException or IOException) { } // completion never fails loudly
        return names.Where(n => n.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }

    /// <summary>Another store setting: as typed on the same command line, else as configured.</summary>
    static string? Setting(string key, IDictionary bound)
    {
        var def = ConfigKeys.StoreKey(key);
        if (def is not null && bound[def.ParameterName] is string typed && typed.Length > 0) return ConfigValues.ExpandHome(typed);
        try { return ConfigLoader.Load().Setting(key); }
        catch (ConfigException) { return null; } // Set-MediaCacheConfig reports the file
    }
}
