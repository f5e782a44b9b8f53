using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// botocore's credential chain (credentials.py create_credential_resolver), in its order: environment keys (skipped
/// when the profile was passed explicitly: FiftyOne's aws_profile), the profile's assume-role, web identity (the
/// profile's, else AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), the profile's SSO / keys / credential_process,
/// container credentials, instance metadata. Each provider is the SDK's own class.
/// </summary>
public static class AwsCredentialChain
{
    /// <param name="describeOnly">Only say where the credentials would come from: no provider that talks to the
    /// network (instance metadata, containers, web identity) is created, so nothing leaves the machine; the
    /// credentials returned are then null.</param>
    public static (AWSCredentials Credentials, string Source) Resolve(AwsSharedConfig files, string profileName, bool profileExplicit, Func<string, string?> env,
                                                                      bool describeOnly = false)
    {
        if (!profileExplicit && EnvironmentKeys(env) is { } fromEnv) return fromEnv;

        var source = new AwsProfileSource(files);
        var where = files.Describe();
        source.TryGetProfile(profileName, out var profile);
        var values = files.Profiles.GetValueOrDefault(profileName);
        if (profile is not null && values is not null && (values.ContainsKey("role_arn") || values.ContainsKey("web_identity_token_file")))
            return FromProfile(profile, source, where);
        if (!profileExplicit && NonEmpty(env("AWS_WEB_IDENTITY_TOKEN_FILE")) is { } tokenFile && NonEmpty(env("AWS_ROLE_ARN")) is { } roleArn)
            return (describeOnly ? null! : new AssumeRoleWithWebIdentityCredentials(tokenFile, roleArn, NonEmpty(env("AWS_ROLE_SESSION_NAME"))),
                    "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)");
        if (profile is { CanCreateAWSCredentials: true }) return FromProfile(profile, source, where);
        if (NonEmpty(env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) is not null || NonEmpty(env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) is not null)
            return (describeOnly ? null! : new GenericContainerCredentials(), "container credentials (AWS_CONTAINER_CREDENTIALS_*)");
        if (!string.Equals(env("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
            return (describeOnly ? null! : new InstanceProfileAWSCredentials(), "instance metadata (IMDS)");
        throw new StoreException(StoreErrorKind.NoCredentials,
            $"no AWS credentials found: checked the environment (AWS_ACCESS_KEY_ID), profile '{profileName}' in {where}, " +
            "web identity and container variables; instance metadata is disabled (AWS_EC2_METADATA_DISABLED). " +
            "Set aws_profile with Set-MediaCacheConfig or configure the AWS CLI");
    }

    /// <summary>botocore's EnvProvider: both keys, or neither (a key id without its secret is an error).</summary>
    static (AWSCredentials, string)? EnvironmentKeys(Func<string, string?> env)
    {
        var id = NonEmpty(env("AWS_ACCESS_KEY_ID"));
        var secret = NonEmpty(env("AWS_SECRET_ACCESS_KEY"));
        if (id is null) return null;
        if (secret is null)
            throw new StoreException(StoreErrorKind.NoCredentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not (boto3 refuses partial credentials too)");
        var token = NonEmpty(env("AWS_SESSION_TOKEN")) ?? NonEmpty(env("AWS_SECURITY_TOKEN"));
        return token is null
            ? (new BasicAWSCredentials(id, secret), "environment (AWS_ACCESS_KEY_ID)")
            : (new SessionAWSCredentials(id, secret, token), "environment (AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN)");
    }

    static (AWSCredentials, string) FromProfile(CredentialProfile profile, AwsProfileSource source, string where)
    {
        try
        {
            var creds = profile.GetAWSCredentials(source);
            return (creds, $"profile '{profile.Name}' from {where} ({Kind(creds)})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StoreException(StoreErrorKind.NoCredentials, $"AWS profile '{profile.Name}' in {where} has no usable credentials: {e.Message}");
        }
    }

    static string Kind(AWSCredentials c) => c.GetType().Name.Replace("AWSCredentials", "").Replace("Credentials", "") switch
    {
        "Basic" or "" => "static keys",
        "Session" => "session keys",
        var k => k,
    };

    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
