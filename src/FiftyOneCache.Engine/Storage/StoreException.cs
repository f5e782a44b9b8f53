using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Storage;

public enum StoreErrorKind
{
    /// <summary>The object or bucket does not exist (404, NoSuchKey, NoSuchBucket).</summary>
    NotFound,
    /// <summary>Access denied (403) or authentication failed (401).</summary>
    AccessDenied,
    /// <summary>No credentials could be found for the store.</summary>
    NoCredentials,
    /// <summary>Retrying may help: connection reset, timeout, 429, 5xx, throttling.</summary>
    Transient,
    /// <summary>The object changed while it was being read (ETag/precondition mismatch).</summary>
    Changed,
    /// <summary>The bytes received do not match the size or checksum the store gave.</summary>
    Corrupt,
    /// <summary>Any other permanent failure (400, unsupported, invalid request).</summary>
    Permanent,
    /// <summary>The host name does not resolve (DNS says there is no such host): asking again gets the same answer.</summary>
    HostNotFound,
}

/// <summary>A failure of one store operation, classified so that one retry policy serves every store.</summary>
public sealed class StoreException : Exception
{
    public StoreException(StoreErrorKind kind, string message, Exception? inner = null, TimeSpan? retryAfter = null, int? status = null)
        : base(message, inner)
    {
        Kind = kind;
        RetryAfter = retryAfter;
        StatusCode = status;
    }

    public StoreErrorKind Kind { get; }
    public TimeSpan? RetryAfter { get; }
    public int? StatusCode { get; }
    public bool IsTransient => Kind is StoreErrorKind.Transient or StoreErrorKind.Changed or StoreErrorKind.Corrupt;

    public static StoreException FromStatus(int status, string what, string? detail = null, TimeSpan? retryAfter = null)
    {
        var suffix = string.IsNullOrWhiteSpace(detail) ? "" : $": {detail}";
        return status switch
        {
            404 or 410 => new(StoreErrorKind.NotFound, $"{what} was not found (HTTP {status}){suffix}", status: status),
            401 => new(StoreErrorKind.AccessDenied, $"{what}: authentication failed (HTTP 401){suffix}", status: status),
            403 => new(StoreErrorKind.AccessDenied, $"{what}: access denied (HTTP 403){suffix}", status: status),
            408 or 429 or >= 500 => new(StoreErrorKind.Transient, $"{what}: server answered HTTP {status}{suffix}", retryAfter: retryAfter, status: status),
            412 => new(StoreErrorKind.Changed, $"{what} changed while it was being downloaded (HTTP 412)", status: status),
            _ => new(StoreErrorKind.Permanent, $"{what}: server answered HTTP {status}{suffix}", status: status),
        };
    }
}
