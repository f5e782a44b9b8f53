using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;

namespace FiftyOneCache.Engine.Storage.Minio;

/// <summary>
/// An AWS SDK S3 client for a MinIO endpoint, used for the S3 protocol's server-side copy (CopyObject,
/// UploadPartCopy). It spells x-amz-copy-source as boto3 (FiftyOne's own client) does, <c>/bucket/key</c> with each
/// segment percent-encoded and the slashes kept, before the request is signed: the SDK encodes the slashes too
/// (<c>bucket%2Fkey</c>), which AWS accepts but S3-compatible servers need not (s3rver reads it as a bucket name).
/// </summary>
internal sealed class MinioS3Client(AWSCredentials credentials, AmazonS3Config config) : AmazonS3Client(credentials, config)
{
    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        base.CustomizeRuntimePipeline(pipeline);
        pipeline.AddHandlerBefore<Signer>(new CopySourceSpelling());
    }

    /// <summary>Rewrites x-amz-copy-source of the request about to be signed.</summary>
    sealed class CopySourceSpelling : PipelineHandler
    {
        const string Header = "x-amz-copy-source";

        public override void InvokeSync(IExecutionContext executionContext)
        {
            Respell(executionContext);
            base.InvokeSync(executionContext);
        }

        public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            Respell(executionContext);
            return base.InvokeAsync<T>(executionContext);
        }

        static void Respell(IExecutionContext context)
        {
            var headers = context.RequestContext.Request.Headers;
            var name = headers.Keys.FirstOrDefault(k => string.Equals(k, Header, StringComparison.OrdinalIgnoreCase));
            if (name is null) return;
            headers[name] = SpellCopySource(headers[name]);
        }

    }

    /// <summary><c>bucket%2Fa%2Fb%20c</c> → <c>/bucket/a/b%20c</c> (a version id, after '?', is kept as sent).</summary>
    internal static string SpellCopySource(string value)
    {
        var q = value.IndexOf('?');
        var (path, query) = q < 0 ? (value, "") : (value[..q], value[q..]);
        var segments = Uri.UnescapeDataString(path).TrimStart('/').Split('/');
        return "/" + string.Join('/', segments.Select(Uri.EscapeDataString)) + query;
    }
}
