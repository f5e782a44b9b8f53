using System.Management.Automation;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Hosting;

namespace FiftyOneCache.Cmdlets;

/// <summary>
/// Writes settings to FiftyOne's media_cache_config.json (keeping keys it does not manage), so that FiftyOne and
/// this module share them. A smaller size limit evicts least recently used files at once.
/// </summary>
[Cmdlet(VerbsCommon.Set, "MediaCacheConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Set-MediaCacheConfig.md")]
[OutputType(typeof(CacheConfig))]
public sealed class SetMediaCacheConfigCommand : MediaCacheCmdlet, IDynamicParameters
{
    /// <summary>cache_size_bytes: bytes, a size such as 500MB or 1.5GB, or -1 for no limit and no eviction.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheSizeBytes { get; set; }

    /// <summary>download_size_bytes: how far streaming calls download ahead (bytes or a size such as 256MB; negative: all at once).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DownloadSizeBytes { get; set; }

    [Parameter] [ValidateRange(1, 1024)] public int NumWorkers { get; set; }
    [Parameter] public bool CacheAppImages { get; set; }

    /// <summary>
    /// Every store setting is a parameter named after its key (aws_profile is -AwsProfile, a plug-in's mem_profile
    /// -MemProfile), made from what the registered stores declare; keys that offer values complete them.
    /// </summary>
    public object GetDynamicParameters() => _storeParameters ??= StoreParameters();
    RuntimeDefinedParameterDictionary? _storeParameters;

    static RuntimeDefinedParameterDictionary StoreParameters()
    {
        var d = new RuntimeDefinedParameterDictionary();
        foreach (var def in ConfigKeys.StoreKeys)
        {
            var attributes = new System.Collections.ObjectModel.Collection<Attribute> { new ParameterAttribute(), new ValidateNotNullOrEmptyAttribute() };
            if (def.Completes) attributes.Add(new ArgumentCompleterAttribute(typeof(ProfileCompleter)));
            d[def.ParameterName] = new RuntimeDefinedParameter(def.ParameterName, typeof(string), attributes);
        }
        return d;
    }

    /// <summary>
    /// Store settings by JSON key, e.g. @{ mem_profile = 'lab' }: the same settings as the store parameters, for
    /// scripts that hold them in a table.
    /// </summary>
    [Parameter]
    public System.Collections.Hashtable? StoreSetting { get; set; }

    /// <summary>
    /// Settings to remove from the file, so that defaults or the environment apply again: the parameter names
    /// (CacheSizeBytes) or FiftyOne's keys (cache_size_bytes).
    /// </summary>
    [Parameter]
    [ValidateConfigKey]
    [ArgumentCompleter(typeof(ConfigKeyCompleter))]
    public string[] Remove { get; set; } = Array.Empty<string>();

    /// <summary>
    /// Start the file afresh: the current file (readable or not) is kept as &lt;file&gt;.bak and replaced by one that
    /// holds only the settings given in this call. The way out of a file that cannot be read.
    /// </summary>
    [Parameter]
    public SwitchParameter Reset { get; set; }

    /// <summary>The JSON file to write (default: FIFTYONE_MEDIA_CACHE_CONFIG_PATH or ~/.fiftyone/media_cache_config.json).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void AddConfigOverrides(Dictionary<string, object?> overrides) { } // -CacheDir is a value to write here

    protected override void EndProcessing()
    {
        var changes = new Dictionary<string, object?>();
        var bound = MyInvocation.BoundParameters;
        if (CacheDir is not null) changes[ConfigKeys.CacheDir] = GetUnresolvedProviderPathFromPSPath(CacheDir);
        if (CacheSizeBytes is not null)
        {
            try { changes[ConfigKeys.CacheSizeBytes] = Sizes.Parse(CacheSizeBytes); }
            catch (FormatException e) { ThrowParameterError(nameof(CacheSizeBytes), CacheSizeBytes, e.Message); }
        }
        if (DownloadSizeBytes is not null)
        {
            try
            {
                var t = DownloadSizeBytes.Trim();
                changes[ConfigKeys.DownloadSizeBytes] = t.StartsWith('-') ? -Sizes.Parse(t[1..]) : Sizes.Parse(t);
            }
            catch (FormatException e) { ThrowParameterError(nameof(DownloadSizeBytes), DownloadSizeBytes, e.Message); }
        }
        if (bound.ContainsKey(nameof(NumWorkers))) changes[ConfigKeys.NumWorkers] = (long)NumWorkers;
        if (bound.ContainsKey(nameof(CacheAppImages))) changes[ConfigKeys.CacheAppImages] = CacheAppImages;
        // Store settings: each store declares its keys; a parameter named after the key (-AwsProfile: aws_profile) or
        // -StoreSetting carries the value, and paths resolve as the shell resolves them.
        foreach (var def in ConfigKeys.StoreKeys)
        {
            var value = bound.TryGetValue(def.ParameterName, out var p) ? p as string
                : StoreSetting?.ContainsKey(def.Key) == true ? StoreSetting[def.Key]?.ToString() : null;
            if (value is not null) changes[def.Key] = def.Kind == ConfigValueKind.Path ? GetUnresolvedProviderPathFromPSPath(value) : value;
        }
        foreach (var key in StoreSetting?.Keys.Cast<object>().Select(k => k.ToString()!) ?? [])
            if (ConfigKeys.StoreKey(key) is null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-StoreSetting: '{key}' is not a store setting; store settings are {string.Join(", ", ConfigKeys.StoreKeys.Select(k => k.Key))}"),
                    "UnknownSetting", ErrorCategory.InvalidArgument, key));
        // Each value is checked as the file's reader will check it, and a bad one is reported against the parameter
        // the user typed (not FiftyOne's key, which they did not type).
        foreach (var (key, value) in changes)
        {
            try { ConfigValues.Parse(key, value, $"parameter -{ConfigKeys.PropertyName(key)}"); }
            catch (ConfigException e) { ThrowParameterError(ConfigKeys.PropertyName(key), bound.TryGetValue(ConfigKeys.PropertyName(key), out var typed) ? typed : value, e.Reason); }
        }
        var remove = Remove.Select(r => ConfigKeys.KeyOf(r) ?? r).Distinct().ToList();
        if (changes.Count == 0 && remove.Count == 0 && !Reset)
        {
            WriteWarning("No setting was given; nothing to change. See Get-Help Set-MediaCacheConfig.");
            return;
        }

