namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// How far a streaming call runs ahead of its consumer: FiftyOne's download_context batch, by bytes
/// (download_size_bytes) or by count (batch_size). An item may start while fewer than <see cref="MaxCount"/> items
/// and fewer than <see cref="MaxBytes"/> bytes are started and not yet taken by the consumer, or when none are.
/// An item's bytes count from the moment its size is known, so the window overshoots by at most the items in flight.
/// </summary>
public sealed class ReadAheadWindow(long maxBytes, int maxCount)
{
    readonly object _gate = new();
    long _bytes;
    int _count;
    TaskCompletionSource? _waiter;

    public long MaxBytes { get; } = maxBytes <= 0 ? long.MaxValue : maxBytes;
    public int MaxCount { get; } = maxCount <= 0 ? int.MaxValue : maxCount;

    /// <summary>Items started and not yet taken, and their known bytes (for tests and progress).</summary>
    public (int Count, long Bytes) Outstanding { get { lock (_gate) return (_count, _bytes); } }

    public async Task EnterAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_count == 0 || (_count < MaxCount && _bytes < MaxBytes))
                {
                    _count++;
                    return;
                }
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }
            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>An item started earlier now has a known size.</summary>
    public void Sized(long bytes)
    {
        lock (_gate) _bytes += bytes;
    }

    /// <summary>The consumer took an item of <paramref name="bytes"/> bytes (as given to <see cref="Sized"/>).</summary>
    public void Leave(long bytes)
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _count--;
            _bytes -= bytes;
            wake = _waiter;
            _waiter = null;
        }
        wake?.TrySetResult();
    }
}
