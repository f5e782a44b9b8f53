using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>Classifies AWS SDK failures for the shared retry policy; messages name the item, never a secret.</summary>
public static class S3Errors
{
    public static StoreException Map(Exception e, string what)
    {
        if (e is AmazonServiceException se)
        {
            var code = se.ErrorCode ?? "";
            var status = (int)se.StatusCode;
            var detail = string.IsNullOrEmpty(code) ? se.Message : $"{code}: {se.Message}";
            return code switch
            {
                "NoSuchKey" or "NoSuchBucket" or "NotFound" => new StoreException(StoreErrorKind.NotFound, $"{what} was not found ({detail})", e, status: 404),
                "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "ExpiredToken" or "InvalidToken" or "AllAccessDisabled"
                    => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied ({detail})", e, status: status),
                "SlowDown" or "Throttling" or "ThrottlingException" or "RequestTimeout" or "InternalError" or "ServiceUnavailable"
                    => new StoreException(StoreErrorKind.Transient, $"{what}: {detail}", e, status: status), // backoff applies: S3 sends no Retry-After
                _ when se.StatusCode == HttpStatusCode.Forbidden => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied (HTTP 403)", e, status: 403),
                _ when se.StatusCode == HttpStatusCode.NotFound => new StoreException(StoreErrorKind.NotFound, $"{what} was not found (HTTP 404)", e, status: 404),
                _ => StoreException.FromStatus(status == 0 ? 500 : status, what, detail),
            };
        }
        if (e is AmazonClientException ce)
        {
            return ce.Message.Contains("credential", StringComparison.OrdinalIgnoreCase)
                ? new StoreException(StoreErrorKind.NoCredentials, $"{what}: {ce.Message}", e)
                : new StoreException(StoreErrorKind.Transient, $"{what}: {ce.Message}", e);
        }
        return new StoreException(StoreErrorKind.Transient, $"{what}: {e.Message}", e);
    }
}
