using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage.Azure;
using Xunit;

namespace FiftyOneCache.Tests.Storage;

/// <summary>Azure paths: public blob URLs, account-URL (emulator, custom domain) and alias spellings, and their layout.</summary>
public sealed class AzurePathTests
{
    static MediaPathParser Parser(string? alias = "az", string? accountUrl = "http://127.0.0.1:10000/devstoreaccount1")
    {
        var env = new Dictionary<string, string?>
        {
            ["AZURE_STORAGE_ACCOUNT"] = "devstoreaccount1", ["AZURE_STORAGE_KEY"] = AzureConnectionString.DevKey,
            ["AZURE_ALIAS"] = alias, ["AZURE_STORAGE_ACCOUNT_URL"] = accountUrl,
        };
        return FiftyOneCache.Tests.Infrastructure.TestStores.Parser(n => env.GetValueOrDefault(n));
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/media/a/b.jpg", "acct", "media", "a/b.jpg", "https://acct.blob.core.windows.net/media/a/b.jpg")]
    [InlineData("https://ACCT.blob.core.windows.net/media/x%20y.jpg?sv=1&sig=z", "acct", "media", "x y.jpg", "https://acct.blob.core.windows.net/media/x%20y.jpg")]
    [InlineData("az://media/dir/ünï #1.jpg", "devstoreaccount1", "media", "dir/ünï #1.jpg", "http://127.0.0.1:10000/devstoreaccount1/media/dir/%C3%BCn%C3%AF%20%231.jpg")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/media/dir/%C3%BCn%C3%AF%20%231.jpg", "devstoreaccount1", "media", "dir/ünï #1.jpg", "http://127.0.0.1:10000/devstoreaccount1/media/dir/%C3%BCn%C3%AF%20%231.jpg")]
    [InlineData("https://devstoreaccount1.blob.core.windows.net/media/k", "devstoreaccount1", "media", "k", "http://127.0.0.1:10000/devstoreaccount1/media/k")]
    [InlineData("AZ://$root/k", "devstoreaccount1", "$root", "k", "http://127.0.0.1:10000/devstoreaccount1/$root/k")]
    public void EverySpellingOfABlobIsOneAzureRef(string path, string account, string container, string key, string canonical)
    {
        var m = Parser().Parse(path);
        Assert.Equal(("azure", account, container, key, canonical), (m.Store, m.Account, m.Bucket, m.Key, m.Canonical));
        Assert.Equal(path, m.Original);
    }

    [Fact]
    public void LayoutIsMediaAzureAccountContainerKey()
    {
        Assert.Equal("media/azure/devstoreaccount1/media/dir/a b.jpg", CacheLayout.RelativePath(Parser().Parse("az://media/dir/a b.jpg")));
        Assert.Equal("media/azure/acct/media/%2Efiftyonecache/x", CacheLayout.RelativePath(Parser().Parse("https://acct.blob.core.windows.net/media/.fiftyonecache/x")));
        Assert.Equal(CacheLayout.RelativePath(Parser().Parse("az://media/k")),
                     CacheLayout.RelativePath(Parser().Parse("http://127.0.0.1:10000/devstoreaccount1/media/k")));
    }

    [Fact]
    public void WithoutConfigurationOnlyPublicBlobUrlsAreAzure()
    {
        var p = FiftyOneCache.Tests.Infrastructure.TestStores.Parser();
        Assert.Equal("azure", p.Parse("https://acct.blob.core.windows.net/c1c/k").Store);
        Assert.Equal("http", p.Parse("http://127.0.0.1:10000/devstoreaccount1/media/k").Store);
        Assert.Equal("http", p.Parse("http://acct.blob.core.windows.net/media/k").Store); // Azure serves blobs over https
        Assert.Throws<InvalidMediaPathException>(() => p.Parse("az://media/k"));
        Assert.Equal("http", Parser(alias: null, accountUrl: null).Parse("https://example.com/blob.core.windows.net/x").Store);
    }

    [Theory]
    [InlineData("az://Media/k", "not a valid Azure container name")]
    [InlineData("az://a--b/k", "not a valid Azure container name")]
    [InlineData("az:///k", "container name is missing")]
    [InlineData("az://media/../x", "'..' segment")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/media/a/%2E%2E/x", "'..' segment")]
    [InlineData("https://acct.blob.core.windows.net/", "container name is missing")]
    public void RefusesUnsafeOrInvalidAzurePaths(string path, string reason)
    {
        var e = Assert.Throws<InvalidMediaPathException>(() => Parser().Parse(path));
        Assert.Contains(reason, e.Message);
    }

    /// <summary>
    /// The parser orders the forms, not the stores: with MinIO served at the host Azurite also answers on, an Azure
    /// account URL under MinIO's endpoint is Azure's (the longer, more specific prefix), whichever store registered first.
    /// </summary>
    [Fact]
    public void TheMostSpecificConfiguredFormWins_NotTheStoreTriedFirst()
    {
        var env = new Dictionary<string, string?>
        {
            ["MINIO_ENDPOINT_URL"] = "http://127.0.0.1:10000", ["MINIO_ALIAS"] = "lake",
            ["AZURE_STORAGE_ACCOUNT"] = "devstoreaccount1", ["AZURE_STORAGE_KEY"] = AzureConnectionString.DevKey,
            ["AZURE_STORAGE_ACCOUNT_URL"] = "http://127.0.0.1:10000/devstoreaccount1", ["AZURE_ALIAS"] = "az",
        };
        var p = FiftyOneCache.Tests.Infrastructure.TestStores.Parser(n => env.GetValueOrDefault(n));
        Assert.Equal("azure", p.Parse("http://127.0.0.1:10000/devstoreaccount1/media/k").Store);
        Assert.Equal("minio", p.Parse("http://127.0.0.1:10000/bucket/k").Store);
        Assert.Equal("azure", p.Parse("az://media/k").Store);
        Assert.Equal("minio", p.Parse("lake://bucket/k").Store);
        Assert.Equal("http", p.Parse("http://127.0.0.1:10001/bucket/k").Store);
        Assert.Equal("azure", p.Parse("https://acct.blob.core.windows.net/media/k").Store);
    }

    [Fact]
    public void AnAliasWithoutAnAccountIsReportedOnUse()
    {
        var parser = FiftyOneCache.Tests.Infrastructure.TestStores.Parser(n => n == "AZURE_ALIAS" ? "az" : null);
        var e = Assert.Throws<InvalidMediaPathException>(() => parser.Parse("az://media/k"));
        Assert.Contains("needs an account", e.Message);
    }
}
