using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>
/// MinIO, as FiftyOne configures it (<see cref="MinioSettings"/>: an ini profile and MINIO_* variables): paths under
/// its endpoint_url and its alias scheme, at <c>media/minio/bucket/key</c>; attached to CVAT as AWS_S3_BUCKET with
/// the endpoint.
/// </summary>
public sealed class MinioBackend : StoreBackend
{
    public const string StoreName = "minio";
    public const string ConfigFileKey = "minio_config_file";
    public const string ProfileKey = "minio_profile";

    public override string Name => StoreName;
    public override string Title => "MinIO";
    public override IReadOnlyList<string> LegacyLayoutDirs => [StoreName];
    public override IReadOnlyList<ConfigKeyDef> ConfigKeys =>
        [new(ConfigFileKey, ConfigValueKind.Path), new(ProfileKey, ConfigValueKind.String, Completes: true)];
    public override IReadOnlyList<string> SessionVariables => ["MINIO_*"];
    public override string UnconfiguredHint => "a MinIO alias (MINIO_ALIAS) or endpoint URL";

    /// <summary>MinIO speaks S3: a delete of a missing key answers 204; single-part ETags are MD5s; CopyObject on one server.</summary>
    public override StoreCapabilities Capabilities { get; } = new()
    {
        CanWrite = true, CanDelete = true, ServerSideCopy = ServerSideCopy.WithinStore,
        ETagIsMd5 = true, ETagIdentifiesContent = true, DeleteReportsMissing = false,
    };
    public override CvatStorageMapping Cvat { get; } = new("AWS_S3_BUCKET", UsesEndpoint: true, DefaultEndpointName: "AWS");

    /// <summary>MinIO settings are read when the cache opens: the alias and endpoint decide how paths parse.</summary>
    public override StoreBinding Bind(StoreContext context)
    {
        var settings = MinioSettings.Resolve(context.Config, context.Env);
        return new StoreBinding
        {
            PathForms = new MinioRouting(settings).Forms(),
            Create = () => new MinioStore(settings, context.Transport),
            DescribeSource = () => settings.IsConfigured
                ? $"endpoint {settings.Endpoint!.GetLeftPart(UriPartial.Authority)}{(settings.Alias is { } a ? $", alias {a}://" : "")}, " +
                  $"{(settings.AccessKey is null ? "anonymous" : "access key")} from {settings.Source}"
                : "not configured (minio_config_file, MINIO_ENDPOINT_URL)",
        };
    }

    public override string? Endpoint(CacheConfig config, Func<string, string?> env) =>
        MinioSettings.Resolve(config, env).Endpoint?.GetLeftPart(UriPartial.Authority);

    /// <summary>The profiles of the MinIO ini file, read by the reader <see cref="MinioSettings"/> uses.</summary>
    public override IEnumerable<string> Complete(string key, Func<string, string?> setting, Func<string, string?> env)
    {
        if (key != ProfileKey) return [];
        var file = env("MINIO_CONFIG_FILE") is { Length: > 0 } e ? e : setting(ConfigFileKey);
        if (file is null) return [];
        file = ConfigValues.ExpandHome(file);
        try { return File.Exists(file) ? IniFile.Parse(File.ReadAllText(file), file).Keys.ToList() : []; }
        catch (Exception x) when (x is ConfigException or IOException or UnauthorizedAccessException) { return []; }
    }
}
