using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Engine.Storage.S3;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FiftyOneCache.Tests.Engine.Aws;

/// <summary>
/// The S3 store's profile, credentials, region, endpoint and addressing for a table of environments and AWS files,
/// each compared with the answer written here and, when python3 can import boto3, with boto3's own answer for the
/// same environment (boto3_oracle.py): FiftyOne uses boto3, so the module must agree with it. Key ids are
/// compared, never secrets.
/// </summary>
public class S3ResolutionTableTests(ITestOutputHelper output)
{
    /// <param name="AwsProfile">FiftyOne's aws_profile (an explicit profile).</param>
    /// <param name="FiftyOneFile">FiftyOne's aws_config_file set to the fiftyone.ini fixture.</param>
    public sealed record Case(string Name, Dictionary<string, string> Env, Expect Expected, string? AwsProfile = null, bool FiftyOneFile = false);

    /// <param name="Endpoint">null: AWS's own endpoint. <param name="Presigned">scheme://host/path of a GET of s3://media/k (custom endpoints only).</param></param>
    /// <param name="Error">botocore's exception class when boto3 refuses the setup.</param>
    public sealed record Expect(string? Profile = null, string? AccessKey = null, string? Region = null, string? Endpoint = null, string? Presigned = null, string? Error = null);

    const string Config = """
        [default]
        region = eu-west-1
        endpoint_url = http://127.0.0.1:9001

        [profile p1]
        region = ap-south-1
        services = svc

        [profile plain]
        region = us-west-2
        endpoint_url = http://127.0.0.1:9003

        [profile virt]
        region = us-east-2
        endpoint_url = http://localhost:9004
        s3 =
          addressing_style = virtual

        [profile noep]
        region = ca-central-1
        ignore_configured_endpoint_urls = true
        endpoint_url = http://127.0.0.1:9005

        [profile broken]
        services = nosuch

        [services svc]
        s3 =
          endpoint_url = http://127.0.0.1:9002
        """;

    const string Credentials = """
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = secret-default
        [p1]
        aws_access_key_id = AKIAP1
        aws_secret_access_key = secret-p1
        [plain]
        aws_access_key_id = AKIAPLAIN
        aws_secret_access_key = secret-plain
        [virt]
        aws_access_key_id = AKIAVIRT
        aws_secret_access_key = secret-virt
        [noep]
        aws_access_key_id = AKIANOEP
        aws_secret_access_key = secret-noep
        [broken]
        aws_access_key_id = AKIABROKEN
        aws_secret_access_key = secret-broken
        """;

    // FiftyOne's aws_config_file: one credentials-style file, with a region and an endpoint of its own.
    const string FiftyOneIni = """
        [default]
        aws_access_key_id = AKIAFOFILE
        aws_secret_access_key = secret-fo
        region = sa-east-1
        [reader]
        aws_access_key_id = AKIAFOREADER
        aws_secret_access_key = secret-fo-reader
        """;

    static Dictionary<string, string> Files(params (string, string)[] more)
    {
        var d = new Dictionary<string, string> { ["AWS_CONFIG_FILE"] = "{dir}/config", ["AWS_SHARED_CREDENTIALS_FILE"] = "{dir}/credentials" };
        foreach (var (k, v) in more) d[k] = v;
        return d;
    }

