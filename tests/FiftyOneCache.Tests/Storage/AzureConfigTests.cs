using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Engine.Storage.Azure;
using Xunit;

namespace FiftyOneCache.Tests.Storage;

/// <summary>configparser-compatible ini reading, connection strings and the credential order of FiftyOne's Azure support.</summary>
public sealed class AzureConfigTests : IDisposable
{
    const string DevKey = AzureConnectionString.DevKey;
    readonly string _dir = Directory.CreateTempSubdirectory("foc-azcfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    static CacheConfig Config(string? file = null, string? profile = null) =>
        new() { CacheDir = "/tmp/x", StoreSettings = FiftyOneCache.Tests.Infrastructure.TestStores.Settings(("azure_credentials_file", file), ("azure_profile", profile)) };

    static Func<string, string?> Env(params (string Name, string Value)[] vars)
    {
        var d = vars.ToDictionary(v => v.Name, v => v.Value);
        return n => d.GetValueOrDefault(n);
    }

    string Ini(string text)
    {
        var p = Path.Combine(_dir, $"{Guid.NewGuid():N}.ini");
        File.WriteAllText(p, text);
        return p;
    }

    // ---- configparser BasicInterpolation ----

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("100%%", "100%")]
    [InlineData("sv=2021&sig=a%%2Bb%%3D", "sv=2021&sig=a%2Bb%3D")]
    [InlineData("%%(x)s", "%(x)s")]
    [InlineData("%(base)s/acct", "http://h:1/acct")]
    [InlineData("%(BASE)s", "http://h:1")] // names go through optionxform (lower case)
    [InlineData("%(nested)s!", "http://h:1/n!")]
    public void InterpolatesLikeConfigParser(string raw, string expected)
    {
        var ini = ConfigParserIni.Parse($"[DEFAULT]\nbase = http://h:1\nnested = %(base)s/n\n[p]\nv = {raw}\n", "t.ini");
        Assert.Equal(expected, ini.Get("p", "v"));
    }

    [Theory]
    [InlineData("a%3Db", "'%' must be followed by '%' or '('")]
    [InlineData("ends%", "a '%' ends the value")]
    [InlineData("%(missing)s", "'%(missing)s' refers to an option")]
    [InlineData("%(open", "not closed")]
    [InlineData("%(loop)s", "nested more than 10 levels")]
    public void RefusesWhatConfigParserRefuses_NamingTheOptionNotTheValue(string raw, string reason)
    {
        var ini = ConfigParserIni.Parse($"[p]\nloop = %(loop)s\nsas_token = {raw}\n", "t.ini");
        var e = Assert.Throws<ConfigException>(() => ini.Get("p", "sas_token"));
        Assert.Contains(reason, e.Message);
        Assert.Contains("[p] sas_token", e.Message);
    }

    [Fact]
    public void ParsesSectionsKeysAndContinuationsLikeConfigParser()
    {
        var ini = ConfigParserIni.Parse(
            "# comment\n[DEFAULT]\nalias = az\n\n[one]\nAccount_Name : acct\nconn_str = A=1;AccountKey=abc==;B=2\n; comment\nmulti = first\n  second\n[two]\nalias = other\n",
            "t.ini");
        Assert.Equal(["one", "two"], ini.Sections);
        Assert.Equal("acct", ini.Get("one", "account_name"));
        Assert.Equal("A=1;AccountKey=abc==;B=2", ini.Get("one", "conn_str")); // ';' and '=' inside a value are data
        Assert.Equal("first\nsecond", ini.Get("one", "multi"));
        Assert.Equal("az", ini.Get("one", "alias"));   // from [DEFAULT]
        Assert.Equal("other", ini.Get("two", "alias")); // a section beats [DEFAULT]
        Assert.Null(ini.Get("two", "account_name"));
        Assert.Throws<ConfigException>(() => ConfigParserIni.Parse("key = before any section\n", "t.ini"));
        Assert.Throws<ConfigException>(() => ConfigParserIni.Parse("[a]\nx=1\n[a]\ny=2\n", "t.ini"));
    }

    // ---- connection strings ----

