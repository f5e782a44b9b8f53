using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

public class ConfigTests
{
    static Func<string, string?> Env(params (string K, string V)[] vars) => k => vars.FirstOrDefault(v => v.K == k).V;

    [Fact]
    public void DefaultsApplyWithoutFileOrEnvironment()
    {
        using var dir = new TempDir();
        var c = ConfigLoader.Load(env: Env(), configPath: dir.Sub("none.json"));
        Assert.Equal(Path.Combine(CacheConfig.UserHome, "fiftyone", "__cache__"), c.CacheDir);
        Assert.Equal(137_438_953_472, c.CacheSizeBytes);
        Assert.Equal(Environment.ProcessorCount, c.NumWorkers);
        Assert.False(c.ConfigFileExists);
    }

    [Fact]
    public void LaterSourcesWin_DefaultsFileEnvironmentParameters()
    {
        using var dir = new TempDir();
        var file = dir.Sub("c.json");
        File.WriteAllText(file, """{"cache_dir": "/from/file", "cache_size_bytes": 1000, "num_workers": 3, "future_key": {"x": 1}}""");
        var c = ConfigLoader.Load(new Dictionary<string, object?> { ["num_workers"] = 7L },
            Env(("FIFTYONE_MEDIA_CACHE_SIZE_BYTES", "-1")), file);
        Assert.Equal("/from/file", c.CacheDir);
        Assert.True(c.IsUnlimited);
        Assert.Equal(7, c.NumWorkers);
        Assert.Equal($"file:{file}", c.SourcesByKey["cache_dir"]);
        Assert.Equal("env:FIFTYONE_MEDIA_CACHE_SIZE_BYTES", c.Sources["CacheSizeBytes"]);
        Assert.Equal("parameter", c.SourcesByKey["num_workers"]);
    }

    [Theory]
    [InlineData("FIFTYONE_MEDIA_CACHE_SIZE_BYTES", "lots", "cache_size_bytes")]
    [InlineData("FIFTYONE_MEDIA_CACHE_SIZE_BYTES", "-2", "cache_size_bytes")]
    [InlineData("FIFTYONE_MEDIA_CACHE_SIZE_BYTES", "0", "cache_size_bytes")]
    [InlineData("FIFTYONE_MEDIA_CACHE_NUM_WORKERS", "0", "num_workers")]
    [InlineData("FIFTYONE_MEDIA_CACHE_NUM_WORKERS", "-3", "num_workers")]
    [InlineData("FIFTYONE_MEDIA_CACHE_APP_IMAGES", "maybe", "cache_app_images")]
    public void BadEnvironmentValuesNameTheVariableAndKey(string variable, string value, string key)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(env: Env((variable, value)), configPath: dir.Sub("none.json")));
        Assert.Equal(key, e.Key);
        Assert.Contains(variable, e.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"cache_size_bytes": "12abc"}""")]
    [InlineData("""{"num_workers": [4]}""")]
    [InlineData("""{"cache_dir": 42}""")]
    public void BadFilesNameTheFile(string text)
    {
        using var dir = new TempDir();
        var file = dir.Sub("bad.json");
        File.WriteAllText(file, text);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(env: Env(), configPath: file));
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void UpdateKeepsKeysItDoesNotManage()
    {
        using var dir = new TempDir();
        var file = dir.Sub("c.json");
        File.WriteAllText(file, """{"cache_dir": "/x", "some_fiftyone_key": {"nested": true}}""");
        ConfigFile.Update(file, new Dictionary<string, object?> { ["cache_size_bytes"] = 5000L }, new[] { "cache_dir" });
        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        Assert.Equal(5000, json["cache_size_bytes"]!.GetValue<long>());
        Assert.True(json["some_fiftyone_key"]!["nested"]!.GetValue<bool>());
        Assert.False(json.ContainsKey("cache_dir"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
