using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using FiftyOneCache.Engine.Configuration;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>How the store authenticates: which one of these is set says which kind of SAS it signs per object.</summary>
public enum AzureCredentialKind
{
    /// <summary>Account key: service SAS per blob, signed locally.</summary>
    SharedKey,
    /// <summary>A SAS token from the configuration, appended to each blob URL.</summary>
    Sas,
    /// <summary>A Microsoft Entra token (client secret, DefaultAzureCredential): user-delegation SAS per blob.</summary>
    Token,
}

/// <summary>
/// FiftyOne's Azure configuration, resolved in FiftyOne's order (environment before the JSON configuration):
/// AZURE_STORAGE_CONNECTION_STRING; AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY; AZURE_STORAGE_ACCOUNT +
/// AZURE_CLIENT_ID + AZURE_CLIENT_SECRET + AZURE_TENANT_ID; the ini profile (AZURE_CREDENTIALS_FILE or
/// azure_credentials_file, profile AZURE_PROFILE or azure_profile, default "default") with conn_str, or
/// account_name + account_key | sas_token | client_id + secret + tenant; finally DefaultAzureCredential.
/// AZURE_ALIAS and AZURE_STORAGE_ACCOUNT_URL (alias / account_url in the profile) say how paths are spelled.
/// Nothing here touches the network: credentials are only used on the first request.
/// </summary>
public sealed class AzureSettings
{
    public const string PageSizeVariable = "FOC_AZURE_LIST_PAGE_SIZE";
    public const int DefaultPageSize = 5000;

    public AzureCredentialKind Kind { get; init; }
    public string? AccountName { get; init; }
    /// <summary>The configured account base URL (custom domain, emulator), without a trailing slash.</summary>
    public Uri? AccountUrl { get; init; }
    public string? Alias { get; init; }
    /// <summary>Where the alias was set, for messages.</summary>
    public string? AliasSource { get; init; }
    public StorageSharedKeyCredential? SharedKey { get; init; }
    public string? SasToken { get; init; }
    /// <summary>
    /// Creates the Entra credential on first use: Azure.Identity (and MSAL) load only when an Azure blob is read,
    /// not each time a cache opens without Azure configured.
    /// </summary>
    public Func<TokenCredential>? Token { get; init; }
    /// <summary>Names the source for -Verbose and messages, e.g. "env AZURE_STORAGE_CONNECTION_STRING (account key)".</summary>
    public string Source { get; init; } = "";
    /// <summary>Every credential form looked at, in order, for "no credentials" messages.</summary>
    public IReadOnlyList<string> Tried { get; init; } = [];
    public int ListPageSize { get; init; } = DefaultPageSize;
    /// <summary>Secret values to mask in any message that comes from the SDK.</summary>
    internal IReadOnlyList<string> Secrets { get; init; } = [];

