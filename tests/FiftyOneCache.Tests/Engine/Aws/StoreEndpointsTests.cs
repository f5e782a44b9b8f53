using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Engine.Aws;

/// <summary>The endpoint New-CvatAnnotation matches CVAT storages against is the one the store itself resolves.</summary>
public class StoreEndpointsTests
{
    static Func<string, string?> Env(params (string K, string V)[] vars) => k => vars.FirstOrDefault(v => v.K == k).V;

    [Fact]
    public void MinIO_endpoint_comes_from_the_ini_profile_without_any_MINIO_variable()
    {
        using var dir = new TempDir();
        var ini = dir.Sub("minio.ini");
        File.WriteAllText(ini, "[default]\nendpoint_url = http://127.0.0.1:1\n[lab]\nendpoint_url = http://minio.lab.example:9000/\nalias = lab\n");
        var config = new CacheConfig { CacheDir = dir.Sub("c"), StoreSettings = TestStores.Settings(("minio_config_file", ini), ("minio_profile", "lab")) };

        Assert.Equal("http://minio.lab.example:9000", StoreEndpoints.For(config, "minio", Env()));
        Assert.Equal("http://env.example:9000", StoreEndpoints.For(config, "minio", Env(("MINIO_ENDPOINT_URL", "http://env.example:9000"))));
    }

    [Fact]
    public void S3_endpoint_is_resolved_by_boto3s_rules_without_credentials()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("config"), "[default]\nendpoint_url = http://s3.lab.example:9000\n");
        var config = new CacheConfig { CacheDir = dir.Sub("c") };
        var files = (K: "AWS_CONFIG_FILE", V: dir.Sub("config"));

        Assert.Equal("http://s3.lab.example:9000", StoreEndpoints.For(config, "s3", Env(files, ("HOME", dir.Path))));
        Assert.Null(StoreEndpoints.For(config, "s3", Env(files, ("HOME", dir.Path), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"))));
        Assert.Null(StoreEndpoints.For(config, "gs", Env()));
    }
}
