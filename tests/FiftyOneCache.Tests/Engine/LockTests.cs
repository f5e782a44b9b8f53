using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Tests.Infrastructure;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

public class LockTests
{
    [Fact]
    public async Task OneHolderAtATimeAndWaitersGetItAfterRelease()
    {
        using var dir = new TempDir();
        var locks = new ObjectLocks(dir.Sub("locks"));
        var held = await locks.AcquireAsync("s3/b/k", CancellationToken.None);
        Assert.Null(locks.TryAcquire("s3/b/k"));
        var waiter = locks.AcquireAsync("s3/b/k", CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiter.IsCompleted);
        held.Dispose();
        using var second = await waiter.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(second);
    }

    [Fact]
    public async Task WaitingIsCancellable()
    {
        using var dir = new TempDir();
        var locks = new ObjectLocks(dir.Sub("locks"));
        using var held = await locks.AcquireAsync("k", CancellationToken.None);
        using var cts = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("k", cts.Token));
        Assert.Null(locks.TryAcquire("k"));
    }

    [Fact]
    public void TheLockIsAKernelLockThatAnotherOpenCannotTake()
    {
        using var dir = new TempDir();
        var a = new ObjectLocks(dir.Sub("locks"));
        var b = new ObjectLocks(dir.Sub("locks")); // a second instance shares no in-process state: only the file lock stops it
        using var held = a.TryAcquire("same");
        Assert.NotNull(held);
        Assert.Null(b.TryAcquire("same"));
    }

    [Fact]
    public async Task LocksCreateNoFilePerObject()
    {
        // One new inode per download was the largest kernel cost of a fresh cache (ext4 inode allocation).
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        using var locks = new ObjectLocks(dir.Sub("locks"));
        for (var i = 0; i < 500; i++)
        {
            using var held = await locks.AcquireAsync($"s3/bucket/key{i}", CancellationToken.None);
        }
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.Sub("locks"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void ReleasingOneLockLeavesTheOthersHeld()
    {
        using var dir = new TempDir();
        using var a = new ObjectLocks(dir.Sub("locks"));
        using var b = new ObjectLocks(dir.Sub("locks"));
        var one = a.TryAcquireStripe(1);
        using var two = a.TryAcquireStripe(2);
        Assert.NotNull(one);
        one!.Dispose();
        using var oneAgain = b.TryAcquireStripe(1);
        Assert.NotNull(oneAgain);
        Assert.Null(b.TryAcquireStripe(2));
    }

    [Fact]
    public async Task APinAnywhereKeepsEvictionOffItsStripeUntilReleased()
    {
        using var dir = new TempDir();
        using var pinner = new PinLocks(dir.Sub("pins"));
        using var evictor = new PinLocks(dir.Sub("pins")); // another instance: only the kernel lock speaks between them
        var first = await pinner.PinAsync("media/s3/b/k", CancellationToken.None);
        var second = await pinner.PinAsync("media/s3/b/k", CancellationToken.None);
        Assert.Null(evictor.TryExclusive("media/s3/b/k"));
        first.Dispose();
        Assert.Null(evictor.TryExclusive("media/s3/b/k")); // one pin still lives
        second.Dispose();
        using (var deleting = evictor.TryExclusive("media/s3/b/k"))
        {
            Assert.NotNull(deleting);
            Assert.Null(evictor.TryExclusive("media/s3/b/k"));
            var waiting = pinner.PinAsync("media/s3/b/k", CancellationToken.None).AsTask();
            await Task.Delay(50);
            Assert.False(waiting.IsCompleted); // a pin waits while an eviction deletes on its stripe
            deleting!.Dispose();
            using var pin = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public void StripesSpreadOverSeveralLockFilesStayDistinctAndShared()
    {
        // Pins keep 64 stripes to a lock file (PinLocks.StripesPerFile): each stripe must still be its own lock, the
        // same one in every instance, whichever file and byte it lands on.
        using var dir = new TempDir();
        using var a = StripeLockSet.Open(dir.Sub("pins"), s => Path.Combine(dir.Sub("pins"), $"{s}.pin"), PinLocks.StripesPerFile);
        using var b = StripeLockSet.Open(dir.Sub("pins"), s => Path.Combine(dir.Sub("pins"), $"{s}.pin"), PinLocks.StripesPerFile);
        int[] held = [0, 63, 64, 65, 130, PinLocks.Stripes - 1];
        foreach (var s in held) Assert.True(a.TryLock(s, exclusive: false), $"stripe {s}");
        foreach (var s in held)
        {
            Assert.False(b.TryLock(s, exclusive: true), $"stripe {s} pinned in the other instance");
            Assert.True(b.TryLock(s, exclusive: false), $"stripe {s} shared");
            b.Unlock(s);
        }
        foreach (var s in new[] { 1, 62, 66, 128, 129, 131, PinLocks.Stripes - 2 })
        {
            Assert.True(b.TryLock(s, exclusive: true), $"stripe {s} is free: no other stripe's pin may hold it");
            b.Unlock(s);
        }
        a.Unlock(64);
        Assert.True(b.TryLock(64, exclusive: true));
        Assert.False(b.TryLock(0, exclusive: true)); // releasing 64 released only 64
    }
}
