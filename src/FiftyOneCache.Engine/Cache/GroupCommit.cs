using Microsoft.Data.Sqlite;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// Group commit for index writes. The first writer to arrive commits; writes that arrive while it commits queue
/// up and go together in the next transaction, which the same writer runs before it returns. Under load one
/// SQLite commit (its WAL append and its POSIX locks) serves many downloads; alone, a write commits at once.
/// Each caller's task completes only after its own write is committed, so crash safety is that of a single write.
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
        if (lead) Drain();
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