        var file = ConfigPath is not null ? GetUnresolvedProviderPathFromPSPath(ConfigPath) : ConfigLoader.ResolveConfigPath();
        var what = string.Join(", ", changes.Select(c => $"{ConfigKeys.PropertyName(c.Key)}={c.Value}").Concat(remove.Select(r => $"remove {ConfigKeys.PropertyName(r)}")));
        var action = Reset
            ? $"Start the file afresh{(File.Exists(file) ? $" (keeping the current one as {ConfigFile.BackupPathOf(file)})" : "")}{(what.Length > 0 ? $" with {what}" : " with no settings")}"
            : $"Set {what}";
        if (!ShouldProcess(file, action)) return;
        try
        {
            if (Reset && ConfigFile.Reset(file) is { } backup) WriteVerbose($"Kept the previous file as {backup}");
            if (changes.Count > 0 || remove.Count > 0) ConfigFile.Update(file, changes, remove);
        }
        catch (ConfigException e) { ThrowTerminatingError(ConfigErrors.Record(e)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { ThrowTerminatingError(new ErrorRecord(e, "ConfigWriteFailed", ErrorCategory.WriteError, file)); }
        WriteVerbose($"Wrote {(what.Length > 0 ? what : "an empty configuration")} to {file}");

        foreach (var key in changes.Keys)
            if (ConfigKeys.EnvironmentVariables.TryGetValue(key, out var env) && Environment.GetEnvironmentVariable(env) is not null)
                WriteWarning($"{env} is set in this session and overrides {ConfigKeys.PropertyName(key)} from the file.");

        CacheConfig effective;
        try { effective = ConfigLoader.Load(configPath: file); }
        catch (ConfigException e) { ThrowTerminatingError(ConfigErrors.Record(e)); throw; }
        if (changes.ContainsKey(ConfigKeys.CacheSizeBytes) && !effective.IsUnlimited && Directory.Exists(effective.CacheDir))
        {
            var cache = CacheSessions.Get(effective);
            cache.Log = Log;
            cache.EvictAsync(Cancel).GetAwaiter().GetResult();
            Log.Drain(this);
        }
        if (PassThru) WriteObject(ConfigView.Of(effective));
    }

    /// <summary>A value the user typed that cannot be used: named by its parameter, terminating as a bad argument is.</summary>
    void ThrowParameterError(string parameter, object? typed, string reason)
    {
        var shown = typed is string or null ? $"'{typed}'" : typed.ToString();
        ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Cannot set -{parameter} to {shown}: {reason}"),
            "InvalidParameterValue", ErrorCategory.InvalidArgument, typed)
        {
            ErrorDetails = new ErrorDetails($"Cannot set -{parameter} to {shown}: {reason}")
            {
                RecommendedAction = $"See Get-Help Set-MediaCacheConfig -Parameter {parameter} for the values it takes.",
            },
        });
    }
}

/// <summary>-Remove takes settings only (parameter names or FiftyOne's keys): the cache's and every registered store's.</summary>
public sealed class ValidateConfigKeyAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var key = element?.ToString() ?? "";
        if (ConfigKeys.KeyOf(key) is null)
            throw new ValidationMetadataException($"'{key}' is not a setting; the settings are {string.Join(", ", ConfigKeys.All.Select(ConfigKeys.PropertyName))} (or FiftyOne's keys: {string.Join(", ", ConfigKeys.All)}).");
    }
}

/// <summary>Completes configuration keys (the stores' included) for -Remove.</summary>
public sealed class ConfigKeyCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
                                                          System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
        ConfigKeys.All.Select(ConfigKeys.PropertyName).Concat(ConfigKeys.All).Where(k => k.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            .Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, k));
}
