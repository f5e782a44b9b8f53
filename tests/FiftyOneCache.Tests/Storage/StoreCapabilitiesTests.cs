using FiftyOneCache.Engine.Storage;
using FiftyOneCache.Engine.Storage.Minio;
using FiftyOneCache.Tests.Plugins;
using Xunit;

namespace FiftyOneCache.Tests.Storage;

/// <summary>
/// The storage operations decide by what each store declares (<see cref="StoreBackend.Capabilities"/>), so the
/// declarations are the behaviour: these pin what each built-in store says about itself, and the plug-in's.
/// </summary>
public sealed class StoreCapabilitiesTests
{
    static StoreCapabilities Of(string store) => StoreBackends.Find(store)!.Capabilities;

    [Fact]
    public void HttpCannotBeListedWrittenOrDeleted()
    {
        var c = Of("http");
        Assert.False(c.CanList);
        Assert.False(c.CanWrite);
        Assert.False(c.CanDelete);
        Assert.Equal(ServerSideCopy.None, c.ServerSideCopy);
    }

    /// <summary>S3 and MinIO: MD5 ETags, deletes that do not say whether the object was there; GCS and Azure: opaque
    /// ETags, deletes that report a missing object. All four list, write, delete and copy within themselves.</summary>
    [Theory]
    [InlineData("s3", true, false)]
    [InlineData("minio", true, false)]
    [InlineData("gs", false, true)]
    [InlineData("azure", false, true)]
    public void ObjectStoresDeclareTheirETagsAndWhetherADeleteReportsAMissingObject(string store, bool md5ETags, bool deleteReportsMissing)
    {
        var c = Of(store);
        Assert.True(c.CanList && c.CanWrite && c.CanDelete);
        Assert.Equal(ServerSideCopy.WithinStore, c.ServerSideCopy);
        Assert.Equal(md5ETags, c.ETagIsMd5);
        Assert.Equal(md5ETags, c.ETagIdentifiesContent);
        Assert.Equal(deleteReportsMissing, c.DeleteReportsMissing);
    }

    [Fact]
    public void APluginDeclaresItsOwn()
    {
        var c = new MemBackend().Capabilities;
        Assert.True(c.CanList);
        Assert.False(c.CanWrite);
        Assert.True(c.ETagIsMd5);
    }

    [Theory]
    [InlineData("media%2Fops-1%2Fup%2Fb%20c.jpg", "/media/ops-1/up/b%20c.jpg")]
    [InlineData("/media/a/b.jpg", "/media/a/b.jpg")]
    [InlineData("media%2Fa%2Bb%2Fx%5B1%5D.jpg?versionId=3", "/media/a%2Bb/x%5B1%5D.jpg?versionId=3")]
    public void MinioCopySourceIsSpelledAsBoto3SpellsIt(string sdk, string expected) =>
        Assert.Equal(expected, MinioS3Client.SpellCopySource(sdk));
}
