using System.Management.Automation;
using System.Reflection;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Hosting;
using FiftyOneCache.Paths;

namespace FiftyOneCache.Cmdlets;

/// <summary>What every cache cmdlet shares: configuration overrides, the engine, and error reporting.</summary>
public abstract class MediaCacheCmdlet : PSCmdlet, IDisposable
{
    internal readonly CmdletLog Log = new();
    readonly CancellationTokenSource _cts = new();
    CacheConfig? _config;
    MediaCache? _opened;
    ItemPathResolver? _paths;

    /// <summary>Overrides cache_dir for this call.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CacheDir { get; set; }

    protected CancellationToken Cancel => _cts.Token;

    /// <summary>Explicit parameters that override configuration keys (highest precedence).</summary>
    protected virtual void AddConfigOverrides(Dictionary<string, object?> overrides)
    {
        if (CacheDir is not null) overrides[ConfigKeys.CacheDir] = ItemPathResolver.ResolveDirectory(this, CacheDir);
    }

    /// <summary>Local paths as the shell resolves them; remote paths untouched.</summary>
    internal ItemPathResolver Paths => _paths ??= new ItemPathResolver(this, () => _opened?.Parser ?? StoresWithoutCache().Parser);
    Engine.Storage.StoreRegistry? _unopened;

    /// <summary>
    /// The stores bound to this call's configuration when no cache is opened (nothing is written): the paths parse as
    /// they would with the cache. A configuration the stores refuse ends the call.
    /// </summary>
    internal Engine.Storage.StoreRegistry StoresWithoutCache()
    {
        try { return _unopened ??= new Engine.Storage.StoreRegistry(Config, Log); }
        catch (ConfigException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "InvalidConfiguration", ErrorCategory.InvalidData, e.Source));
            throw; // unreachable
        }
    }

    /// <summary>
    /// For commands that only read: a cache directory that does not exist is reported, never created (a typo in
    /// -CacheDir must not leave an empty cache behind and report it as real).
    /// </summary>
    protected bool CacheDirectoryExists(bool warn = true)
    {
        if (Directory.Exists(Config.CacheDir)) return true;
        if (warn)
            WriteWarning($"The cache directory {Config.CacheDir} does not exist, so nothing is cached there (cache_dir from {SourceOf(ConfigKeys.CacheDir)}). " +
                         "Check -CacheDir, or see Get-MediaCacheConfig.");
        return false;
    }

    /// <summary>-WhatIf bound, else $WhatIfPreference (commands that decide themselves, not through ShouldProcess).</summary>
    protected bool IsWhatIf() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent
            : GetVariableValue("WhatIfPreference") is { } pref && LanguagePrimitives.IsTrue(pref);

    /// <summary>
    /// Verbose output only when it is asked for (-Verbose, or $VerbosePreference). PowerShell turns a cmdlet's verbose
    /// messages into prompts (Inquire) under -Debug without -Verbose; -Debug asks for debug output, not for a
    /// question per verbose line, so those are not written then.
    /// </summary>
    internal new void WriteVerbose(string text)
    {
        if (_verboseWanted ??= IsVerbose()) base.WriteVerbose(text);
    }
    bool? _verboseWanted;

    /// <summary>-Verbose bound, else the caller's $VerbosePreference.</summary>
    protected bool IsVerbose() =>
        MyInvocation.BoundParameters.TryGetValue("Verbose", out var v) ? ((SwitchParameter)v).IsPresent
            // Under -Debug the runtime's verbose preference follows -Debug (Inquire), not the caller's wish: the variable.
            : MyInvocation.BoundParameters.ContainsKey("Debug") ? Wanted(GetVariableValue("VerbosePreference") as ActionPreference?)
            : Wanted(RuntimePreference("VerbosePreference"));

    /// <summary>-Debug bound, else the caller's $DebugPreference.</summary>
    protected bool IsDebug() =>
        MyInvocation.BoundParameters.TryGetValue("Debug", out var d) ? ((SwitchParameter)d).IsPresent : Wanted(RuntimePreference("DebugPreference"));

    static bool Wanted(ActionPreference? p) => p is { } x && x is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);

    /// <summary>
    /// A preference as PowerShell itself applies it to this call's Write-Verbose/Write-Debug: its command runtime's
    /// own property, which sees the caller's variable in whatever scope the caller set it. GetVariableValue sees only
    /// the module's and the global scope, so a function that set $VerbosePreference before calling us went unheard.
    /// The property is not public: where a PowerShell lacks it, the preference variable as GetVariableValue sees it.
    /// </summary>
    ActionPreference? RuntimePreference(string name)
    {
        var runtime = CommandRuntime;
        if (runtime?.GetType().GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is { PropertyType: var t } prop
            && t == typeof(ActionPreference))
            return (ActionPreference)prop.GetValue(runtime)!;
        return GetVariableValue(name) as ActionPreference?;
    }

    string SourceOf(string key) => Config.SourcesByKey.TryGetValue(key, out var s) ? s : "default";

    protected CacheConfig Config
    {
        get
        {
            if (_config is not null) return _config;
            var overrides = new Dictionary<string, object?>();
            AddConfigOverrides(overrides);
            try { _config = ConfigLoader.Load(overrides); }
            catch (ConfigException e)
            {
                ThrowTerminatingError(ConfigErrors.Record(e));
            }
            // One line: where the cache is and what set it (Get-MediaCacheConfig shows the rest).
            var set = _config!.Sources.Where(x => x.Value != "default").Select(x => $"{x.Key} from {x.Value}").ToList();
            WriteVerbose($"Cache {_config.CacheDir}, limit {(_config.IsUnlimited ? "none (-1)" : Sizes.Humanize(_config.CacheSizeBytes))}, {_config.NumWorkers} worker(s); " +
                         (set.Count > 0 ? string.Join(", ", set) : "all defaults") +
                         $" ({_config.ConfigFilePath}{(_config.ConfigFileExists ? "" : ", not present")})");
            return _config;
        }
    }

    protected MediaCache OpenCache()
    {
        if (_opened is not null) return _opened; // once per call: the session key hashes the environment
        try
        {
            Log.DebugEnabled = IsDebug();
            var cache = CacheSessions.Get(Config, Log);
            cache.Log = Log;
            _opened = cache;
            return cache;
        }
        catch (Engine.Fleet.SharedFileSystemException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "SharedFileSystem", ErrorCategory.InvalidOperation, Config.CacheDir));
            throw; // unreachable
        }
        catch (ConfigException e)
        {
            ThrowTerminatingError(ConfigErrors.Record(e));
            throw; // unreachable
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"Cannot open the media cache at {Config.CacheDir}: {e.Message}", e),
                "CacheUnavailable", ErrorCategory.OpenError, Config.CacheDir));
            throw; // unreachable
        }
    }

    protected override void StopProcessing() => _cts.Cancel();

    internal static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Resources of a call that must go even when the pipeline stops early.</summary>
    protected virtual void DisposeResources() { }

    public void Dispose()
    {
        try { DisposeResources(); } catch (Exception) { /* disposal must not throw */ }
        _unopened?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The exception carried by per-item error records.</summary>
public sealed class MediaCacheItemException(string message) : Exception(message);
