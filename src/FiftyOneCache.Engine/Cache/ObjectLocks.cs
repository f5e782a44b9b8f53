using System.Security.Cryptography;
using System.Text;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Cross-process per-object locks. Objects hash onto a fixed set of stripes so the lock state never grows with
/// the cache; each stripe is a kernel lock (<see cref="StripeLockSet"/>) that the kernel drops when the process
/// dies, so no lock goes stale. Threads of one process queue on an in-process semaphore first and do not poll
/// each other; only a stripe held by another process is polled.
/// </summary>
public sealed class ObjectLocks : IDisposable
{
    public const int Stripes = 1 << 16;
    readonly SemaphoreSlim?[] _local = new SemaphoreSlim?[Stripes];
    readonly StripeLockSet _kernel;

    public ObjectLocks(string lockDir)
    {
        // Where OFD locks are missing, one file per stripe, 256 to a sub-directory.
        _kernel = StripeLockSet.Open(lockDir, stripe => Path.Combine(lockDir, (stripe >> 8).ToString("x2"), $"{stripe:x4}.lock"));
    }

    /// <summary>Told (as debug) when a lock had to be waited for, and for whom: this process or another one.</summary>
    public Diagnostics.IEngineLog Log { get; set; } = Diagnostics.NullLog.Instance;

    public static int StripeOf(string key) => Stripe(key, Stripes);

    /// <summary>The stripe (of a power-of-two <paramref name="count"/> up to 65,536) a key hashes onto, the same in every process.</summary>
    internal static int Stripe(string key, int count)
    {
        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), h);
        return ((h[0] << 8) | h[1]) & (count - 1);
    }

    SemaphoreSlim Local(int stripe)
    {
        var s = Volatile.Read(ref _local[stripe]);
        if (s is not null) return s;
        Interlocked.CompareExchange(ref _local[stripe], new SemaphoreSlim(1, 1), null);
        return _local[stripe]!;
    }

    /// <summary>Waits for the object's lock; cancellable so that Ctrl+C is prompt.</summary>
    public async Task<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        var stripe = StripeOf(key);
        var local = Local(stripe);
        long started = 0;
        if (!local.Wait(0))
        {
            started = System.Diagnostics.Stopwatch.GetTimestamp();
            await local.WaitAsync(ct).ConfigureAwait(false);
            Log.Debug($"waited {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms for the lock of {key} (held by another download in this process)");
        }
        try
        {
            var delay = 5;
            long polled = 0;
            while (true)
            {
                if (_kernel.TryLock(stripe, exclusive: true))
                {
                    if (polled != 0)
                        Log.Debug($"waited {System.Diagnostics.Stopwatch.GetElapsedTime(polled).TotalMilliseconds:F0} ms for the lock of {key} (held by another process)");
                    return new Held(this, local, stripe);
                }
                if (polled == 0) polled = System.Diagnostics.Stopwatch.GetTimestamp();
                await Task.Delay(delay, ct).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 100);
            }
        }
        catch
        {
            local.Release();
            throw;
        }
    }

    /// <summary>Takes the lock only if nobody holds it (eviction and recovery skip busy objects).</summary>
    public IDisposable? TryAcquire(string key) => TryAcquireStripe(StripeOf(key));

    public IDisposable? TryAcquireStripe(int stripe)
    {
        var local = Local(stripe);
        if (!local.Wait(0)) return null;
        if (_kernel.TryLock(stripe, exclusive: true)) return new Held(this, local, stripe);
        local.Release();
        return null;
    }

    public void Dispose() => _kernel.Dispose();

    sealed class Held(ObjectLocks owner, SemaphoreSlim local, int stripe) : IDisposable
    {
        int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            owner._kernel.Unlock(stripe);
            local.Release();
        }
    }
}

/// <summary>A single named cross-process lock (eviction), built on the same mechanism.</summary>
public sealed class NamedLock(string path)
{
    public async Task<IDisposable> AcquireAsync(CancellationToken ct)
    {
        var delay = 5;
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1); }
            catch (IOException) { }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 100);
        }
    }
}
