using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FiftyOneCache.Engine.Storage;
using Minio;
using Minio.DataModel.Args;
using Xunit;

namespace FiftyOneCache.Tests.Engine.Aws;

/// <summary>The module's own presigned URLs are the SDK's, byte for byte, for every endpoint form it learns.</summary>
public class SigV4PresignerTests
{
    public static TheoryData<string, string?, bool, string?> Endpoints => new()
    {
        { "us-east-1", "http://127.0.0.1:9000", true, null },            // s3rver/MinIO-style: path style, http, a port
        { "eu-west-1", "https://s3.example.test", true, "session-token/with+chars=" },
        { "eu-west-1", null, false, null },                               // AWS, virtual host
        { "us-east-1", null, false, "FwoGZXIvYXdzEJr//////////wEaDH" },  // AWS with a session token
        { "ap-southeast-2", null, true, null },                           // AWS, path style
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void ThePresignerLearntFromOneSdkUrlSignsEveryOtherKeyAsTheSdkDoes(string region, string? endpoint, bool pathStyle, string? token)
    {
        AWSCredentials creds = token is null ? new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                                             : new SessionAWSCredentials("ASIAEXAMPLE", "secret/with+slash", token);
        var cfg = new AmazonS3Config { ForcePathStyle = pathStyle, IgnoreConfiguredEndpointUrls = true };
        if (endpoint is not null) { cfg.ServiceURL = endpoint; cfg.AuthenticationRegion = region; }
        else cfg.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        using var client = new AmazonS3Client(creds, cfg);
        var c = creds.GetCredentials();
        var immutable = new SigningCredentials(c.AccessKey, c.SecretKey, c.Token);
        string Sdk(string key) => client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = "media-bucket", Key = key, Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddHours(2),
            Protocol = endpoint?.StartsWith("http://", StringComparison.Ordinal) == true ? Protocol.HTTP : Protocol.HTTPS,
        });

        var presigner = SigV4Presigner.Learn(Sdk("images/first.jpg"), "images/first.jpg", immutable);
        Assert.NotNull(presigner);
        foreach (var key in new[] { "a.png", "deep/er/path/v-1_2~x.MP4", "0/1/2" })
        {
            var expected = Sdk(key);
            var date = DateTime.ParseExact(System.Web.HttpUtility.ParseQueryString(new Uri(expected).Query)["X-Amz-Date"]!,
                "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.Equal(expected, presigner!.Presign(key, immutable, date));
        }
    }

    [Fact]
    public void AUrlItCannotReproduceTeachesNothing()
    {
        var creds = new SigningCredentials("AKIDEXAMPLE", "secret", null);
        const string sdk = "http://127.0.0.1:9000/b/k.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261130%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=0000";
        Assert.Null(SigV4Presigner.Learn(sdk, "k.jpg", creds));                         // a signature that is not ours
        Assert.Null(SigV4Presigner.Learn(sdk.Replace("&X-Amz-Signature", "&x-id=GetObject&X-Amz-Signature"), "k.jpg", creds));
    }

    [Theory]
    [InlineData("http", 9000, "us-east-1")]
    [InlineData("https", 443, "eu-central-1")]
    public async Task ThePresignerLearntFromTheMinioClientSignsAsItDoes(string scheme, int port, string region)
    {
        using var client = (MinioClient)new MinioClient().WithEndpoint("127.0.0.1", port).WithSSL(scheme == "https").WithRegion(region)
            .WithCredentials("minioadmin", "minio/secret+key").Build();
        var creds = new SigningCredentials("minioadmin", "minio/secret+key", null);
        Task<string> Sdk(string key) => client.PresignedGetObjectAsync(new PresignedGetObjectArgs().WithBucket("media").WithObject(key).WithExpiry(7200));
        var presigner = SigV4Presigner.Learn(await Sdk("images/first.jpg"), "images/first.jpg", creds);
        Assert.NotNull(presigner);
        foreach (var key in new[] { "a.png", "deep/er/v-1_2~x.MP4" })
        {
            var expected = await Sdk(key);
            var date = DateTime.ParseExact(System.Web.HttpUtility.ParseQueryString(new Uri(expected).Query)["X-Amz-Date"]!,
                "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.Equal(expected, presigner!.Presign(key, creds, date));
        }
    }

    [Theory]
    [InlineData("a/b.jpg", true)]
    [InlineData("a b.jpg", false)]
    [InlineData("a/../b.jpg", false)]
    [InlineData("a//b.jpg", false)]
    [InlineData("é.jpg", false)]
    [InlineData("a+b.jpg", false)]
    public void OnlyKeysThatNeedNoEscapingAreSignedHere(string key, bool plain) => Assert.Equal(plain, SigV4Presigner.IsPlainKey(key));
}
