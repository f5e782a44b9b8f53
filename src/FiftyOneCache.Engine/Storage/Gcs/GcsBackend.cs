using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Gcs;

/// <summary>
/// Google Cloud Storage: <c>gs://bucket/key</c> at <c>media/gs/bucket/key</c>, configured by
/// google_application_credentials, GOOGLE_APPLICATION_CREDENTIALS or STORAGE_EMULATOR_HOST (<see cref="GcsSettings"/>),
/// attached to CVAT as GOOGLE_CLOUD_STORAGE (no endpoint).
/// </summary>
public sealed class GcsBackend : StoreBackend
{
    public const string StoreName = "gs";
    public const string CredentialsKey = "google_application_credentials";

    public override string Name => StoreName;
    public override string Title => "Google Cloud Storage";
    public override IReadOnlyList<string> LegacyLayoutDirs => [StoreName];
    public override IReadOnlyList<ConfigKeyDef> ConfigKeys => [new(CredentialsKey, ConfigValueKind.Path)];
    public override IReadOnlyList<string> SessionVariables => ["GOOGLE_*", "STORAGE_EMULATOR_HOST"];

    /// <summary>Objects rewritten server-side across buckets; a delete of a missing object is a 404; ETags are opaque.</summary>
    public override StoreCapabilities Capabilities { get; } = new() { CanWrite = true, CanDelete = true, ServerSideCopy = ServerSideCopy.WithinStore };
    public override CvatStorageMapping Cvat { get; } = new("GOOGLE_CLOUD_STORAGE", UsesEndpoint: false, DefaultEndpointName: "Google");

    public override StoreBinding Bind(StoreContext context) => new()
    {
        PathForms = [new PathForm(Name, PathFormKind.Scheme, "gs", p => MediaPathParser.Bucketed(p.Text, StoreName, p.Rest), "gs://")],
        Create = () => new GcsStore(GcsSettings.Resolve(context.Config, context.Env), context.Transport),
        DescribeSource = () => GcsSettings.DescribeSource(context.Config, context.Env),
    };
}
