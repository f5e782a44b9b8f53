using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Recognises Azure blob paths: https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;/&lt;blob&gt; always, any URL under
/// the configured account URL (custom domain, Azurite), and &lt;alias&gt;://&lt;container&gt;/&lt;blob&gt; when an alias is
/// configured. Every spelling of one blob becomes the same <see cref="MediaRef"/>: its Url is built from the account's
/// base URL, so alias and URL paths share a cache entry.
/// </summary>
public sealed class AzureRouting(AzureSettings? settings) : IAzureRouting
{
    const string PublicSuffix = ".blob.core.windows.net";
    readonly string? _accountPrefix = settings?.AccountUrl is { } u ? u.AbsoluteUri.TrimEnd('/') + "/" : null;

    public string? AliasDescription => settings?.Alias is { } a ? $"{a}://" : null;

    public MediaRef? MatchUrl(string text, string url)
    {
        string account, rest;
        if (_accountPrefix is not null && url.StartsWith(_accountPrefix, StringComparison.OrdinalIgnoreCase) && settings!.AccountName is { } configured)
        {
            account = configured;
            rest = url[_accountPrefix.Length..];
        }
        else
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme != "https"
                || !u.Host.EndsWith(PublicSuffix, StringComparison.OrdinalIgnoreCase) || u.Host.Length == PublicSuffix.Length)
                return null;
            account = u.Host[..^PublicSuffix.Length].ToLowerInvariant();
            var start = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
            rest = start < 0 ? "" : url[(start + 1)..];
        }
        var q = rest.IndexOfAny(['?', '#']);
        if (q >= 0) rest = rest[..q]; // a SAS pasted with the URL is not ours to use: the configured credential signs
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        KeyRules.CheckDotSegments(text, key); // before unescaping hides a %2E%2E from the check, and after it below
        return Blob(text, account, Uri.UnescapeDataString(container), Uri.UnescapeDataString(key));
    }

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
        var url = BlobUrl(settings?.BaseUrlFor(account) ?? new Uri($"https://{account}{PublicSuffix}"), container, key);
        return new MediaRef(text, StoreNames.Azure, container, key, url) { Account = account };
    }

    /// <summary>The blob's URL under an account base URL, each path segment escaped (names may hold spaces, '#', '%', unicode).</summary>
    public static Uri BlobUrl(Uri accountBase, string container, string key) =>
        new($"{accountBase.AbsoluteUri.TrimEnd('/')}/{container}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}");

    static bool IsValidContainer(string c) =>
        c is "$root" or "$web" or "$logs"
        || c.Length is >= 3 and <= 63 && c.All(ch => ch is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')
           && char.IsLetterOrDigit(c[0]) && char.IsLetterOrDigit(c[^1]) && !c.Contains("--");
}
