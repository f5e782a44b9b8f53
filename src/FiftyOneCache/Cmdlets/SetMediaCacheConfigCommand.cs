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
public sealed class SetMediaCacheConfigCommand : MediaCacheCmdlet
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
    [Parameter] [ValidateNotNullOrEmpty] public string? AwsConfigFile { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] [ArgumentCompleter(typeof(ProfileCompleter))] public string? AwsProfile { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] public string? GoogleApplicationCredentials { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] public string? AzureCredentialsFile { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] [ArgumentCompleter(typeof(ProfileCompleter))] public string? AzureProfile { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] public string? MinioConfigFile { get; set; }
    [Parameter] [ValidateNotNullOrEmpty] [ArgumentCompleter(typeof(ProfileCompleter))] public string? MinioProfile { get; set; }

    /// <summary>Keys to remove from the file, so that defaults or the environment apply again.</summary>
    [Parameter]
    [ValidateSet(ConfigKeys.CacheDir, ConfigKeys.CacheSizeBytes, ConfigKeys.DownloadSizeBytes, ConfigKeys.NumWorkers, ConfigKeys.CacheAppImages,
                 ConfigKeys.AwsConfigFile, ConfigKeys.AwsProfile, ConfigKeys.GoogleApplicationCredentials, ConfigKeys.AzureCredentialsFile,
                 ConfigKeys.AzureProfile, ConfigKeys.MinioConfigFile, ConfigKeys.MinioProfile)]
    public string[] Remove { get; set; } = Array.Empty<string>();

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
            catch (FormatException e) { ThrowTerminatingError(new ErrorRecord(e, "InvalidCacheSize", ErrorCategory.InvalidArgument, CacheSizeBytes)); }
        }
        if (DownloadSizeBytes is not null)
        {
            try
            {
                var t = DownloadSizeBytes.Trim();
                changes[ConfigKeys.DownloadSizeBytes] = t.StartsWith('-') ? -Sizes.Parse(t[1..]) : Sizes.Parse(t);
            }
            catch (FormatException e) { ThrowTerminatingError(new ErrorRecord(e, "InvalidDownloadSize", ErrorCategory.InvalidArgument, DownloadSizeBytes)); }
        }
        if (bound.ContainsKey(nameof(NumWorkers))) changes[ConfigKeys.NumWorkers] = (long)NumWorkers;
        if (bound.ContainsKey(nameof(CacheAppImages))) changes[ConfigKeys.CacheAppImages] = CacheAppImages;
        void Path(string key, string? v) { if (v is not null) changes[key] = GetUnresolvedProviderPathFromPSPath(v); }
        Path(ConfigKeys.AwsConfigFile, AwsConfigFile);
        Path(ConfigKeys.GoogleApplicationCredentials, GoogleApplicationCredentials);
        Path(ConfigKeys.MinioConfigFile, MinioConfigFile);
        Path(ConfigKeys.AzureCredentialsFile, AzureCredentialsFile);
        if (AzureProfile is not null) changes[ConfigKeys.AzureProfile] = AzureProfile;
        if (AwsProfile is not null) changes[ConfigKeys.AwsProfile] = AwsProfile;
        if (MinioProfile is not null) changes[ConfigKeys.MinioProfile] = MinioProfile;
        if (changes.Count == 0 && Remove.Length == 0)
        {
            WriteWarning("No setting was given; nothing to change. See Get-Help Set-MediaCacheConfig.");
            return;
        }

        var file = ConfigPath is not null ? GetUnresolvedProviderPathFromPSPath(ConfigPath) : ConfigLoader.ResolveConfigPath();
        var what = string.Join(", ", changes.Select(c => $"{c.Key}={c.Value}").Concat(Remove.Select(r => $"remove {r}")));
        if (!ShouldProcess(file, $"Set {what}")) return;
        try { ConfigFile.Update(file, changes, Remove); }
        catch (ConfigException e) { ThrowTerminatingError(new ErrorRecord(e, "InvalidConfiguration", ErrorCategory.InvalidArgument, e.Key)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { ThrowTerminatingError(new ErrorRecord(e, "ConfigWriteFailed", ErrorCategory.WriteError, file)); }
        WriteVerbose($"Wrote {what} to {file}");

        foreach (var key in changes.Keys)
            if (ConfigKeys.EnvironmentVariables.TryGetValue(key, out var env) && Environment.GetEnvironmentVariable(env) is not null)
                WriteWarning($"{env} is set in this session and overrides {key} from the file.");

        var effective = ConfigLoader.Load(configPath: file);
        if (changes.ContainsKey(ConfigKeys.CacheSizeBytes) && !effective.IsUnlimited && Directory.Exists(effective.CacheDir))
        {
            var cache = CacheSessions.Get(effective);
            cache.Log = Log;
            cache.EvictAsync(Cancel).GetAwaiter().GetResult();
            Log.Drain(this);
        }
        if (PassThru) WriteObject(effective);
    }
}
