namespace FiftyOneCache.Engine.Cache;

/// <summary>One row of the cache index. State 0 is a reservation for a download in flight.</summary>
public sealed record IndexEntry(string Path, string Source, long Size, string? ETag, string? Checksum,
                                long LastAccessMs, long CreatedMs, int State)
{
    public const int Pending = 0;
    public const int Complete = 1;
    public DateTimeOffset LastAccess => DateTimeOffset.FromUnixTimeMilliseconds(LastAccessMs);
    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeMilliseconds(CreatedMs);
}
