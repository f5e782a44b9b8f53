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
    internal const int StripesPerFile = 64;
    /// <summary>Per stripe, under its own lock (streams of hits pin from many threads at once; one lock for all
    /// of them was the slowest part of a cache hit): how many pins this instance holds on it, whose shared kernel
    /// lock lives while that is above 0, and whether an eviction here holds it exclusively.</summary>
    readonly StripeState[] _stripes = new StripeState[Stripes];
    readonly StripeLockSet _kernel;

    sealed class StripeState
    {
        public int Pins;
        public bool Exclusive;
    }

    public PinLocks(string dir)
    {
        // 64 stripes to a lock file: thousands of pins may be held at once (paths handed out ahead of a slow
        // consumer), and a lock's cost grows with the ranges held on its file (see StripeLockSet.Open).
        _kernel = StripeLockSet.Open(dir, stripe => Path.Combine(dir, $"{stripe:x3}.pin"), StripesPerFile);
        for (var i = 0; i < Stripes; i++) _stripes[i] = new StripeState();
    }

    public static int StripeOf(string key) => ObjectLocks.Stripe(key, Stripes);

    /// <summary>Pins <paramref name="key"/>; waits only while an eviction holds its stripe.</summary>
    public ValueTask<IDisposable> PinAsync(string key, CancellationToken ct)
    {
        var stripe = StripeOf(key);
        return TryPin(stripe) ? new ValueTask<IDisposable>(new Pin(this, stripe)) : new ValueTask<IDisposable>(PinSlowAsync(stripe, ct));
    }

    /// <summary>The pin if it can be had at once, else null (an eviction is deleting on the stripe): never waits.</summary>
    public IDisposable? TryPinNow(string key)
    {
        var stripe = StripeOf(key);
        return TryPin(stripe) ? new Pin(this, stripe) : null;
    }

    async Task<IDisposable> PinSlowAsync(int stripe, CancellationToken ct)
    {
        var delay = 1;
        do
        {
            await Task.Delay(delay, ct).ConfigureAwait(false); // an eviction is deleting on this stripe: a moment
            delay = Math.Min(delay * 2, 20);
        }
        while (!TryPin(stripe));
        return new Pin(this, stripe);
    }

    bool TryPin(int stripe)
    {
        var s = _stripes[stripe];
        lock (s)
        {
            if (s.Pins > 0) { s.Pins++; return true; }
            if (s.Exclusive || !_kernel.TryLock(stripe, exclusive: false)) return false;
            s.Pins = 1;
            return true;
        }
    }

    /// <summary>
    /// For eviction and clear-after-use: the stripe of <paramref name="key"/> taken exclusively, or null when any
    /// process, this one included, pins something on it (a pinned neighbour on the same stripe also says no: the
    /// file simply waits for a later pass).
    /// </summary>
    public IDisposable? TryExclusive(string key)
    {
        var stripe = StripeOf(key);
        var s = _stripes[stripe];
        lock (s)
        {
            if (s.Pins > 0 || s.Exclusive || !_kernel.TryLock(stripe, exclusive: true)) return null;
            s.Exclusive = true;
        }
        return new Exclusive(this, stripe);
    }

    void Release(int stripe)
    {
        var s = _stripes[stripe];
        lock (s)
        {
            if (s.Pins == 0) return;
            if (--s.Pins == 0) _kernel.Unlock(stripe);
        }
    }

    void ReleaseExclusive(int stripe)
    {
        var s = _stripes[stripe];
        lock (s)
        {
            if (!s.Exclusive) return;
            s.Exclusive = false;
            _kernel.Unlock(stripe);
        }
    }

    public void Dispose() => _kernel.Dispose();

    sealed class Pin(PinLocks owner, int stripe) : IDisposable
    {
        int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(stripe);
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
