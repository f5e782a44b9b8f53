using System.Diagnostics;

namespace FiftyOneCache.Engine.Operations;

/// <summary>Counts of a copy/move/delete run for Write-Progress: items, bytes, rate and time left.</summary>
public sealed class OperationProgress
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    long _done, _failed, _bytes, _totalBytes;
    string? _current;

    public long Total { get; set; }
    public long Done => Interlocked.Read(ref _done);
    public long Failed => Interlocked.Read(ref _failed);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long TotalBytes => Interlocked.Read(ref _totalBytes);
    public string? Current => Volatile.Read(ref _current);
    public TimeSpan Elapsed => _clock.Elapsed;
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;

    public void Started(string item, long size) { Volatile.Write(ref _current, item); Interlocked.Add(ref _totalBytes, size); }
    public void Transferred(long n) => Interlocked.Add(ref _bytes, n);
    public void ItemDone(bool ok) { Interlocked.Increment(ref _done); if (!ok) Interlocked.Increment(ref _failed); }

    /// <summary>Fraction done: by bytes when bytes move, by items otherwise.</summary>
    public double Fraction
    {
        get
        {
            if (Total <= 0) return 0;
            var items = (double)Done / Total;
            var tb = TotalBytes;
            return tb > 0 && Bytes > 0 ? Math.Clamp(Math.Max(items, Math.Min((double)Bytes / tb, 1) * (Done + 1) / Total), 0, 1) : items;
        }
    }
}
