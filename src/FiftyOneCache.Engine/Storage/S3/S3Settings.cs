using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// Where S3 requests go and as whom, resolved the way the AWS CLI does: aws_profile / aws_config_file from
/// FiftyOne's configuration first, then AWS_PROFILE, then the SDK's default chain (environment, shared files,
/// SSO, web identity, container and instance metadata). Custom endpoints: AWS_ENDPOINT_URL_S3,
/// AWS_ENDPOINT_URL, or endpoint_url in the profile.
/// </summary>
public sealed class S3Settings
{
    public AWSCredentials? Credentials { get; init; }
    public string CredentialSource { get; init; } = "";
    public string? EndpointUrl { get; init; }
    public string Region { get; init; } = "us-east-1";
    public bool RegionExplicit { get; init; }

    public static S3Settings Resolve(CacheConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var profileName = config.AwsProfile ?? env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE");
        var file = config.AwsConfigFile;
        CredentialProfile? profile = null;
        AWSCredentials creds;
        string source;
        if (profileName is not null || file is not null)
        {
            var name = profileName ?? "default";
            var chain = file is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(file);
            var where = file ?? "~/.aws/credentials and ~/.aws/config";
            if (!chain.TryGetProfile(name, out profile))
                throw new StoreException(StoreErrorKind.NoCredentials, $"AWS profile '{name}' was not found in {where}");
            try { creds = profile.GetAWSCredentials(chain); }
            catch (Exception e) { throw new StoreException(StoreErrorKind.NoCredentials, $"AWS profile '{name}' in {where} has no usable credentials: {e.Message}"); }
            source = $"profile '{name}' from {where} ({Kind(creds)})";
        }
        else
        {
            try
            {
                creds = DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
                source = $"default credential chain: {Kind(creds)}";
            }
            catch (Exception)
            {
                throw new StoreException(StoreErrorKind.NoCredentials,
                    "no AWS credentials found: checked environment (AWS_ACCESS_KEY_ID), ~/.aws/credentials [profile default], " +
                    "~/.aws/config, SSO, web identity, container and instance metadata; set aws_profile with Set-MediaCacheConfig or configure the AWS CLI");
            }
        }
        try { creds.GetCredentials(); }
        catch (Exception e)
        {
            throw new StoreException(StoreErrorKind.NoCredentials, $"AWS credentials from {source} could not be loaded: {e.Message}");
        }
        var region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? profile?.Region?.SystemName;
        var endpoint = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? profile?.EndpointUrl;
        return new S3Settings
        {
            Credentials = creds, CredentialSource = source, EndpointUrl = string.IsNullOrWhiteSpace(endpoint) ? null : endpoint,
            Region = region ?? "us-east-1", RegionExplicit = region is not null,
        };
    }

    static string Kind(AWSCredentials c) => c.GetType().Name.Replace("AWSCredentials", "").Replace("Credentials", "") switch
    {
        "" => "static keys",
        var k => k,
    };
}
