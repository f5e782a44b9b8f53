namespace FiftyOneCache.Engine;

/// <summary>
/// The PowerShell error category a failure maps to, kept PowerShell-free here. Shared by every part of the engine
/// (cache items, datasets, CVAT), so it lives below all of them.
/// </summary>
public enum ErrorKind { None, InvalidArgument, ObjectNotFound, PermissionDenied, AuthenticationError, ConnectionError, InvalidData, LimitsExceeded, OperationStopped, NotImplemented, WriteError }
