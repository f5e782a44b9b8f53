namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Pins: a path handed to a consumer is safe from eviction, in this process and in every other one, until the
/// consumer has taken it. A pin is a shared lock (FileShare.ReadWrite: flock LOCK_SH on Unix) on the path's pin
/// stripe, held by this process as long as any of its pins on that stripe lives; eviction anywhere takes the
/// stripe exclusively (LOCK_EX, never waiting) before it deletes, so it skips pinned files, and a pin that
/// arrives during a deletion waits for it and then sees the file gone. Locks die with their process.
/// Pins use their own stripe files, apart from <see cref="ObjectLocks"/>, so a pin never holds up a download.
/// </summary>
public sealed class PinLocks
{
    public const int Stripes = 1 << 12;
    readonly string _dir;
    readonly object _gate = new();
    readonly Dictionary<int, (FileStream Handle, int Count)> _stripes = new();
    readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);

    public PinLocks(string dir)
    {
        _dir = dir;
        Directory.CreateDirectory(dir);
    }

    public static int StripeOf(string key) => ObjectLocks.Stripe(key, Stripes);

    string FileFor(int stripe) => Path.Combine(_dir, $"{stripe:x3}.pin");

    /// <summary>Pins <paramref name="key"/>; waits only while an eviction holds its stripe.</summary>
    public async Task<IDisposable> PinAsync(string key, CancellationToken ct)
    {
        var stripe = StripeOf(key);
        var delay = 1;
        while (true)
        {
            lock (_gate)
            {
                if (_stripes.TryGetValue(stripe, out var held))
                {
                    _stripes[stripe] = (held.Handle, held.Count + 1);
                    _keys[key] = _keys.GetValueOrDefault(key) + 1;
                    return new Pin(this, key, stripe);
                }
                if (Open(stripe, FileShare.ReadWrite) is { } fs)
                {
                    _stripes[stripe] = (fs, 1);
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
            if (_stripes.ContainsKey(stripe)) return null;
            return Open(stripe, FileShare.None);
        }
    }

    FileStream? Open(int stripe, FileShare share)
    {
        try { return new FileStream(FileFor(stripe), FileMode.OpenOrCreate, FileAccess.ReadWrite, share, 1, FileOptions.None); }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(_dir);
            return null; // the caller tries again
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    void Release(string key, int stripe)
    {
        lock (_gate)
        {
            if (_keys.TryGetValue(key, out var n)) { if (n <= 1) _keys.Remove(key); else _keys[key] = n - 1; }
            if (!_stripes.TryGetValue(stripe, out var held)) return;
            if (held.Count > 1) { _stripes[stripe] = (held.Handle, held.Count - 1); return; }
            _stripes.Remove(stripe);
            held.Handle.Dispose();
        }
    }

    sealed class Pin(PinLocks owner, string key, int stripe) : IDisposable
    {
        int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key, stripe);
        }
    }
}
