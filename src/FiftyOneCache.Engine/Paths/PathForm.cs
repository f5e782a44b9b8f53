namespace FiftyOneCache.Engine.Paths;

/// <summary>
/// How a path form is matched; the parser tries the kinds in this order, so that what a configuration names
/// explicitly (an alias, an endpoint) beats what is generic (a public URL pattern, any http(s) URL).
/// </summary>
public enum PathFormKind
{
    /// <summary>A scheme the store always owns. Matched exactly; two stores cannot claim one scheme.</summary>
    Scheme,
    /// <summary>A scheme the configuration chose (a store's alias setting). Matched exactly, like <see cref="Scheme"/>.</summary>
    Alias,
    /// <summary>URLs under a configured endpoint (a store's endpoint or account URL setting): the longest prefix wins.</summary>
    Endpoint,
    /// <summary>URLs of a public naming pattern (https://&lt;account&gt;.blob.core.windows.net/...): the form says whether a URL is its.</summary>
    UrlPattern,
    /// <summary>Any URL of a scheme (http(s)://) that no other form claimed.</summary>
    AnyUrl,
}

/// <summary>The text being parsed: as given, trimmed, and split at its "://" (scheme lower-cased).</summary>
public readonly record struct PathText(string Text, string Raw, string Scheme, string Rest);

/// <summary>
/// One path form a store claims, declared by the store (Storage/&lt;Store&gt;) and put in order by the parser.
/// </summary>
/// <param name="Store">The store that owns the form.</param>
/// <param name="Kind">How it is matched.</param>
/// <param name="Pattern">The scheme (Scheme, Alias, AnyUrl) or URL prefix (Endpoint, ending in '/'); for UrlPattern a description.</param>
/// <param name="Parse">Builds the reference; may throw <see cref="InvalidMediaPathException"/>. For Endpoint and UrlPattern,
/// null means "not mine" and the next form is tried.</param>
/// <param name="Description">How the form is spelled in messages (a scheme, or an alias with the store it belongs to).</param>
/// <param name="Source">Where a configured form came from (for conflict messages), e.g. the environment variable or config key that set it.</param>
public sealed record PathForm(string Store, PathFormKind Kind, string Pattern, Func<PathText, MediaRef?> Parse, string Description, string? Source = null);
