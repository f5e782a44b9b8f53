using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

/// <summary>Turns a failure of one item into what its result and error record say: a message, an ErrorId, a kind.</summary>
public static class ErrorMapping
{
    public static string Message(Exception e) => Redact.ForDisplay(e switch
    {
        StoreException se => se.Message,
        InvalidMediaPathException ip => ip.Message,
        AggregateException { InnerExceptions.Count: 1 } ae => Message(ae.InnerExceptions[0]),
        _ => e.Message,
    });

    public static (string Id, ErrorKind Kind) Classify(Exception e) => e switch
    {
        InvalidMediaPathException => ("InvalidMediaPath", ErrorKind.InvalidArgument),
        CacheLimitException => ("LargerThanCache", ErrorKind.LimitsExceeded),
        StoreException { Kind: StoreErrorKind.NotFound } => ("ObjectNotFound", ErrorKind.ObjectNotFound),
        StoreException { Kind: StoreErrorKind.AccessDenied } => ("AccessDenied", ErrorKind.PermissionDenied),
        StoreException { Kind: StoreErrorKind.NoCredentials } => ("NoCredentials", ErrorKind.AuthenticationError),
        StoreException { Kind: StoreErrorKind.Corrupt } => ("ChecksumMismatch", ErrorKind.InvalidData),
        StoreException { Kind: StoreErrorKind.HostNotFound } => ("HostNotFound", ErrorKind.ConnectionError),
        StoreException { Kind: StoreErrorKind.Transient or StoreErrorKind.Changed } => ("TransferFailed", ErrorKind.ConnectionError),
        StoreException => ("StoreError", ErrorKind.InvalidArgument),
        IOException => ("WriteFailed", ErrorKind.WriteError),
        UnauthorizedAccessException => ("WriteFailed", ErrorKind.PermissionDenied),
        AggregateException { InnerExceptions.Count: 1 } ae => Classify(ae.InnerExceptions[0]),
        _ => ("DownloadFailed", ErrorKind.NotImplemented),
    };
}
