using System.Diagnostics;
using System.Text.Json;

namespace FiftyOneCache.Tests.Infrastructure;

/// <summary>
/// The real local servers (tests/servers/harness.js): reused when build.ps1 already started them
/// (FOC_TEST_SERVERS names their JSON file), otherwise started here and stopped at the end of the run.
/// </summary>
public sealed class TestServers : IDisposable
{
    static readonly Lazy<TestServers> _instance = new(() => new TestServers());
    public static TestServers Instance => _instance.Value;

    readonly Process? _harness;
    public JsonElement Info { get; }

    TestServers()
    {
        var file = Environment.GetEnvironmentVariable("FOC_TEST_SERVERS");
        if (string.IsNullOrEmpty(file) || !File.Exists(file))
        {
            file = Path.Combine(Path.GetTempPath(), $"foc-servers-{Environment.ProcessId}.json");
            var script = Path.Combine(RepoRoot, "tests", "servers", "harness.js");
            var psi = new ProcessStartInfo("node", $"\"{script}\" --out \"{file}\" --parent-pid {Environment.ProcessId}")
            {
                RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
            };
            _harness = Process.Start(psi)!;
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                var line = _harness.StandardOutput.ReadLine();
                if (line is null) throw new InvalidOperationException("test server harness exited before it was ready");
                if (line.StartsWith("READY", StringComparison.Ordinal)) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException("test servers did not start in 3 minutes");
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        }
        Info = JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
    }

    public static string RepoRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "FiftyOneCache.psd1")) && !Directory.Exists(Path.Combine(dir, ".git")))
                dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("repository root not found");
        }
    }

    public string HttpUrl => Info.GetProperty("http").GetProperty("url").GetString()!;
    public string HttpRoot => Info.GetProperty("http").GetProperty("root").GetString()!;
    public string S3Endpoint => Info.GetProperty("s3").GetProperty("endpoint").GetString()!;
    public string MongoUri => Info.GetProperty("mongo").GetProperty("uri").GetString()!;
    public string? Url(string server) => Info.TryGetProperty(server, out var s) && s.TryGetProperty("url", out var u) ? u.GetString() : null;

    public void Dispose()
    {
        if (_harness is { HasExited: false })
        {
            try { _harness.StandardInput.Close(); } catch { }
            if (!_harness.WaitForExit(5000)) _harness.Kill(true);
        }
    }
}

/// <summary>A temporary cache directory per test, removed afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "foc-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }
    public string Path { get; }
    public string Sub(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch { }
    }
}