    public static AzureSettings Resolve(CacheConfig config, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        string? Env(string name) => env(name) is { Length: > 0 } v ? v : null;
        var tried = new List<string>();
        var pageSize = DefaultPageSize;
        if (Env(PageSizeVariable) is { } ps && (!int.TryParse(ps, out pageSize) || pageSize is < 1 or > 5000))
            throw new ConfigException($"environment variable {PageSizeVariable}", null, "expected a whole number from 1 to 5000");

        Candidate? found = null;
        tried.Add("env AZURE_STORAGE_CONNECTION_STRING");
        if (Env("AZURE_STORAGE_CONNECTION_STRING") is { } cs)
            found = FromConnectionString(cs, "env AZURE_STORAGE_CONNECTION_STRING");
        var envAccount = Env("AZURE_STORAGE_ACCOUNT");
        tried.Add("env AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY");
        if (found is null && envAccount is not null && Env("AZURE_STORAGE_KEY") is { } envKey)
            found = new Candidate(AzureCredentialKind.SharedKey, envAccount, null, null, "env AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY")
            { SharedKey = Key(envAccount, envKey, "environment variable AZURE_STORAGE_KEY"), Secrets = [envKey] };
        tried.Add("env AZURE_STORAGE_ACCOUNT + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET + AZURE_TENANT_ID");
        if (found is null && envAccount is not null && Env("AZURE_CLIENT_ID") is { } cid && Env("AZURE_CLIENT_SECRET") is { } csec && Env("AZURE_TENANT_ID") is { } tid)
            found = new Candidate(AzureCredentialKind.Token, envAccount, null, null, "env AZURE_STORAGE_ACCOUNT + AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID (client secret)")
            { Token = () => new ClientSecretCredential(tid, cid, csec), Secrets = [csec] };

        var (file, fileFrom) = Env("AZURE_CREDENTIALS_FILE") is { } ef ? (ef, "AZURE_CREDENTIALS_FILE")
            : config.Setting(AzureBackend.CredentialsFileKey) is { } cf ? (cf, "azure_credentials_file") : (null, null);
        var (profile, profileFrom) = Env("AZURE_PROFILE") is { } ep ? (ep, "AZURE_PROFILE")
            : config.Setting(AzureBackend.ProfileKey) is { } cp ? (cp, "azure_profile") : ("default", "default");
        tried.Add(file is null ? "ini profile (AZURE_CREDENTIALS_FILE / azure_credentials_file not set)" : $"ini profile '{profile}' in {file}");
        if (found is null && file is not null)
            found = FromProfile(ConfigValues.ExpandHome(file), fileFrom!, profile, profileFrom);

        tried.Add("DefaultAzureCredential");
        var alias = Env("AZURE_ALIAS") ?? found?.Alias;
        var urlText = Env("AZURE_STORAGE_ACCOUNT_URL") ?? found?.AccountUrl;
        var urlFrom = Env("AZURE_STORAGE_ACCOUNT_URL") is not null ? "environment variable AZURE_STORAGE_ACCOUNT_URL" : found?.Where ?? "";
        Uri? accountUrl = null;
        if (urlText is not null)
        {
            if (!Uri.TryCreate(urlText.Trim(), UriKind.Absolute, out accountUrl) || accountUrl.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(accountUrl.Query))
                throw new ConfigException(urlFrom, "account_url", $"'{urlText}' is not an http(s) account URL");
            accountUrl = new Uri(accountUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'));
        }
        found ??= new Candidate(AzureCredentialKind.Token, envAccount, null, null,
            "DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI, ...)")
        { Token = () => new DefaultAzureCredential() };
        var account = found.Account ?? envAccount ?? (accountUrl is null ? null : AccountFromUrl(accountUrl));
        // An alias that spells another store's scheme is refused where every store's path forms meet (StoreRegistry).
        var aliasFrom = Env("AZURE_ALIAS") is not null ? "environment variable AZURE_ALIAS" : found.Where;
        alias = alias?.Trim().ToLowerInvariant();
        return new AzureSettings
        {
            Kind = found.Kind, AccountName = account, AccountUrl = accountUrl, Alias = string.IsNullOrEmpty(alias) ? null : alias,
            SharedKey = found.SharedKey, SasToken = found.Sas, Token = found.Token, Source = found.Source, Tried = tried,
            ListPageSize = pageSize, Secrets = found.Secrets, AliasSource = aliasFrom,
        };
    }

    /// <summary>The account's base URL for paths: the configured one for the configured account, else the public endpoint.</summary>
    public Uri BaseUrlFor(string account) =>
        AccountUrl is { } u && string.Equals(account, AccountName, StringComparison.OrdinalIgnoreCase) ? u
            : AzureRouting.PublicAccountUrl(account);

    /// <summary>An account's name from its URL: path-style (emulator, http://host:port/account) or the first host label.</summary>
    public static string AccountFromUrl(Uri url)
    {
        var path = url.AbsolutePath.Trim('/');
        return path.Length > 0 ? path.Split('/')[^1] : url.Host.Split('.')[0];
    }

    sealed record Candidate(AzureCredentialKind Kind, string? Account, string? Alias, string? AccountUrl, string Source)
    {
        public StorageSharedKeyCredential? SharedKey { get; init; }
        public string? Sas { get; init; }
        public Func<TokenCredential>? Token { get; init; }
        public string? Where { get; init; }
        public IReadOnlyList<string> Secrets { get; init; } = [];
    }

    static Candidate FromConnectionString(string text, string source, string? alias = null, string? where = null, string label = "")
    {
        var c = AzureConnectionString.Parse(text, where ?? source);
        var secrets = new[] { c.AccountKey, c.SharedAccessSignature }.OfType<string>().ToArray();
        return c.AccountKey is { } key
            ? new Candidate(AzureCredentialKind.SharedKey, c.AccountName, alias, c.BlobEndpoint.AbsoluteUri, $"{source} ({label}account key)")
            { SharedKey = Key(c.AccountName, key, where ?? source), Where = where, Secrets = secrets }
            : new Candidate(AzureCredentialKind.Sas, c.AccountName, alias, c.BlobEndpoint.AbsoluteUri, $"{source} ({label}SAS)")
            { Sas = c.SharedAccessSignature, Where = where, Secrets = secrets };
    }

    static Candidate FromProfile(string file, string fileFrom, string profile, string profileFrom)
    {
        var where = $"Azure credentials file {file} (from {fileFrom})";
        if (!File.Exists(file)) throw new ConfigException(where, null, "does not exist");
        var ini = ConfigParserIni.Parse(File.ReadAllText(file), file);
        if (!ini.HasSection(profile))
            throw new ConfigException(where, null, $"has no [{profile}] profile (from {profileFrom}; profiles: {string.Join(", ", ini.Sections)})");
        string? Get(string k) => ini.Get(profile, k) is { Length: > 0 } v ? v : null;
        var source = $"ini profile '{profile}' in {file}";
        var alias = Get("alias");
        var url = Get("account_url");
        var account = Get("account_name");
        if (Get("conn_str") is { } cs)
        {
            var c = FromConnectionString(cs, source, alias, $"{where} [{profile}] conn_str", "conn_str, ");
            return c with { AccountUrl = url ?? c.AccountUrl };
        }
        if (account is not null && Get("account_key") is { } key)
            return new Candidate(AzureCredentialKind.SharedKey, account, alias, url, $"{source} (account_key)")
            { SharedKey = Key(account, key, $"{where} [{profile}] account_key"), Where = where, Secrets = [key] };
        if (account is not null && Get("sas_token") is { } sas)
            return new Candidate(AzureCredentialKind.Sas, account, alias, url, $"{source} (sas_token)") { Sas = sas.TrimStart('?'), Where = where, Secrets = [sas] };
        if (account is not null && Get("client_id") is { } id && Get("secret") is { } secret && Get("tenant") is { } tenant)
            return new Candidate(AzureCredentialKind.Token, account, alias, url, $"{source} (client_id/secret/tenant)")
            { Token = () => new ClientSecretCredential(tenant, id, secret), Where = where, Secrets = [secret] };
        if (account is null && url is null)
            throw new ConfigException(where, null,
                $"profile [{profile}] has none of conn_str, account_name + account_key, account_name + sas_token, account_name + client_id + secret + tenant");
        return new Candidate(AzureCredentialKind.Token, account, alias, url, $"{source} (DefaultAzureCredential)") { Token = () => new DefaultAzureCredential(), Where = where };
    }

    static StorageSharedKeyCredential Key(string account, string key, string where)
    {
        try { _ = Convert.FromBase64String(key); }
        catch (FormatException) { throw new ConfigException(where, null, "the account key is not base64 (the value is not shown)"); }
        return new StorageSharedKeyCredential(account, key);
    }
}
