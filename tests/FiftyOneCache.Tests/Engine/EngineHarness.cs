using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Tests.Infrastructure;

namespace FiftyOneCache.Tests.Engine;

/// <summary>A cache in a temp dir plus files served by the harness's HTTP server, for engine tests.</summary>
internal sealed class EngineHarness : IDisposable
{
    static readonly HttpClient Http = new();
    readonly TempDir _dir = new("foc-engine");
    public readonly string Prefix = Guid.NewGuid().ToString("N")[..8];

    public EngineHarness(long sizeLimit = CacheConfig.DefaultCacheSizeBytes, int workers = 2)
    {
        Config = new CacheConfig { CacheDir = _dir.Sub("cache"), CacheSizeBytes = sizeLimit, NumWorkers = workers };
        Cache = MediaCache.Open(Config);
    }

    public CacheConfig Config { get; }
    public MediaCache Cache { get; private set; }
    public static TestServers Servers => TestServers.Instance;

    public string Serve(string name, byte[] bytes)
    {
        var full = Path.Combine(Servers.HttpRoot, Prefix, name);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return $"{Servers.HttpUrl}/{Prefix}/{name}";
    }

    public static byte[] Random(int size) { var b = new byte[size]; System.Random.Shared.NextBytes(b); return b; }
    public static string Sha(byte[] b) => Convert.ToHexString(SHA256.HashData(b));
    public static string ShaFile(string p) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)));

    public static async Task Faults(object rules) =>
        (await Http.PostAsync($"{Servers.HttpUrl}/__faults", JsonContent.Create(rules))).EnsureSuccessStatusCode();

    public static async Task ClearFaults() => (await Http.DeleteAsync($"{Servers.HttpUrl}/__faults")).EnsureSuccessStatusCode();

    public async Task<int> Requests(string name)
    {
        var stats = JsonDocument.Parse(await Http.GetStringAsync($"{Servers.HttpUrl}/__stats")).RootElement.GetProperty("requests");
        return stats.TryGetProperty($"/{Prefix}/{name}", out var n) ? n.GetInt32() : 0;
    }

    /// <summary>The Range headers the server was asked for <paramref name="name"/>, in order.</summary>
    public async Task<List<string>> RangesAsked(string name)
    {
        var stats = JsonDocument.Parse(await Http.GetStringAsync($"{Servers.HttpUrl}/__stats")).RootElement.GetProperty("ranges");
        return stats.TryGetProperty($"/{Prefix}/{name}", out var l) ? l.EnumerateArray().Select(e => e.GetString()!).ToList() : new List<string>();
    }

    public async Task<List<MediaItemResult>> Run(IEnumerable<string> paths, ProcessOptions? options = null, CancellationToken ct = default)
    {
        var input = Channel.CreateUnbounded<WorkItem>();
        long i = 0;
        foreach (var p in paths) input.Writer.TryWrite(new WorkItem(i++, p));
        input.Writer.Complete();
        var results = new List<MediaItemResult>();
        using var run = Cache.Process(input.Reader, options ?? new ProcessOptions(), new TransferProgress(), ct);
        await foreach (var r in run.ReadAllAsync(ct)) results.Add(r);
        return results;
    }

    public void Reopen()
    {
        Cache.Dispose();
        Cache = MediaCache.Open(Config);
    }

    public void Dispose()
    {
        Cache.Dispose();
        _dir.Dispose();
    }
}
