using System.Threading.Channels;

namespace FiftyOneCache.Engine.Operations;

/// <summary>One outcome of a run: the input, and its result or the failure that is reported for it alone.</summary>
public readonly record struct Outcome<TIn, TOut>(TIn Input, TOut? Result, Exception? Error);

/// <summary>
/// The worker pool of the operations: up to <c>workers</c> items at once, outcomes streamed back in completion
/// order for the cmdlet to write on its own thread. A failed item is an outcome, not the end of the run.
/// </summary>
public static class OperationRunner
{
    public static ChannelReader<Outcome<TIn, TOut>> Run<TIn, TOut>(IEnumerable<TIn> items, int workers,
        Func<TIn, CancellationToken, Task<TOut>> work, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<Outcome<TIn, TOut>>(new BoundedChannelOptions(Math.Max(16, workers * 2)) { SingleReader = true });
        _ = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = ct }, async (item, token) =>
                {
                    Outcome<TIn, TOut> o;
                    try { o = new(item, await work(item, token).ConfigureAwait(false), null); }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested) { o = new(item, default, e); }
                    await channel.Writer.WriteAsync(o, token).ConfigureAwait(false);
                }).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        }, CancellationToken.None);
        return channel.Reader;
    }
}