    static readonly (string, string)[] EnvKeys = [("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "secret-env")];

    public static readonly Case[] Cases =
    [
        new("no profile named: [default] keys, region and endpoint_url", Files(),
            new("default", "AKIADEFAULT", "eu-west-1", "http://127.0.0.1:9001", "http://127.0.0.1:9001/media/k")),
        new("no profile named, environment keys: keys from env, region and endpoint from [default]", Files(EnvKeys),
            new("default", "AKIAENV", "eu-west-1", "http://127.0.0.1:9001", "http://127.0.0.1:9001/media/k")),
        new("AWS_PROFILE and environment keys: the environment keys win", Files([.. EnvKeys, ("AWS_PROFILE", "plain")]),
            new("plain", "AKIAENV", "us-west-2", "http://127.0.0.1:9003", "http://127.0.0.1:9003/media/k")),
        new("AWS_PROFILE, environment keys and a session token: the environment keys win", Files([.. EnvKeys, ("AWS_SESSION_TOKEN", "tok"), ("AWS_PROFILE", "plain")]),
            new("plain", "AKIAENV", "us-west-2", "http://127.0.0.1:9003", "http://127.0.0.1:9003/media/k")),
        new("aws_profile (explicit) and environment keys: the profile's keys win", Files(EnvKeys),
            new("plain", "AKIAPLAIN", "us-west-2", "http://127.0.0.1:9003", "http://127.0.0.1:9003/media/k"), AwsProfile: "plain"),
        new("AWS_DEFAULT_PROFILE beats AWS_PROFILE", Files(("AWS_DEFAULT_PROFILE", "plain"), ("AWS_PROFILE", "p1")),
            new("plain", "AKIAPLAIN", "us-west-2", "http://127.0.0.1:9003", "http://127.0.0.1:9003/media/k")),
        new("endpoint_url from the profile's [services] s3 section", Files(("AWS_PROFILE", "p1")),
            new("p1", "AKIAP1", "ap-south-1", "http://127.0.0.1:9002", "http://127.0.0.1:9002/media/k")),
        new("AWS_ENDPOINT_URL beats the [services] section", Files(("AWS_PROFILE", "p1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:9101")),
            new("p1", "AKIAP1", "ap-south-1", "http://127.0.0.1:9101", "http://127.0.0.1:9101/media/k")),
        new("AWS_ENDPOINT_URL_S3 beats AWS_ENDPOINT_URL", Files(("AWS_PROFILE", "p1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:9101"), ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9102")),
            new("p1", "AKIAP1", "ap-south-1", "http://127.0.0.1:9102", "http://127.0.0.1:9102/media/k")),
        new("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops every configured endpoint", Files(("AWS_PROFILE", "p1"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:9101"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")),
            new("p1", "AKIAP1", "ap-south-1")),
        new("ignore_configured_endpoint_urls in the profile", Files(("AWS_PROFILE", "noep")),
            new("noep", "AKIANOEP", "ca-central-1")),
        new("AWS_DEFAULT_REGION beats the profile's region", Files(("AWS_DEFAULT_REGION", "us-west-1")),
            new("default", "AKIADEFAULT", "us-west-1", "http://127.0.0.1:9001", "http://127.0.0.1:9001/media/k")),
        new("AWS_REGION loses to the profile's region", Files(("AWS_REGION", "sa-east-1")),
            new("default", "AKIADEFAULT", "eu-west-1", "http://127.0.0.1:9001", "http://127.0.0.1:9001/media/k")),
        new("addressing_style = virtual in the profile's s3 section", Files(("AWS_PROFILE", "virt")),
            new("virt", "AKIAVIRT", "us-east-2", "http://localhost:9004", "http://media.localhost:9004/k")),
        new("files in ~/.aws when no variable names them", new() { ["AWS_PROFILE"] = "plain" },
            new("plain", "AKIAPLAIN", "us-west-2", "http://127.0.0.1:9003", "http://127.0.0.1:9003/media/k")),
        new("aws_config_file (FiftyOne's file) replaces the AWS files", Files(),
            new("default", "AKIAFOFILE", "sa-east-1"), FiftyOneFile: true),
        new("aws_config_file with aws_profile", Files(EnvKeys),
            new("reader", "AKIAFOREADER"), AwsProfile: "reader", FiftyOneFile: true),
        new("a named profile that does not exist is an error, even with environment keys", Files([.. EnvKeys, ("AWS_PROFILE", "nosuch")]),
            new(Error: "ProfileNotFound")),
        new("services = a section that does not exist is an error", Files(("AWS_PROFILE", "broken")),
            new(Error: "InvalidConfigError")),
        new("a config file that configparser rejects (a section twice) is an error", new() { ["AWS_CONFIG_FILE"] = "{dir}/bad-config", ["AWS_SHARED_CREDENTIALS_FILE"] = "{dir}/credentials" },
            new(Error: "ConfigParseError")),
        new("a key id without its secret is an error", Files(("AWS_ACCESS_KEY_ID", "AKIAENV")),
            new(Error: "PartialCredentialsError")),
    ];

    public static IEnumerable<object[]> CaseNames => Cases.Select(c => new object[] { c.Name });

    /// <summary>The fixture files, written once: config, credentials, fiftyone.ini and home/.aws/{config,credentials}.</summary>
    static readonly Lazy<string> Fixture = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"foc-awsfiles-{Environment.ProcessId}");
        Directory.CreateDirectory(Path.Combine(dir, "home", ".aws"));
        File.WriteAllText(Path.Combine(dir, "config"), Config);
        File.WriteAllText(Path.Combine(dir, "credentials"), Credentials);
        File.WriteAllText(Path.Combine(dir, "fiftyone.ini"), FiftyOneIni);
        File.WriteAllText(Path.Combine(dir, "bad-config"), "[default]\nregion = eu-west-1\n[profile x]\nregion = us-west-2\n[default]\nregion = eu-west-2\n");
        File.WriteAllText(Path.Combine(dir, "home", ".aws", "config"), Config);
        File.WriteAllText(Path.Combine(dir, "home", ".aws", "credentials"), Credentials);
        return dir;
    });

    /// <summary>The exact environment a case runs in, for the module and for boto3 alike.</summary>
    static Dictionary<string, string> EnvironmentOf(Case c)
    {
        var dir = Fixture.Value;
        var env = c.Env.ToDictionary(kv => kv.Key, kv => kv.Value.Replace("{dir}", dir));
        env["HOME"] = Path.Combine(dir, "home");
        env["AWS_EC2_METADATA_DISABLED"] = "true";
        return env;
    }