    [Fact]
    public void ParsesConnectionStrings()
    {
        var c = AzureConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={DevKey};EndpointSuffix=core.windows.net", "t");
        Assert.Equal(("acct", "https://acct.blob.core.windows.net/", DevKey), (c.AccountName, c.BlobEndpoint.AbsoluteUri, c.AccountKey));
        var s = AzureConnectionString.Parse("BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;SharedAccessSignature=?sv=1&sig=x%2B", "t");
        Assert.Equal(("devstoreaccount1", "sv=1&sig=x%2B"), (s.AccountName, s.SharedAccessSignature));
        var dev = AzureConnectionString.Parse("UseDevelopmentStorage=true", "t");
        Assert.Equal(("devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1"), (dev.AccountName, dev.BlobEndpoint.AbsoluteUri));
        var e = Assert.Throws<ConfigException>(() => AzureConnectionString.Parse("AccountName=acct;EndpointSuffix=x", "t"));
        Assert.Contains("neither AccountKey nor SharedAccessSignature", e.Message);
    }

    // ---- credential order ----

    [Fact]
    public void ConnectionStringComesFirst_ThenAccountKey_ThenClientSecret_ThenTheIniFile_ThenDefaultAzureCredential()
    {
        var ini = Ini($"[default]\naccount_name = fromini\naccount_key = {DevKey}\n");
        (string, string)[] all =
        [
            ("AZURE_STORAGE_CONNECTION_STRING", $"AccountName=fromcs;AccountKey={DevKey}"),
            ("AZURE_STORAGE_ACCOUNT", "fromenv"), ("AZURE_STORAGE_KEY", DevKey),
            ("AZURE_CLIENT_ID", "id"), ("AZURE_CLIENT_SECRET", "s3cr3t-value"), ("AZURE_TENANT_ID", "tenant"),
            ("AZURE_CREDENTIALS_FILE", ini),
        ];
        string Source(out AzureSettings s, params string[] without)
        {
            s = AzureSettings.Resolve(Config(), Env(all.Where(v => !without.Contains(v.Item1)).ToArray()));
            return s.Source;
        }
        Assert.Equal("env AZURE_STORAGE_CONNECTION_STRING (account key)", Source(out var s0));
        Assert.Equal(("fromcs", AzureCredentialKind.SharedKey), (s0.AccountName, s0.Kind));
        Assert.Equal("env AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY", Source(out var s1, "AZURE_STORAGE_CONNECTION_STRING"));
        Assert.Equal("fromenv", s1.AccountName);
        Assert.StartsWith("env AZURE_STORAGE_ACCOUNT + AZURE_CLIENT_ID", Source(out var s3, "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_KEY"));
        Assert.Equal(AzureCredentialKind.Token, s3.Kind);
        Assert.Equal($"ini profile 'default' in {ini} (account_key)", Source(out var s6, "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_KEY", "AZURE_TENANT_ID"));
        Assert.Equal("fromini", s6.AccountName);
        Assert.StartsWith("DefaultAzureCredential", Source(out var s7, "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_KEY", "AZURE_TENANT_ID", "AZURE_CREDENTIALS_FILE"));
        Assert.Equal("fromenv", s7.AccountName); // DefaultAzureCredential uses AZURE_STORAGE_ACCOUNT
        Assert.Equal(AzureCredentialKind.Token, s7.Kind);
        Assert.Equal(5, s7.Tried.Count);
        Assert.DoesNotContain("s3cr3t-value", s3.Source);
    }

    [Fact]
    public void TheEnvironmentBeatsTheJsonConfiguration_ForFileAndProfile()
    {
        var a = Ini($"[p1]\naccount_name = one\naccount_key = {DevKey}\n[p2]\naccount_name = two\nsas_token = sv=1&sig=a%%2B\n");
        var b = Ini($"[p1]\naccount_name = bee\naccount_key = {DevKey}\n");
        Assert.Equal("one", AzureSettings.Resolve(Config(a, "p1"), Env()).AccountName);
        Assert.Equal("two", AzureSettings.Resolve(Config(a, "p1"), Env(("AZURE_PROFILE", "p2"))).AccountName);
        Assert.Equal("bee", AzureSettings.Resolve(Config(a, "p1"), Env(("AZURE_CREDENTIALS_FILE", b))).AccountName);
        var sas = AzureSettings.Resolve(Config(a, "p2"), Env());
        Assert.Equal((AzureCredentialKind.Sas, "sv=1&sig=a%2B"), (sas.Kind, sas.SasToken));
        Assert.EndsWith("(sas_token)", sas.Source);
    }

