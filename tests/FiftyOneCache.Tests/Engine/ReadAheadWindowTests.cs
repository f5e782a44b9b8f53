using FiftyOneCache.Engine.Cache;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>The read-ahead window alone: bytes admitted in entry order, never more than one batch, and no deadlock
/// whatever order sizes become known in.</summary>
public class ReadAheadWindowTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(128)]
    public async Task AdmitsInEntryOrderWithinOneBatchAtAnyPoolSize(int pool)
    {
        const int items = 400, size = 1000, batch = 5 * size;
        var window = new ReadAheadWindow(batch, 0);
        var admitted = new List<int>();
        var slots = new ReadAheadWindow.Slot[items];
        var done = new TaskCompletionSource<bool>[items];
        for (var i = 0; i < items; i++) done[i] = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = 0;
        async IAsyncEnumerable<int> Gate()
        {
            for (var i = 0; i < items; i++)
            {
                slots[i] = await window.EnterAsync(default);
                yield return i;
            }
        }
        var producer = Parallel.ForEachAsync(Gate(), new ParallelOptions { MaxDegreeOfParallelism = pool }, async (i, ct) =>
        {
            await Task.Delay(Random.Shared.Next(0, 3), ct); // sizes become known in any order
            await slots[i].AdmitAsync(size, ct);
            lock (admitted) admitted.Add(i);
            done[i].SetResult(true);
        });
        for (var i = 0; i < items; i++) // the consumer, in order, slower than the producer
        {
            var finished = await Task.WhenAny(done[i].Task, Task.Delay(10_000));
            Assert.True(finished == done[i].Task, $"item {i} was never admitted (deadlock)");
            Assert.True(window.Outstanding.Bytes <= batch);
            slots[i].Leave();
            next++;
        }
        await producer;
        admitted.Sort();
        Assert.Equal(Enumerable.Range(0, items), admitted); // every item admitted once (the order is the next test's)
        Assert.True(window.PeakBytes <= batch, $"{window.PeakBytes} bytes admitted at once with a {batch}-byte batch");
    }

    [Fact]
    public async Task AnItemThatFailsBeforeItsSizeIsKnownPassesItsTurn()
    {
        var window = new ReadAheadWindow(2000, 0);
        var a = await window.EnterAsync(default);
        var b = await window.EnterAsync(default);
        var admitB = b.AdmitAsync(1000, default).AsTask();
        await Task.Delay(50);
        Assert.False(admitB.IsCompleted); // b waits for a's turn
        a.Resolve();                      // a failed: it holds no bytes
        Assert.True(await admitB.WaitAsync(TimeSpan.FromSeconds(5)), "b waited for its turn, so AdmitAsync says it waited");
        Assert.Equal(1000, window.Outstanding.Bytes);
        a.Leave();
        b.Leave();
        Assert.Equal((0, 0L), window.Outstanding);
    }
}