    /// <summary>boto3's answers for every case, from one python process; null when python3 cannot import boto3.</summary>
    static readonly Lazy<JsonArray?> Boto3 = new(() =>
    {
        var script = Path.Combine(TestServers.RepoRoot, "tests", "FiftyOneCache.Tests", "Engine", "Aws", "boto3_oracle.py");
        var input = new JsonArray(Cases.Select(c =>
        {
            var env = EnvironmentOf(c);
            env["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
            if (c.FiftyOneFile)
            {
                // FiftyOne's aws_config_file, as boto3 would be told about it: the one file is both AWS files.
                env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Fixture.Value, "fiftyone.ini");
            }
            return (JsonNode)new JsonObject { ["env"] = JsonSerializer.SerializeToNode(env), ["profile"] = c.AwsProfile };
        }).ToArray());
        try
        {
            var psi = new ProcessStartInfo("python3", $"\"{script}\"") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(input.ToJsonString());
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(true); return null; }
            if (p.ExitCode != 0) return null; // no boto3 (ModuleNotFoundError): the expected values still hold the module to it
            return JsonNode.Parse(stdout.Result)!.AsArray();
        }
        catch (System.ComponentModel.Win32Exception) { return null; } // no python3
    });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task ModuleResolvesS3AsBoto3Does(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        var env = EnvironmentOf(c);
        var config = new CacheConfig
        {
            CacheDir = Path.Combine(Fixture.Value, "cache"),
            StoreSettings = TestStores.Settings(("aws_profile", c.AwsProfile), ("aws_config_file", c.FiftyOneFile ? Path.Combine(Fixture.Value, "fiftyone.ini") : null)),
        };
        var module = await ModuleAnswerAsync(config, env);
        AssertMatches(c.Expected, module, "module");

        if (Boto3.Value is not { } answers)
        {
            output.WriteLine("boto3 is not importable by python3: checked against the expected values only");
            return;
        }
        var b = answers[Array.IndexOf(Cases, c)]!.AsObject();
        var boto = b["error"] is { } err
            ? new Expect(Error: err.GetValue<string>())
            : new Expect((string?)b["profile"], (string?)b["accessKey"], (string?)b["region"],
                IsAws((string?)b["endpoint"]) ? null : (string?)b["endpoint"],
                IsAws((string?)b["endpoint"]) ? null : (string?)b["presigned"]);
        output.WriteLine($"boto3: {boto}");
        AssertMatches(c.Expected, boto, "boto3");
    }

    static bool IsAws(string? endpoint) => endpoint is null || new Uri(endpoint).Host.EndsWith(".amazonaws.com", StringComparison.Ordinal);

    static async Task<Expect> ModuleAnswerAsync(CacheConfig config, Dictionary<string, string> env)
    {
        S3Settings s;
        try { s = S3Settings.Resolve(config, k => env.GetValueOrDefault(k)); }
        catch (StoreException e)
        {
            // The module's message, classified by botocore's exception for the same setup.
            var kind = e.Message.Contains("was not found", StringComparison.Ordinal) ? "ProfileNotFound"
                : e.Message.Contains("has no [services", StringComparison.Ordinal) ? "InvalidConfigError"
                : e.Message.Contains("AWS_SECRET_ACCESS_KEY is not", StringComparison.Ordinal) ? "PartialCredentialsError"
                : e.Message.Contains("botocore rejects it too", StringComparison.Ordinal) ? "ConfigParseError"
                : $"StoreException: {e.Message}";
            return new Expect(Error: kind);
        }
        string? presigned = null;
        if (s.EndpointUrl is not null)
        {
            using var transport = new HttpTransport();
            using var store = new S3Store(s, transport);
            var url = await store.PresignedUrlAsync(new MediaRef("s3://media/k", FiftyOneCache.Engine.Storage.S3.S3Backend.StoreName, "media", "k"), CancellationToken.None);
            presigned = url.GetLeftPart(UriPartial.Path);
        }
        return new Expect(s.ProfileName, (await s.Credentials!.GetCredentialsAsync()).AccessKey,
            s.RegionExplicit ? s.Region : null, s.EndpointUrl, presigned);
    }

    static void AssertMatches(Expect expected, Expect actual, string who)
    {
        Assert.True(expected.Error == actual.Error, $"{who}: error {actual.Error ?? "none"}, expected {expected.Error ?? "none"}");
        if (expected.Error is not null) return;
        Assert.True(expected.Profile == actual.Profile, $"{who}: profile {actual.Profile}, expected {expected.Profile}");
        Assert.True(expected.AccessKey == actual.AccessKey, $"{who}: access key id {actual.AccessKey}, expected {expected.AccessKey}");
        Assert.True(expected.Region == actual.Region, $"{who}: region {actual.Region ?? "none"}, expected {expected.Region ?? "none"}");
        Assert.True(expected.Endpoint == actual.Endpoint?.TrimEnd('/'), $"{who}: endpoint {actual.Endpoint ?? "AWS"}, expected {expected.Endpoint ?? "AWS"}");
        Assert.True(expected.Presigned == actual.Presigned, $"{who}: presigned GET {actual.Presigned ?? "-"}, expected {expected.Presigned ?? "-"}");
    }
}
