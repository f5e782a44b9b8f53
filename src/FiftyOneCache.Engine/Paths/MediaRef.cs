namespace FiftyOneCache.Engine.Paths;

/// <summary>A parsed media path: which store holds it, and where in that store.</summary>
/// <param name="Original">The text the user gave.</param>
/// <param name="Store">The store's name (its <c>StoreBackend.Name</c>), or <see cref="LocalStore"/>.</param>
/// <param name="Bucket">Bucket or container (for URLs, scheme/host[_port]).</param>
/// <param name="Key">Object key (for URLs, the decoded path without the leading slash, and the query).</param>
/// <param name="Url">For URL-addressed objects, the absolute URL.</param>
/// <remarks>
/// What makes one store's paths special is decided by the store when it parses them (its folder under
/// Storage/): <see cref="Root"/> says where the object's namespace sits in the cache layout, <see cref="UrlIsIdentity"/>
/// whether its URL is its identity, <see cref="IsUrlDocument"/> whether its key is a URL path with a query.
/// </remarks>
public sealed record MediaRef(string Original, string Store, string Bucket, string Key, Uri? Url = null)
{
    /// <summary>The store name of local files, which are never cached.</summary>
    public const string LocalStore = "local";

    public bool IsLocal => Store == LocalStore;

    /// <summary>
    /// The leading layout segments (unescaped) of the object's namespace under <c>media/</c>: by default the store's
    /// name and the bucket (FiftyOne's <c>media/s3/&lt;bucket&gt;</c>); a store whose buckets are unique only within
    /// an account, or whose namespace is a URL's scheme and host, says so here.
    /// </summary>
    public IReadOnlyList<string> Root
    {
        get => _root ?? [Store, Bucket];
        init => _root = value;
    }
    readonly IReadOnlyList<string>? _root;

    /// <summary>True when the object's URL names it (alias and URL spellings share one entry): <see cref="Canonical"/> is the URL.</summary>
    public bool UrlIsIdentity { get; init; }

    /// <summary>True for a web document: the key may end in a query and a key ending in '/' names a document of its own.</summary>
    public bool IsUrlDocument { get; init; }

    /// <summary>A canonical form used as the index's source column and in messages.</summary>
    public string Canonical => IsLocal ? Original : UrlIsIdentity ? Url!.AbsoluteUri : $"{Store}://{Bucket}/{Key}";

    public bool IsPrefix => Key.Length == 0 || Key.EndsWith('/');

    /// <summary>Two objects share a namespace (same store, same bucket, same account or host).</summary>
    public bool SameRoot(MediaRef other) => Store == other.Store && Root.SequenceEqual(other.Root);

    public override string ToString() => Original;
}
