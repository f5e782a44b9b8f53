using FiftyOneCache.Engine.Paths;
using static FiftyOneCache.Engine.Storage.Azure.AzureBackend;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Recognises Azure blob paths: https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;/&lt;blob&gt; always, any URL under
/// the configured account URL (custom domain, Azurite), and &lt;alias&gt;://&lt;container&gt;/&lt;blob&gt; when an alias is
/// configured. Every spelling of one blob becomes the same <see cref="MediaRef"/>: its Url is built from the account's
/// base URL, so alias and URL paths share a cache entry.
/// </summary>
public sealed class AzureRouting(AzureSettings? settings)
{
    const string PublicSuffix = ".blob.core.windows.net";
    readonly string? _accountPrefix = settings?.AccountUrl is { } u ? u.AbsoluteUri.TrimEnd('/') + "/" : null;

    /// <summary>
    /// In the parser's order: the alias (configured), URLs under the configured account URL (an endpoint), then any
    /// public blob URL (a pattern), so that an explicit spelling always beats the generic one.
    /// </summary>
    public IReadOnlyList<PathForm> Forms()
    {
        var forms = new List<PathForm>();
        if (settings?.Alias is { } alias)
            forms.Add(new PathForm(StoreName, PathFormKind.Alias, alias, p => MatchAlias(p.Text, p.Scheme, p.Rest), $"{alias}:// (Azure alias)", settings.AliasSource));
        if (_accountPrefix is not null && settings!.AccountName is not null)
            forms.Add(new PathForm(StoreName, PathFormKind.Endpoint, _accountPrefix, p => MatchAccountUrl(p.Text, p.Raw),
                $"{_accountPrefix}<container>/<blob> (Azure account URL)", "AZURE_STORAGE_ACCOUNT_URL / account_url"));
        forms.Add(new PathForm(StoreName, PathFormKind.UrlPattern, "https://<account>" + PublicSuffix + "/", p => MatchPublicUrl(p.Text, p.Raw),
            "https://<account>" + PublicSuffix + "/<container>/<blob>"));
        return forms;
    }

    /// <summary>The public endpoint of an account.</summary>
    public static Uri PublicAccountUrl(string account) => new($"https://{account}{PublicSuffix}");

    MediaRef? MatchAccountUrl(string text, string url)
    {
        if (_accountPrefix is null || !url.StartsWith(_accountPrefix, StringComparison.OrdinalIgnoreCase) || settings!.AccountName is not { } configured) return null;
        return FromRest(text, configured, url[_accountPrefix.Length..]);
    }

    MediaRef? MatchPublicUrl(string text, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != "https"
            || !u.Host.EndsWith(PublicSuffix, StringComparison.OrdinalIgnoreCase) || u.Host.Length == PublicSuffix.Length)
            return null;
        var account = u.Host[..^PublicSuffix.Length].ToLowerInvariant();
        var start = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
        return FromRest(text, account, start < 0 ? "" : url[(start + 1)..]);
    }

    /// <summary>The blob an http(s) URL names, or null when the URL is not under an Azure account.</summary>
    public MediaRef? MatchUrl(string text, string url) => MatchAccountUrl(text, url) ?? MatchPublicUrl(text, url);

    MediaRef FromRest(string text, string account, string rest)
    {
        var q = rest.IndexOfAny(['?', '#']);
        if (q >= 0) rest = rest[..q]; // a SAS pasted with the URL is not ours to use: the configured credential signs
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        KeyRules.CheckDotSegments(text, key); // before unescaping hides a %2E%2E from the check, and after it below
        return Blob(text, account, Uri.UnescapeDataString(container), Uri.UnescapeDataString(key));
    }

    /// <summary>The blob an alias path names, or null when the scheme is not the Azure alias.</summary>
    public MediaRef? MatchAlias(string text, string scheme, string rest)
    {
        if (settings?.Alias is not { } alias || !string.Equals(alias, scheme, StringComparison.OrdinalIgnoreCase)) return null;
        if (settings.AccountName is not { } account)
            throw new InvalidMediaPathException(text, $"the Azure alias {alias}:// needs an account: set AZURE_STORAGE_ACCOUNT, account_name or account_url");
        var slash = rest.IndexOf('/');
        return Blob(text, account, slash < 0 ? rest : rest[..slash], slash < 0 ? "" : rest[(slash + 1)..]);
    }

    MediaRef Blob(string text, string account, string container, string key)
    {
        if (container.Length == 0) throw new InvalidMediaPathException(text, "the container name is missing");
        if (!IsValidContainer(container))
            throw new InvalidMediaPathException(text, $"'{container}' is not a valid Azure container name (3-63 lowercase letters, digits and single hyphens, or $root/$web/$logs)");
        KeyRules.Check(text, key);
        var url = BlobUrl(settings?.BaseUrlFor(account) ?? PublicAccountUrl(account), container, key);
        // media/azure/<account>/<container>/<key>: a container name is unique only within its account.
        return new MediaRef(text, StoreName, container, key, url) { Root = [StoreName, account, container], UrlIsIdentity = true };
    }

    /// <summary>The blob's URL under an account base URL, each path segment escaped (names may hold spaces, '#', '%', unicode).</summary>
    public static Uri BlobUrl(Uri accountBase, string container, string key) =>
        new($"{accountBase.AbsoluteUri.TrimEnd('/')}/{container}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}");

    static bool IsValidContainer(string c) =>
        c is "$root" or "$web" or "$logs"
        || c.Length is >= 3 and <= 63 && c.All(ch => ch is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
           && char.IsLetterOrDigit(c[0]) && char.IsLetterOrDigit(c[^1]) && !c.Contains("--");
}
