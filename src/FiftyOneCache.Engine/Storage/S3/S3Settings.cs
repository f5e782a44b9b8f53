using Amazon.Runtime;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// Where S3 requests go and as whom, resolved exactly as boto3 1.43 resolves a <c>boto3.Session()</c> (FiftyOne
/// uses boto3), so that the module and FiftyOne read the same objects with the same identity:
/// <list type="bullet">
/// <item>profile: FiftyOne's aws_profile (explicit: environment keys are then ignored), else AWS_DEFAULT_PROFILE,
/// else AWS_PROFILE, else "default"; a named profile that does not exist is an error;</item>
/// <item>files: FiftyOne's aws_config_file (read as both files), else AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE,
/// else ~/.aws/config and ~/.aws/credentials;</item>
/// <item>credentials: <see cref="AwsCredentialChain"/>;</item>
/// <item>region: AWS_DEFAULT_REGION, else the profile's region, else AWS_REGION (which boto3 ignores but the AWS
/// SDKs honour; used only where boto3 would have no region);</item>
/// <item>endpoint: none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's ignore_configured_endpoint_urls)
/// is true; else AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the s3 endpoint_url of the profile's [services] section, the
/// profile's endpoint_url (botocore's ConfiguredEndpointProvider order);</item>
/// <item>addressing: the profile's <c>s3 = addressing_style</c>; by default path style for a custom endpoint and
/// virtual-hosted style for AWS, as botocore does.</item>
/// </list>
/// </summary>
public sealed class S3Settings
{
    public AWSCredentials? Credentials { get; init; }
    public string CredentialSource { get; init; } = "";
    public string ProfileName { get; init; } = "default";
    public string? EndpointUrl { get; init; }
    public string? EndpointSource { get; init; }
    public string Region { get; init; } = "us-east-1";
    public bool RegionExplicit { get; init; }
    public bool ForcePathStyle { get; init; }

    public static S3Settings Resolve(CacheConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var (files, profileName, explicitProfile, profile) = Scope(config, env);
        var (creds, source) = AwsCredentialChain.Resolve(files, profileName, explicitProfile, env);
        try { creds.GetCredentials(); }
        catch (Exception e) when (e is not StoreException)
        {
            throw new StoreException(StoreErrorKind.NoCredentials, $"AWS credentials from {source} could not be loaded: {e.Message}");
        }

        var region = NonEmpty(env("AWS_DEFAULT_REGION")) ?? Value(profile, "region") ?? NonEmpty(env("AWS_REGION"));
        var (endpoint, endpointSource) = ResolveEndpoint(files, profile, profileName, env);
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            throw new StoreException(StoreErrorKind.NoCredentials, $"S3 endpoint '{endpoint}' from {endpointSource} is not an http(s) URL");
        var style = files.SubSection(profile, "s3") is { } s3 && s3.TryGetValue("addressing_style", out var a) ? a.ToLowerInvariant() : "auto";
        return new S3Settings
        {
            Credentials = creds, CredentialSource = source, ProfileName = profileName,
            EndpointUrl = endpoint, EndpointSource = endpointSource,
            Region = region ?? "us-east-1", RegionExplicit = region is not null,
            ForcePathStyle = style == "path" || (style != "virtual" && endpoint is not null),
        };
    }

    /// <summary>
    /// Where credentials, endpoint and region would come from, without loading credentials (no network, no secret):
    /// what Get-MediaCacheConfig shows.
    /// </summary>
    public static string DescribeSource(CacheConfig config, Func<string, string?> env)
    {
        var (files, profileName, explicitProfile, profile) = Scope(config, env);
        var (_, source) = AwsCredentialChain.Resolve(files, profileName, explicitProfile, env, describeOnly: true);
        var region = NonEmpty(env("AWS_DEFAULT_REGION")) ?? Value(profile, "region") ?? NonEmpty(env("AWS_REGION")) ?? "us-east-1";
        var (endpoint, endpointSource) = ResolveEndpoint(files, profile, profileName, env);
        return $"{source}; {(endpoint is null ? "AWS endpoints" : $"endpoint {endpoint} (from {endpointSource})")}; region {region}";
    }

