namespace FiftyOneCache.Engine.Cache;

/// <summary>Counters a batch updates from many threads; the cmdlet samples them for Write-Progress.</summary>
public sealed class TransferProgress
{
    long _done, _failed, _bytes, _discovered, _downloaded, _cached;
    readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public long Submitted;
    public long Done => Interlocked.Read(ref _done);
    public long Failed => Interlocked.Read(ref _failed);
    public long Downloaded => Interlocked.Read(ref _downloaded);
    public long CachedHits => Interlocked.Read(ref _cached);
    public long BytesTransferred => Interlocked.Read(ref _bytes);
    public long DiscoveredCount => Interlocked.Read(ref _discovered);
    public TimeSpan Elapsed => _clock.Elapsed;
    public double BytesPerSecond => _clock.Elapsed.TotalSeconds > 0 ? BytesTransferred / _clock.Elapsed.TotalSeconds : 0;

    public void Bytes(long n) => Interlocked.Add(ref _bytes, n);
    public void Discovered(long n) => Interlocked.Add(ref _discovered, n);

    public void ItemDone(MediaItemResult r)
    {
        Interlocked.Increment(ref _done);
        switch (r.Status)
        {
            case ItemStatus.Failed: Interlocked.Increment(ref _failed); break;
            case ItemStatus.Downloaded or ItemStatus.Updated: Interlocked.Increment(ref _downloaded); break;
            case ItemStatus.Cached: Interlocked.Increment(ref _cached); break;
        }
    }
}
