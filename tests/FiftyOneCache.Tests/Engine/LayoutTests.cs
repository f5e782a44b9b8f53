using FiftyOneCache.Engine.Paths;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

public class LayoutTests
{
    static readonly MediaPathParser Parser = FiftyOneCache.Tests.Infrastructure.TestStores.Parser();
    const string Root = "/cache/root";

    static string Rel(string path) => CacheLayout.RelativePath(Parser.Parse(path));

    [Theory]
    [InlineData("s3://voxel51-test/images/000001.jpg", "media/s3/voxel51-test/images/000001.jpg")] // FiftyOne's documented local_path
    [InlineData("s3://bucket/a/b.jpg", "media/s3/bucket/a/b.jpg")]
    [InlineData("gs://bucket/a/b.jpg", "media/gs/bucket/a/b.jpg")]
    [InlineData("http://example.com/x/y.png", "media/http/example.com/x/y.png")]
    [InlineData("https://example.com:8443/x/y.png", "media/https/example.com_8443/x/y.png")]
    [InlineData("https://example.com/dir/", "media/https/example.com/dir/%index")]
    [InlineData("s3://bucket/a//b", "media/s3/bucket/a/%_/b")]
    [InlineData("s3://bucket/a%b", "media/s3/bucket/a%25b")]
    [InlineData("s3://bucket/CON.txt", "media/s3/bucket/%43ON.txt")]
    [InlineData("s3://bucket/a\\b", "media/s3/bucket/a%5Cb")]
    [InlineData("https://example.com/dir/%25index", "media/https/example.com/dir/%25index")]
    [InlineData("https://example.com/p.jpg?size=2", "media/https/example.com/p%qf8f42561a7015ab8.jpg")]
    [InlineData("s3://bucket/x:y*?.jpg", "media/s3/bucket/x%3Ay%2A%3F.jpg")]
    [InlineData("s3://bucket/dot.", "media/s3/bucket/dot%2E")]
    [InlineData("s3://bucket/.fiftyonecache/index.db", "media/s3/bucket/%2Efiftyonecache/index.db")]
    public void MapsKeysToSafePaths(string input, string expected) => Assert.Equal(expected, Rel(input));

    [Theory]
    [InlineData("http://h/../../x")]
    [InlineData("http://h/a/%2e%2e/%2E%2E/x")]
    [InlineData("s3://bucket/../x")]
    [InlineData("s3://bucket/a/./b")]
    [InlineData("gs://bucket/a/..")]
    [InlineData("s3://bucket/a\0b")]
    [InlineData("s3://bucket/a\\..\\b")]
    [InlineData("http://h/x%2F..%2Fy")]
    [InlineData("s3:///key")]
    [InlineData("s3://Bad_Bucket!/k")]
    [InlineData("ftp://host/x")]
    [InlineData("http://user:pw@host/x")]
    [InlineData("   ")]
    public void RefusesUnsafeOrMalformedPaths(string input)
    {
        var e = Assert.Throws<InvalidMediaPathException>(() => Rel(input));
        Assert.Contains("Invalid media path", e.Message);
        Assert.DoesNotContain(":pw@", e.Message);
    }

    [Fact]
    public void ControlCharactersAreEscapedAndTwinsStayApart()
    {
        Assert.Equal("media/s3/bucket/a%0Ab%09c", Rel("s3://bucket/a\nb\tc"));
        var nfc = Rel("s3://bucket/caf\u00e9.jpg");
        var nfd = Rel("s3://bucket/cafe\u0301.jpg");
        Assert.NotEqual(nfc, nfd);
        Assert.NotEqual(nfc.Normalize(System.Text.NormalizationForm.FormC), nfd.Normalize(System.Text.NormalizationForm.FormC));
    }

    [Fact]
    public void LongNamesAreShortenedDistinctly()
    {
        var a = Rel("s3://bucket/" + new string('a', 400) + "1.jpg");
        var b = Rel("s3://bucket/" + new string('a', 400) + "2.jpg");
        Assert.NotEqual(a, b);
        Assert.All(new[] { a, b }, r => Assert.True(r.Split('/').Max(s => System.Text.Encoding.UTF8.GetByteCount(s)) <= 200));
        Assert.EndsWith(".jpg", a);
        var deep = Rel("s3://bucket/" + string.Join('/', Enumerable.Repeat(new string('d', 150), 12)) + "/f.jpg");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(deep) <= 1100);
    }

    [Theory]
    [InlineData("s3://bucket/a/b.jpg")]
    [InlineData("s3://bucket/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("s3://bucket//etc/passwd")]
    public void EveryMappedPathStaysInsideTheCache(string input)
    {
        var full = CacheLayout.FullPath(Root, Parser.Parse(input));
        Assert.StartsWith(Root + "/", full);
    }

    [Theory]
    [InlineData("s3://bucket/a/b.jpg")]
    [InlineData("gs://bucket/dir/x.png")]
    [InlineData("http://example.com/x/y.png")]
    [InlineData("https://example.com:8443/x/y.png")]
    public void TheSourceIsRecoveredFromTheLayout(string input) =>
        Assert.Equal(input, FiftyOneCache.Engine.Cache.MediaCache.SourceFromRelative(Rel(input)));

    [Fact]
    public void OverLongPathsKeepTheirStoreAndBucketUnderMedia()
    {
        var rel = Rel("s3://bucket/" + string.Join('/', Enumerable.Repeat(new string('d', 150), 12)) + "/f.jpg");
        Assert.StartsWith("media/s3/bucket/%long/", rel);
        Assert.StartsWith("media/https/example.com/%long/", Rel("https://example.com/" + string.Join('/', Enumerable.Repeat(new string('d', 150), 12))));
    }

    [Fact]
    public void LocalPathsAreReturnedAsTheyAre()
    {
        var m = Parser.Parse("/data/images/a.jpg");
        Assert.True(m.IsLocal);
        Assert.Equal("/data/images/a.jpg", m.Key);
        Assert.True(Parser.Parse("file:///data/b.jpg").IsLocal);
    }
}
