using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Cvat;

/// <summary>
/// The CVAT fake (tests/fakes/cvat-fake.js): the harness's instance when build.ps1 started one (its JSON names
/// cvat.url), otherwise one started here for this test run. Every test resets it through the control API.
/// </summary>
public sealed class CvatFake : IDisposable
{
    readonly Process? _node;
    public HttpClient Http { get; } = new();
    public string Url { get; }

    public CvatFake()
    {
        var file = Environment.GetEnvironmentVariable("FOC_TEST_SERVERS");
        if (!string.IsNullOrEmpty(file) && File.Exists(file)
            && JsonNode.Parse(File.ReadAllText(file))?["cvat"]?["url"]?.GetValue<string>() is { } harnessUrl)
        {
            Url = harnessUrl.TrimEnd('/');
            return;
        }
        var script = Path.Combine(TestServers.RepoRoot, "tests", "fakes", "cvat-fake.js");
        var psi = new ProcessStartInfo("node", $"\"{script}\" --port 0 --delay 60")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        _node = Process.Start(psi)!;
        var line = _node.StandardOutput.ReadLine() ?? throw new InvalidOperationException("cvat-fake exited: " + _node.StandardError.ReadToEnd());
        if (!line.StartsWith("READY ", StringComparison.Ordinal)) throw new InvalidOperationException("cvat-fake said: " + line);
        Url = line["READY ".Length..].Trim();
    }

    public async Task ResetAsync(string password = "s3cret-Pa55")
    {
        (await Http.PostAsync($"{Url}/__control/reset", null)).EnsureSuccessStatusCode();
        await Control("/__control/config", new JsonObject { ["processingDelayMs"] = 60, ["version"] = "2.17.0", ["syncValidation"] = false });
        await Control("/__control/users", new JsonObject { ["username"] = "annotator", ["password"] = password });
        (await Http.DeleteAsync($"{Url}/__control/log")).EnsureSuccessStatusCode();
    }

    public async Task<JsonNode?> Control(string path, JsonNode body)
    {
        var resp = await Http.PostAsync(Url + path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, $"{path}: {(int)resp.StatusCode} {text}");
        return text.Length > 0 ? JsonNode.Parse(text) : null;
    }

    /// <summary>Attaches a cloud storage with a manifest, as an admin would in CVAT's UI.</summary>
    public async Task<int> AttachStorageAsync(string bucket, string manifestContent, string manifestPath = "manifest.jsonl",
                                              string provider = "AWS_S3_BUCKET", string? specificAttributes = null)
    {
        var r = await Control("/__control/cloudstorages", new JsonObject
        {
            ["provider_type"] = provider, ["resource"] = bucket, ["display_name"] = $"{bucket} storage",
            ["manifests"] = new JsonArray(manifestPath), ["manifest_contents"] = new JsonObject { [manifestPath] = manifestContent },
            ["specific_attributes"] = specificAttributes ?? "",
        });
        return r!["id"]!.GetValue<int>();
    }

    public async Task<JsonArray> LogAsync() => (JsonArray)JsonNode.Parse(await Http.GetStringAsync($"{Url}/__control/log"))!;
    public async Task<JsonObject> StateAsync() => (JsonObject)JsonNode.Parse(await Http.GetStringAsync($"{Url}/__control/state"))!;

    /// <summary>"METHOD /path status" per request: what the log looks like to a reader.</summary>
    public static List<string> Summary(JsonArray log) =>
        log.Select(e => $"{e!["method"]} {e["path"]}{Query(e["query"] as JsonObject)} {e["status"]}").ToList();

    static string Query(JsonObject? q) => q is null || q.Count == 0 ? "" : "?" + string.Join("&", q.Select(kv => $"{kv.Key}={kv.Value}"));

    public void Dispose()
    {
        Http.Dispose();
        if (_node is { HasExited: false })
        {
            try { _node.Kill(true); _node.WaitForExit(5000); } catch { }
        }
        _node?.Dispose();
    }
}

[CollectionDefinition("cvat")]
public sealed class CvatCollection : ICollectionFixture<CvatFake>;
