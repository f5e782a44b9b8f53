namespace FiftyOneCache.Engine.Operations;

/// <summary>One file a listing found (list_files): <see cref="Path"/> is absolute, or relative to the folder with -Name.</summary>
public sealed record MediaFileInfo(string Path, long Size, DateTimeOffset? LastModified, string? ETag)
{
    public string Store { get; init; } = "";
    /// <summary>The path relative to the listed folder ('/'-separated), whatever form <see cref="Path"/> has.</summary>
    public string RelativePath { get; init; } = "";
    /// <summary>What the listing said of the file (size, ETag), when it said it: a folder copy plans with it.</summary>
    internal Storage.RemoteStat? Listed { get; init; }
}

public enum TransferStatus { Copied, Moved, Skipped, Removed, NotFound }

/// <summary>
/// What one copy, move or delete did. <see cref="Path"/> is where the file now is (the destination; for a delete,
/// the path removed), so a result pipes on into the next operation.
/// </summary>
public sealed record TransferResult
{
    public required string Path { get; init; }
    public string? Source { get; init; }
    public TransferStatus Status { get; init; }
    public long Size { get; init; }
    public string? ETag { get; init; }
    /// <summary>The store's whole-object checksum ("md5:…", "crc32c:…") when it gives one.</summary>
    public string? Checksum { get; init; }
    /// <summary>"server-side", "streamed", "rename", or for a skip the reason.</summary>
    public string? Method { get; init; }
    public TimeSpan Duration { get; init; }
}

/// <summary>One source and its destination; <see cref="Error"/> when planning it already failed (reported for it alone).</summary>
public sealed record TransferPair(string Source, string Destination)
{
    public Exception? Error { get; init; }
    /// <summary>
    /// A folder copy's planning listed the destination folder, and no object was at this destination then: the copy
    /// writes it without a HEAD of either side, from the source's listed stat (<see cref="SourceStat"/>). When the
    /// destination was there, the copy stats both sides afresh, as for a single file (skip-if-same).
    /// </summary>
    internal bool DestinationAbsent { get; init; }
    internal Storage.RemoteStat? SourceStat { get; init; }
}

/// <summary>A file to delete: given literally (a missing one is an error), or found by a listing (-Recurse, a wildcard).</summary>
public sealed record DeleteTarget(string Path, bool Listed);

/// <summary>-Force overwrites, -NoClobber never does; otherwise an identical destination is skipped.</summary>
public sealed record TransferOptions
{
    public bool Force { get; init; }
    public bool NoClobber { get; init; }
    public bool Move { get; init; }
    public Storage.UploadOptions Upload { get; init; } = Storage.UploadOptions.Default;
}

/// <summary>An item that failed, with the path it concerns; the run goes on.</summary>
public sealed class OperationException(string path, string message, Exception? inner = null, string errorId = "OperationFailed")
    : Exception(message, inner)
{
    public string Path { get; } = path;
    public string ErrorId { get; } = errorId;
}
