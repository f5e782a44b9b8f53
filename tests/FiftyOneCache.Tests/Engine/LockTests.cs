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
}
