namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Pins: a path handed to a consumer is safe from eviction, in this process and in every other one, until the
/// consumer has taken it. A pin is a shared kernel lock (<see cref="StripeLockSet"/>) on the path's pin stripe,
/// held by this instance as long as any of its pins on that stripe lives; eviction anywhere takes the stripe
/// exclusively (never waiting) before it deletes, so it skips pinned files, and a pin that arrives during a
/// deletion waits for it and then sees the file gone. Locks die with their process.
/// Pins use their own stripes, apart from <see cref="ObjectLocks"/>, so a pin never holds up a download.
/// </summary>
public sealed class PinLocks : IDisposable
{
    public const int Stripes = 1 << 12;
    readonly object _gate = new();
    /// <summary>Per stripe, how many pins this instance holds on it: its shared kernel lock lives while this is above 0.</summary>
    readonly Dictionary<int, int> _pinned = new();
    /// <summary>Stripes this instance holds exclusively (an eviction deleting): its own pins wait for them too.</summary>
    readonly HashSet<int> _exclusive = new();
    readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
    readonly StripeLockSet _kernel;

    public PinLocks(string dir)
    {
        _kernel = StripeLockSet.Open(dir, stripe => Path.Combine(dir, $"{stripe:x3}.pin"));
    }

    public static int StripeOf(string key) => ObjectLocks.Stripe(key, Stripes);

    /// <summary>Pins <paramref name="key"/>; waits only while an eviction holds its stripe.</summary>
    public async Task<IDisposable> PinAsync(string key, CancellationToken ct)
    {
        var stripe = StripeOf(key);
        var delay = 1;
        while (true)
        {
            lock (_gate)
            {
                if (_pinned.TryGetValue(stripe, out var count))
                {
                    _pinned[stripe] = count + 1;
                    _keys[key] = _keys.GetValueOrDefault(key) + 1;
                    return new Pin(this, key, stripe);
                }
                if (!_exclusive.Contains(stripe) && _kernel.TryLock(stripe, exclusive: false))
                {
                    _pinned[stripe] = 1;
                    _keys[key] = _keys.GetValueOrDefault(key) + 1;
                    return new Pin(this, key, stripe);
                }
            }
            await Task.Delay(delay, ct).ConfigureAwait(false); // an eviction is deleting on this stripe: a moment
            delay = Math.Min(delay * 2, 20);
        }
    }

    /// <summary>Whether this process pins <paramref name="key"/> now.</summary>
    public bool IsPinnedHere(string key)
    {
        lock (_gate) return _keys.ContainsKey(key);
    }

    public int CountHere
    {
        get { lock (_gate) return _keys.Count; }
    }

    /// <summary>
    /// For eviction and clear-after-use: the stripe of <paramref name="key"/> taken exclusively, or null when any
    /// process pins something on it (a pinned neighbour on the same stripe also says no: the file simply waits
    /// for a later pass).
    /// </summary>
    public IDisposable? TryExclusive(string key)
    {
        var stripe = StripeOf(key);
        lock (_gate)
        {
            if (_pinned.ContainsKey(stripe) || _exclusive.Contains(stripe)) return null;
            if (!_kernel.TryLock(stripe, exclusive: true)) return null;
            _exclusive.Add(stripe);
            return new Exclusive(this, stripe);
        }
    }

    void Release(string key, int stripe)
    {
        lock (_gate)
        {
            if (_keys.TryGetValue(key, out var n)) { if (n <= 1) _keys.Remove(key); else _keys[key] = n - 1; }
            if (!_pinned.TryGetValue(stripe, out var count)) return;
            if (count > 1) { _pinned[stripe] = count - 1; return; }
            _pinned.Remove(stripe);
            _kernel.Unlock(stripe);
        }
    }

    void ReleaseExclusive(int stripe)
    {
        lock (_gate)
        {
            if (!_exclusive.Remove(stripe)) return;
            _kernel.Unlock(stripe);
        }
    }

    public void Dispose() => _kernel.Dispose();

    sealed class Pin(PinLocks owner, string key, int stripe) : IDisposable
    {
        int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key, stripe);
        }
    }

    sealed class Exclusive(PinLocks owner, int stripe) : IDisposable
    {
        int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.ReleaseExclusive(stripe);
        }
    }
}
