using Microsoft.Data.Sqlite;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Group commit for index writes. The first writer to arrive becomes the committer; writes that arrive before it
/// commits, or while it commits, go together in its next transaction. The committer does not commit on the caller's
/// thread: it queues the commit at the back of the thread pool's global queue, behind the downloads already waiting
/// to run, which reach their own reservations and completions first and join the same transaction. Committed at once
/// on the caller's thread, a commit was nearly always alone (it is far shorter than a download): measured on 4,000
/// small objects, 6.4 WAL frames and 12.3 fcntl calls per object then, 2.8 and 5.3 with the queueing (bench/README.md,
/// scenario 8). Each caller's task completes only after its own write is committed, so crash safety is that of a
/// single write.
/// </summary>
internal sealed class GroupCommit(Action<IReadOnlyList<Action<SqliteTransaction>>> runBatch)
{
    readonly object _gate = new();
    List<(Action<SqliteTransaction> Op, TaskCompletionSource Done)> _queue = new();
    bool _committing;

    public Task Enqueue(Action<SqliteTransaction> op)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_gate)
        {
            _queue.Add((op, done));
            lead = !_committing;
            if (lead) _committing = true;
        }
        if (lead) ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
        return done.Task;
    }

    void Drain()
    {
        while (true)
        {
            List<(Action<SqliteTransaction> Op, TaskCompletionSource Done)> batch;
            lock (_gate)
            {
                if (_queue.Count == 0) { _committing = false; return; }
                batch = _queue;
                _queue = new();
            }
            try
            {
                runBatch(batch.ConvertAll(b => b.Op));
                foreach (var b in batch) b.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One bad write must not fail its neighbours: replay them one transaction each.
                foreach (var b in batch)
                {
                    try { runBatch(new[] { b.Op }); b.Done.TrySetResult(); }
                    catch (Exception e) { b.Done.TrySetException(e); }
                }
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }
}
