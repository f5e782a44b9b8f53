using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// Everything the module knows about one store, declared in the store's own folder (Storage/&lt;Store&gt;) and
/// listed once in <see cref="StoreBackends"/> (as rclone's <c>fs.Register</c>): its name, the path forms it claims,
/// its cache-layout segments, its configuration keys and environment variables, its credential-source trace, its
/// CVAT provider, its completions and how to construct its <see cref="IObjectStore"/>. Paths, Configuration,
/// Hosting, Cvat and the cmdlets ask the registry; none of them names a store.
/// </summary>
/// <remarks>
/// A third-party store derives from this class in its own assembly and declares it with
/// <c>[assembly: StorePlugin(typeof(MyBackend))]</c>; the engine loads it when the assembly's path is listed in
/// <see cref="StoreBackends.PluginsVariable"/> (or a host calls <see cref="StoreBackends.LoadPlugin"/>).
/// </remarks>
public abstract class StoreBackend
{
    /// <summary>The store's name: <see cref="MediaRef.Store"/>, the first cache-layout segment and the name in messages.</summary>
    public abstract string Name { get; }

    /// <summary>A human name for messages and help ("Amazon S3").</summary>
    public virtual string Title => Name;

    /// <summary>The top-level directories under <c>media/</c> that this store writes (http writes "http" and "https").</summary>
    public virtual IReadOnlyList<string> LayoutDirs => [Name];

    /// <summary>Top-level directories this store had in the layout before <c>media/</c> existed (moved there once).</summary>
    public virtual IReadOnlyList<string> LegacyLayoutDirs => [];

    /// <summary>Keys of media_cache_config.json that configure this store (aws_profile, minio_config_file, ...).</summary>
    public virtual IReadOnlyList<ConfigKeyDef> ConfigKeys => [];

    /// <summary>
    /// Environment variables that change which clients a cache needs, so that a session is keyed by them; a name
    /// ending in '*' is a prefix ("AWS_*").
    /// </summary>
    public virtual IReadOnlyList<string> SessionVariables => [];

    /// <summary>How CVAT attaches this store as a cloud storage, or null when CVAT cannot read it.</summary>
    public virtual CvatStorageMapping? Cvat => null;

    /// <summary>Ways to spell this store's paths that need configuration first, for the unsupported-scheme message.</summary>
    public virtual string? UnconfiguredHint => null;

    /// <summary>
    /// Whether objects that arrive as BucketName/Key pipeline properties (what the AWS Tools for PowerShell emit) are
    /// this store's: -BucketName/-Key build references with <see cref="Ref"/>.
    /// </summary>
    public virtual bool ClaimsBucketKeyInput => false;

    /// <summary>
    /// What the store can do for list_files, copy_files, move_files and delete_files (list, write, delete,
    /// server-side copy, what its ETags mean); the operations ask this and never the store's name.
    /// </summary>
    public virtual StoreCapabilities Capabilities => StoreCapabilities.ReadOnly;

    /// <summary>Reads this store's settings for one session (no network: credentials are used on the first request).</summary>
    public abstract StoreBinding Bind(StoreContext context);

    /// <summary>An object given by bucket and key, spelled as this store's path.</summary>
    public virtual MediaRef Ref(string bucket, string key) => MediaPathParser.Bucketed($"{Name}://{bucket}/{key.TrimStart('/')}", Name, $"{bucket}/{key.TrimStart('/')}");

    /// <summary>
    /// The endpoint the module's own settings send this store's requests to (scheme://host:port), resolved as the
    /// store resolves it, for callers that must agree with the store (CVAT); null: the provider's own endpoints.
    /// </summary>
    public virtual string? Endpoint(CacheConfig config, Func<string, string?> env) => null;

    /// <summary>
    /// Best-effort source path of a file found on disk, from its segments below <c>media/</c> (unescaped, the first
    /// one among <see cref="LayoutDirs"/>): exact for keys that needed no escaping; null when the segments are not a
    /// layout this store writes.
    /// </summary>
    public virtual string? SourceOf(IReadOnlyList<string> segments) =>
        segments.Count < 3 ? null : $"{segments[0]}://{segments[1]}/{string.Join('/', segments.Skip(2))}";

    /// <summary>
    /// Tab completions for one of this store's configuration keys (profile names), read by the same reader the store
    /// uses; <paramref name="setting"/> gives another key's value as typed on the command line or configured.
    /// </summary>
    public virtual IEnumerable<string> Complete(string key, Func<string, string?> setting, Func<string, string?> env) => [];

    public override string ToString() => Name;
}

/// <summary>What a store needs to bind to a session.</summary>
public sealed record StoreContext(CacheConfig Config, Func<string, string?> Env, HttpTransport Transport, IEngineLog Log);

/// <summary>A store bound to one session's configuration.</summary>
public sealed class StoreBinding
{
    /// <summary>The path forms this store claims with this configuration.</summary>
    public IReadOnlyList<PathForm> PathForms { get; init; } = [];

    /// <summary>Creates the client, on first use (an S3 or GCS client costs credential discovery).</summary>
    public required Func<IObjectStore> Create { get; init; }

    /// <summary>
    /// Where this session's credentials and settings for the store come from (never a secret, no network), as
    /// Get-MediaCacheConfig shows it; a failure to resolve them is reported in the text.
    /// </summary>
    public Func<string>? DescribeSource { get; init; }
}

/// <summary>
/// How CVAT attaches a store as a cloud storage (CVAT's provider_type) and how the module decides that a CVAT
/// storage reads the same objects the module reads.
/// </summary>
/// <param name="Provider">CVAT's provider_type: AWS_S3_BUCKET, GOOGLE_CLOUD_STORAGE, AZURE_CONTAINER.</param>
/// <param name="UsesEndpoint">Whether CVAT storages of this provider carry an endpoint_url to compare with the module's.</param>
/// <param name="DefaultEndpointName">What a storage without endpoint_url reads from, in messages ("AWS", "Google").</param>
/// <param name="AcceptsProviderDefault">Whether a storage without endpoint_url (or the provider's own host) fits when the module
/// itself uses the provider's own endpoints (S3 on AWS: yes; MinIO always has an endpoint: no).</param>
public sealed record CvatStorageMapping(string Provider, bool UsesEndpoint, string DefaultEndpointName, bool AcceptsProviderDefault = false)
{
    /// <summary>Hosts of the provider's own endpoints (amazonaws.com for S3).</summary>
    public IReadOnlyList<string> ProviderHosts { get; init; } = [];

    /// <summary>Where manifest.jsonl is at the root of an object's bucket or container; by default bucket/manifest.jsonl.</summary>
    public Func<MediaRef, MediaRef> RootManifest { get; init; } =
        first => first with { Key = "manifest.jsonl", Original = $"{first.Store}://{first.Bucket}/manifest.jsonl" };
}

/// <summary>
/// Declares the store backends a plug-in assembly adds; the engine registers each one when it loads the assembly.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class StorePluginAttribute(Type backend) : Attribute
{
    public Type Backend { get; } = backend;
}
