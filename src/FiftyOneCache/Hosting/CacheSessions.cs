using System.Collections.Concurrent;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Hosting;

/// <summary>One engine per effective configuration per process: the index connection and HTTP pools are reused.</summary>
internal static class CacheSessions
{
    static readonly ConcurrentDictionary<string, Lazy<MediaCache>> Caches = new();

    /// <param name="opening">Told what opening the cache did (an index rebuilt, a cache moved to FiftyOne's layout);
    /// only while it opens, since the engine keeps its opening log for components that outlive the command.</param>
    public static MediaCache Get(CacheConfig config, Engine.Diagnostics.IEngineLog? opening = null)
    {
        // Every store's settings (each store declares its keys) and the variables its settings read key a session.
        var key = string.Join("|", new object[] { config.CacheDir, config.CacheSizeBytes, config.NumWorkers }
            .Concat(config.StoreSettings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"))
            .Append(CredentialEnvironmentHash()));
        var lazy = Caches.GetOrAdd(key, _ => new Lazy<MediaCache>(() =>
        {
            var log = new OpeningLog(opening);
            try { return MediaCache.Open(config, log); }
            finally { log.Close(); }
        }));
        try { return lazy.Value; }
        catch { Caches.TryRemove(key, out _); throw; }
    }

    /// <summary>
    /// Credential (and store client) settings from the environment change which clients a cache needs (each store
    /// declares the variables it reads, <see cref="Engine.Storage.StoreBackend.SessionVariables"/>); hashed, never kept.
    /// </summary>
    static string CredentialEnvironmentHash()
    {
        var vars = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(Engine.Storage.StoreBackends.IsSessionVariable)
            .OrderBy(k => k, StringComparer.Ordinal)
            .Select(k => k + "=" + Environment.GetEnvironmentVariable(k));
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", vars)));
        return Convert.ToHexString(bytes);
    }

    public static void CloseAll()
    {
        foreach (var c in Caches.Values)
            if (c.IsValueCreated) c.Value.Dispose();
        Caches.Clear();
    }

    /// <summary>Forwards messages while the cache opens, then drops them (as the engine's default NullLog does).</summary>
    sealed class OpeningLog(Engine.Diagnostics.IEngineLog? target) : Engine.Diagnostics.IEngineLog
    {
        volatile Engine.Diagnostics.IEngineLog? _target = target;
        public void Close() => _target = null;
        public void Verbose(string message) => _target?.Verbose(message);
        public void Debug(string message) => _target?.Debug(message);
        public void Warning(string message) => _target?.Warning(message);
        public bool DebugEnabled => _target?.DebugEnabled ?? false;
    }
}