    /// <summary>Only the endpoint (null: AWS's own), without looking for credentials: what CVAT's storage must match.</summary>
    public static string? ResolveEndpointUrl(CacheConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var (files, profileName, _, profile) = Scope(config, env);
        return ResolveEndpoint(files, profile, profileName, env).Url;
    }

    /// <summary>The files, the profile's name (and whether FiftyOne's aws_profile named it) and its values.</summary>
    static (AwsSharedConfig Files, string ProfileName, bool Explicit, Dictionary<string, string> Profile) Scope(CacheConfig config, Func<string, string?> env)
    {
        var files = AwsSharedConfig.Load(config.Setting(S3Backend.ConfigFileKey), env);
        var named = NonEmpty(config.Setting(S3Backend.ProfileKey)) ?? NonEmpty(env("AWS_DEFAULT_PROFILE")) ?? NonEmpty(env("AWS_PROFILE"));
        var explicitProfile = NonEmpty(config.Setting(S3Backend.ProfileKey)) is not null;
        // boto3 raises ProfileNotFound for a named profile that is missing, even when environment keys are set.
        if (named is not null && !files.Profiles.ContainsKey(named))
            throw new StoreException(StoreErrorKind.NoCredentials,
                $"AWS profile '{named}' (from {(explicitProfile ? "aws_profile" : NonEmpty(env("AWS_DEFAULT_PROFILE")) is not null ? "AWS_DEFAULT_PROFILE" : "AWS_PROFILE")}) " +
                $"was not found in {files.Describe()} (profiles: {(files.Profiles.Count == 0 ? "none" : string.Join(", ", files.Profiles.Keys.Order(StringComparer.Ordinal)))})");
        var profileName = named ?? "default";
        return (files, profileName, explicitProfile, files.Profiles.GetValueOrDefault(profileName) ?? new Dictionary<string, string>());
    }

    /// <summary>botocore's ConfiguredEndpointProvider for the "s3" client; (null, null) for AWS's own endpoints.</summary>
    static (string? Url, string? Source) ResolveEndpoint(AwsSharedConfig files, Dictionary<string, string> profile, string profileName, Func<string, string?> env)
    {
        var ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") is { } flag
            ? string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase)
            : string.Equals(Value(profile, "ignore_configured_endpoint_urls"), "true", StringComparison.OrdinalIgnoreCase);
        if (ignore) return (null, null);
        if (NonEmpty(env("AWS_ENDPOINT_URL_S3")) is { } s) return (s, "AWS_ENDPOINT_URL_S3");
        if (NonEmpty(env("AWS_ENDPOINT_URL")) is { } g) return (g, "AWS_ENDPOINT_URL");
        if (Value(profile, "services") is { } servicesName)
        {
            if (!files.Services.TryGetValue(servicesName, out var section))
                throw new StoreException(StoreErrorKind.NoCredentials,
                    $"AWS profile '{profileName}' names services = {servicesName} but {files.ConfigFile} has no [services {servicesName}] section");
            if (files.SubSection(section, "s3") is { } s3 && s3.TryGetValue("endpoint_url", out var e) && e.Length > 0)
                return (e, $"[services {servicesName}] s3 endpoint_url in {files.ConfigFile}");
        }
        if (Value(profile, "endpoint_url") is { } p) return (p, $"profile '{profileName}' endpoint_url");
        return (null, null);
    }

    /// <summary>Which endpoint, region and addressing, for -Verbose (never a secret).</summary>
    public string DescribeEndpoint() =>
        EndpointUrl is { } e
            ? $"endpoint {e} (from {EndpointSource}, {(ForcePathStyle ? "path-style" : "virtual-hosted")})"
            : $"AWS endpoints{(ForcePathStyle ? " (path-style)" : "")}";

    static string? Value(Dictionary<string, string> section, string key) => section.TryGetValue(key, out var v) ? NonEmpty(v) : null;
    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
