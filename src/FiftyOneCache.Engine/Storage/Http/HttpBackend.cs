using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Http;

/// <summary>
/// Public http(s):// URLs: any URL no other store claimed (<see cref="PathFormKind.AnyUrl"/>), cached at
/// <c>media/http(s)/host[_port]/path</c>, a query kept apart by a hash suffix and a path ending in '/' as a document.
/// </summary>
public sealed class HttpBackend : StoreBackend
{
    public const string StoreName = "http";

    public override string Name => StoreName;
    public override string Title => "HTTP(S)";
    public override IReadOnlyList<string> LayoutDirs => ["http", "https"];
    public override IReadOnlyList<string> LegacyLayoutDirs => ["http", "https"];

    /// <summary>Read only, and a URL is not a folder: it cannot be listed, written or deleted.</summary>
    public override StoreCapabilities Capabilities { get; } = new() { CanList = false };

    public override StoreBinding Bind(StoreContext context) => new()
    {
        PathForms =
        [
            new PathForm(Name, PathFormKind.AnyUrl, "http", Parse, "http(s)://"),
            new PathForm(Name, PathFormKind.AnyUrl, "https", Parse, "http(s)://"),
        ],
        Create = () => new HttpStore(context.Transport),
        DescribeSource = () => "anonymous requests",
    };

    static MediaRef Parse(PathText p)
    {
        var (text, raw) = (p.Text, p.Raw);
        // Dot segments are refused before Uri normalises them away: the user meant something else.
        var pathStart = raw.IndexOf('/', raw.IndexOf("://", StringComparison.Ordinal) + 3);
        if (pathStart >= 0)
        {
            var path = raw[pathStart..];
            var q = path.IndexOfAny(['?', '#']);
            KeyRules.CheckDotSegments(text, Uri.UnescapeDataString(q < 0 ? path : path[..q]));
        }
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new InvalidMediaPathException(text, "not a well-formed URL");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new InvalidMediaPathException(text, "URLs with embedded credentials are not cached; pass credentials through the store configuration");
        var key = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        KeyRules.Check(text, key);
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}_{uri.Port}";
        // The scheme keeps http and https copies apart: media/<scheme>/<host[_port]>/<path>.
        return new MediaRef(text, StoreName, $"{uri.Scheme}/{host}", key + (uri.Query.Length > 1 ? uri.Query : ""), uri)
        {
            Root = [uri.Scheme, host], UrlIsIdentity = true, IsUrlDocument = true,
        };
    }

    public override string? SourceOf(IReadOnlyList<string> segments) =>
        segments.Count < 3 ? null : $"{segments[0]}://{ReplaceLast(segments[1], '_', ':')}/{string.Join('/', segments.Skip(2))}";

    // A non-default port was written as host_port ('_' cannot appear in a host name's last label followed by digits only).
    static string ReplaceLast(string host, char from, char to)
    {
        var i = host.LastIndexOf(from);
        return i > 0 && i < host.Length - 1 && host[(i + 1)..].All(char.IsAsciiDigit) ? host[..i] + to + host[(i + 1)..] : host;
    }
}