    [Fact]
    public void IniFormsAliasAndAccountUrl()
    {
        var ini = Ini($"""
            [DEFAULT]
            host = http://127.0.0.1:10000
            [cs]
            conn_str = AccountName=devstoreaccount1;AccountKey={DevKey};BlobEndpoint=%(host)s/devstoreaccount1
            alias = AZ
            [secret]
            account_name = acct
            client_id = id
            secret = pw
            tenant = t
            [named]
            account_url = https://media.example.com
            """);
        var cs = AzureSettings.Resolve(Config(ini, "cs"), Env());
        Assert.Equal(("devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1", "az"), (cs.AccountName, cs.AccountUrl!.AbsoluteUri, cs.Alias));
        Assert.EndsWith("(conn_str, account key)", cs.Source);
        var sp = AzureSettings.Resolve(Config(ini, "secret"), Env(("AZURE_ALIAS", "blob")));
        Assert.Equal((AzureCredentialKind.Token, "blob"), (sp.Kind, sp.Alias));
        Assert.EndsWith("(client_id/secret/tenant)", sp.Source);
        var named = AzureSettings.Resolve(Config(ini, "named"), Env());
        Assert.Equal(("media", AzureCredentialKind.Token), (named.AccountName, named.Kind));
        Assert.EndsWith("(DefaultAzureCredential)", named.Source);
    }

    [Theory]
    [InlineData("[other]\naccount_name = a\n", "has no [default] profile (from default; profiles: other)")]
    [InlineData("[default]\nalias = az\n", "has none of conn_str")]
    [InlineData("[default]\naccount_name = a\naccount_key = not base64!\n", "not base64 (the value is not shown)")]
    [InlineData("[default]\naccount_name = a\naccount_key = QUJD\naccount_url = ftp://x\n", "is not an http(s) account URL")]
    public void BadProfilesAreConfigurationErrors(string text, string reason)
    {
        var e = Assert.Throws<ConfigException>(() => AzureSettings.Resolve(Config(Ini(text)), Env()));
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain("not base64!", e.Message);
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("https")]
    [InlineData("file")]
    public void AnAliasThatSpellsAnotherStoresSchemeIsAConfigurationError(string alias)
    {
        var ini = Ini($"[default]\naccount_name = a\naccount_key = QUJD\nalias = {alias}\n");
        var e = Assert.Throws<ConfigException>(() => new StoreRegistry(Config(ini), NullLog.Instance, Env()));
        Assert.Contains("would shadow a built-in scheme", e.Message);
        Assert.Contains(ini, e.Message); // names the file the alias came from
    }

    [Fact]
    public void TwoStoresCannotShareAnAlias()
    {
        var e = Assert.Throws<ConfigException>(() => new StoreRegistry(Config(), NullLog.Instance,
            Env(("MINIO_ALIAS", "lake"), ("MINIO_ENDPOINT_URL", "http://127.0.0.1:9"), ("AZURE_ALIAS", "lake"), ("AZURE_STORAGE_ACCOUNT", "a"))));
        Assert.Contains("'lake' would shadow lake:// (MinIO alias)", e.Message);
        Assert.Contains("AZURE_ALIAS", e.Message);
    }

    [Fact]
    public void PageSizeIsASetting()
    {
        Assert.Equal(5000, AzureSettings.Resolve(Config(), Env(("AZURE_STORAGE_ACCOUNT", "a"), ("AZURE_STORAGE_KEY", DevKey))).ListPageSize);
        Assert.Equal(7, AzureSettings.Resolve(Config(), Env(("AZURE_STORAGE_ACCOUNT", "a"), ("AZURE_STORAGE_KEY", DevKey), (AzureSettings.PageSizeVariable, "7"))).ListPageSize);
        Assert.Throws<ConfigException>(() => AzureSettings.Resolve(Config(), Env((AzureSettings.PageSizeVariable, "0"))));
    }

    [Fact]
    public void SasSignaturesAndAccountKeysAreRedacted()
    {
        var text = Redact.ForDisplay("GET http://h/c/b?sv=2021&se=x&sig=AbC%2Bdef%3D failed; AccountName=a;AccountKey=c2VjcmV0;Blob");
        Assert.DoesNotContain("AbC%2Bdef", text);
        Assert.DoesNotContain("c2VjcmV0", text);
        Assert.Contains("sig=****", text);
    }
}
