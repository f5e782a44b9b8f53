using System.Security.Cryptography;
using System.Text;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Cross-process per-object locks. Objects hash onto a fixed set of lock files (stripes) so the lock directory
/// never grows with the cache; each lock is an open file held with FileShare.None, which .NET maps to flock on
/// Unix and a share-mode lock on Windows: the kernel drops it when the process dies, so no lock goes stale.
/// Threads of one process queue on an in-process semaphore first and do not poll each other.
/// </summary>
public sealed class ObjectLocks
{
    public const int Stripes = 1 << 16;
    readonly string _dir;
    readonly SemaphoreSlim?[] _local = new SemaphoreSlim?[Stripes];

    public ObjectLocks(string lockDir)
    {
        _dir = lockDir;
        Directory.CreateDirectory(lockDir);
    }

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

    readonly bool[] _subdirMade = new bool[Stripes >> 8];

    string FileFor(int stripe)
    {
        var sub = Path.Combine(_dir, (stripe >> 8).ToString("x2"));
        if (!Volatile.Read(ref _subdirMade[stripe >> 8])) // one mkdir per sub-directory and process, not one per lock
        {
            Directory.CreateDirectory(sub);
            Volatile.Write(ref _subdirMade[stripe >> 8], true);
        }
        return Path.Combine(sub, $"{stripe:x4}.lock");
    }

    /// <summary>Waits for the object's lock; cancellable so that Ctrl+C is prompt.</summary>
    public async Task<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        var stripe = StripeOf(key);
        var local = Local(stripe);
        await local.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var delay = 5;
            while (true)
            {
                if (TryOpen(stripe) is { } fs) return new Held(local, fs);
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
        if (TryOpen(stripe) is { } fs) return new Held(local, fs);
        local.Release();
        return null;
    }

    FileStream? TryOpen(int stripe, bool again = false)
    {
        try
        {
            return new FileStream(FileFor(stripe), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (DirectoryNotFoundException) when (!again)
        {
            Volatile.Write(ref _subdirMade[stripe >> 8], false); // the lock directory was removed under us: make it again
            return TryOpen(stripe, again: true);
        }
        catch (IOException)
        {
            return null; // held by another process
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    sealed class Held(SemaphoreSlim local, FileStream file) : IDisposable
    {
        int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            file.Dispose();
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
