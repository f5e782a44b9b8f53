using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// Amazon S3 and S3-compatible servers: <c>s3://bucket/key</c> at <c>media/s3/bucket/key</c>, configured as boto3
/// is (<see cref="S3Settings"/>: aws_config_file, aws_profile and the AWS_* variables), attached to CVAT as
/// AWS_S3_BUCKET. Objects piped in as BucketName/Key (Get-S3Object) are S3 objects.
/// </summary>
public sealed class S3Backend : StoreBackend
{
    public const string StoreName = "s3";
    public const string ConfigFileKey = "aws_config_file";
    public const string ProfileKey = "aws_profile";

    public override string Name => StoreName;
    public override string Title => "Amazon S3";
    public override IReadOnlyList<string> LegacyLayoutDirs => [StoreName];
    public override IReadOnlyList<ConfigKeyDef> ConfigKeys =>
        [new(ConfigFileKey, ConfigValueKind.Path), new(ProfileKey, ConfigValueKind.String, Completes: true)];
    public override IReadOnlyList<string> SessionVariables => ["AWS_*"];
    public override bool ClaimsBucketKeyInput => true;

    /// <summary>S3 answers 204 to a delete of a missing key; single-part ETags are MD5s; CopyObject across buckets.</summary>
    public override StoreCapabilities Capabilities { get; } = new()
    {
        CanWrite = true, CanDelete = true, ServerSideCopy = ServerSideCopy.WithinStore,
        ETagIsMd5 = true, ETagIdentifiesContent = true, DeleteReportsMissing = false,
    };

    public override CvatStorageMapping Cvat { get; } =
        new("AWS_S3_BUCKET", UsesEndpoint: true, DefaultEndpointName: "AWS", AcceptsProviderDefault: true) { ProviderHosts = ["amazonaws.com"] };

    public override StoreBinding Bind(StoreContext context) => new()
    {
        PathForms = [new PathForm(Name, PathFormKind.Scheme, "s3", p => MediaPathParser.Bucketed(p.Text, StoreName, p.Rest), "s3://")],
        Create = () => new S3Store(S3Settings.Resolve(context.Config, context.Env), context.Transport),
        DescribeSource = () => S3Settings.DescribeSource(context.Config, context.Env),
    };

    public override string? Endpoint(CacheConfig config, Func<string, string?> env) => S3Settings.ResolveEndpointUrl(config, env);

    /// <summary>The profiles boto3 knows (not [services] or [sso-session] sections), from the files it reads.</summary>
    public override IEnumerable<string> Complete(string key, Func<string, string?> setting, Func<string, string?> env)
    {
        if (key != ProfileKey) return [];
        try { return AwsSharedConfig.Load(setting(ConfigFileKey), env).Profiles.Keys.ToList(); }
        catch (StoreException) { return []; } // a file botocore cannot parse offers no completions
    }
}
