using System.Collections.Concurrent;

namespace FiftyOneCache.Engine.Cache;

/// <summary>Counters a batch updates from many threads; the cmdlet samples them for Write-Progress.</summary>
public sealed class TransferProgress
{
    long _done, _failed, _bytes, _discovered, _downloaded, _cached, _finishedTransferBytes;
    readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    // Transfers under way and their sizes (known from the stat before the first byte): what makes a single large
    // file's progress move, and what the bytes total and the ETA are computed from.
    readonly ConcurrentDictionary<string, long> _inFlight = new(StringComparer.Ordinal);
    string? _current;

    public long Submitted;
    int _inputComplete;

    /// <summary>
    /// No item will be submitted or discovered any more (the caller says so): from then on, once every item has
    /// finished or started, the bytes total is final; before, it is only a lower bound that grows.
    /// </summary>
    public bool InputComplete
    {
        get => Volatile.Read(ref _inputComplete) == 1;
        set => Volatile.Write(ref _inputComplete, value ? 1 : 0);
    }
    public long Done => Interlocked.Read(ref _done);
    public long Failed => Interlocked.Read(ref _failed);
    public long Downloaded => Interlocked.Read(ref _downloaded);
    public long CachedHits => Interlocked.Read(ref _cached);
    public long BytesTransferred => Interlocked.Read(ref _bytes);
    public long DiscoveredCount => Interlocked.Read(ref _discovered);
    public TimeSpan Elapsed => _clock.Elapsed;
    public double BytesPerSecond => _clock.Elapsed.TotalSeconds > 0 ? BytesTransferred / _clock.Elapsed.TotalSeconds : 0;

    /// <summary>The item whose transfer started last (null before the first).</summary>
    public string? CurrentItem => Volatile.Read(ref _current);

    /// <summary>Transfers under way, with the bytes they will bring in total.</summary>
    public (int Count, long Bytes) InFlight
    {
        get
        {
            int n = 0; long b = 0;
            foreach (var kv in _inFlight) { n++; b += kv.Value; }
            return (n, b);
        }
    }

    /// <summary>Bytes of the transfers that have finished (their share of <see cref="BytesTransferred"/>).</summary>
    public long FinishedTransferBytes => Interlocked.Read(ref _finishedTransferBytes);

    public void Bytes(long n) => Interlocked.Add(ref _bytes, n);
    public void Discovered(long n) => Interlocked.Add(ref _discovered, n);

    /// <summary>A transfer of <paramref name="size"/> bytes begins (called again if it starts over).</summary>
    public void Started(string item, long size)
    {
        _inFlight[item] = Math.Max(0, size);
        Volatile.Write(ref _current, item);
    }

    public void ItemDone(MediaItemResult r)
    {
        if (_inFlight.TryRemove(r.Path, out var size) && r.Status is ItemStatus.Downloaded or ItemStatus.Updated)
            Interlocked.Add(ref _finishedTransferBytes, size);
        Interlocked.Increment(ref _done);
        switch (r.Status)
        {
            case ItemStatus.Failed: Interlocked.Increment(ref _failed); break;
            case ItemStatus.Downloaded or ItemStatus.Updated: Interlocked.Increment(ref _downloaded); break;
            case ItemStatus.Cached: Interlocked.Increment(ref _cached); break;
        }
    }
}
