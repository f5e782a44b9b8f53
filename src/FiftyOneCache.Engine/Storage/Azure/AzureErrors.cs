using Azure;
using Azure.Identity;
using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Engine.Storage.Azure;

/// <summary>
/// Classifies Azure SDK failures for the shared retry policy. Messages use the service's error code and first
/// line only (the SDK's full text lists response headers), with every configured secret masked.
/// </summary>
public static class AzureErrors
{
    public static StoreException Map(Exception e, string what, AzureSettings settings, string? container = null)
    {
        string Clean(string s) => Redact.Secrets(s.Split('\n')[0].Trim(), settings.Secrets);
        switch (e)
        {
            case RequestFailedException rf:
            {
                var code = rf.ErrorCode ?? "";
                var retryAfter = RetryAfter(rf);
                var detail = Clean(code.Length > 0 ? $"{code}: {rf.Message}" : rf.Message);
                return code switch
                {
                    "ContainerNotFound" => new StoreException(StoreErrorKind.NotFound, $"{what} was not found: container '{container}' does not exist", e, status: 404),
                    "BlobNotFound" or "ResourceNotFound" => new StoreException(StoreErrorKind.NotFound, $"{what} was not found: no such blob", e, status: 404),
                    "AuthenticationFailed" or "AuthorizationFailure" or "AuthorizationPermissionMismatch" or "InsufficientAccountPermissions"
                        or "AccountIsDisabled" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" or "AuthorizationResourceTypeMismatch"
                        => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied ({code}; check the account key, SAS or role assignment)", e, status: rf.Status),
                    "ServerBusy" or "OperationTimedOut" or "InternalError" => new StoreException(StoreErrorKind.Transient, $"{what}: {detail}", e, retryAfter ?? TimeSpan.FromSeconds(1), rf.Status),
                    "ConditionNotMet" => new StoreException(StoreErrorKind.Changed, $"{what} changed while it was being read", e, status: 412),
                    // A HEAD's 404 carries the code in a header the SDK reads; without one, say what the status says.
                    _ when rf.Status == 404 => new StoreException(StoreErrorKind.NotFound, $"{what} was not found (HTTP 404)", e, status: 404),
                    _ when rf.Status is 401 or 403 => new StoreException(StoreErrorKind.AccessDenied, $"{what}: access denied (HTTP {rf.Status})", e, status: rf.Status),
                    _ when rf.Status == 0 => new StoreException(StoreErrorKind.Transient, $"{what}: {detail}", e),
                    _ => StoreException.FromStatus(rf.Status, what, detail, retryAfter),
                };
            }
            case CredentialUnavailableException or AuthenticationFailedException:
                return new StoreException(StoreErrorKind.NoCredentials,
                    $"{what}: no usable Azure credentials from {settings.Source}: {Clean(e.Message)}. Tried, in order: {string.Join("; ", settings.Tried)}", e);
            case HttpRequestException or IOException or TimeoutException:
                return new StoreException(StoreErrorKind.Transient, $"{what}: {Clean(e.Message)}", e);
            default:
                return new StoreException(StoreErrorKind.Transient, $"{what}: {e.GetType().Name}: {Clean(e.Message)}", e);
        }
    }

    /// <summary>The service's Retry-After (seconds or a date): the SDK's own retries are off, so the shared policy must see it.</summary>
    static TimeSpan? RetryAfter(RequestFailedException rf)
    {
        if (rf.GetRawResponse() is not { } response || !response.Headers.TryGetValue("Retry-After", out var value)) return null;
        return System.Net.Http.Headers.RetryConditionHeaderValue.TryParse(value, out var header) ? RetryPolicy.ParseRetryAfter(header) : null;
    }
}
