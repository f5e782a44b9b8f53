using System.Collections.Concurrent;
using FiftyOneCache.Engine.Cache;
using Microsoft.Data.Sqlite;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// The index's group commit: writes that arrive while the committer waits its turn share its transaction, every
/// caller's task ends only once its own write has run, and one bad write does not fail its neighbours.
/// </summary>
public class GroupCommitTests
{
    /// <summary>A stand-in for the SQLite commit: records each transaction's writes and takes as long as a commit.</summary>
    sealed class Recorder
    {
        public readonly ConcurrentQueue<int> Batches = new();
        public void Run(IReadOnlyList<Action<SqliteTransaction>> ops)
        {
            Thread.Sleep(5);
            foreach (var op in ops) op(null!);
            Batches.Enqueue(ops.Count);
        }
    }

    [Fact]
    public async Task WritesQueuedWhileTheCommitterWaitsShareItsTransaction()
    {
        var rec = new Recorder();
        var group = new GroupCommit(rec.Run);
        var done = new bool[32];
        // One thread writes 32 times without waiting, as 32 downloads reaching their completions one after another
        // would. Committed on the writer's own thread, each of them was a transaction of its own.
        var tasks = Enumerable.Range(0, done.Length).Select(i => group.Enqueue(_ => done[i] = true)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(done, Assert.True);
        Assert.Equal(done.Length, rec.Batches.Sum());
        Assert.True(rec.Batches.Count <= 4, $"{rec.Batches.Count} transactions for {done.Length} writes: {string.Join(",", rec.Batches)}");
    }

    [Fact]
    public async Task ACallerIsToldOnlyOnceItsWriteRanAndABadWriteFailsAlone()
    {
        var rec = new Recorder();
        var group = new GroupCommit(ops =>
        {
            foreach (var op in ops) op(null!); // throws for the bad one: the batch is replayed a write at a time
            rec.Batches.Enqueue(ops.Count);
        });
        var ran = new ConcurrentBag<int>();
        var tasks = Enumerable.Range(0, 8).Select(i => group.Enqueue(_ =>
        {
            if (i == 3) throw new InvalidOperationException("bad write");
            ran.Add(i);
        })).ToArray();
        var bad = await Assert.ThrowsAsync<InvalidOperationException>(() => tasks[3].WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("bad write", bad.Message);
        foreach (var i in new[] { 0, 1, 2, 4, 5, 6, 7 })
        {
            await tasks[i].WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains(i, ran);
        }
    }
}
