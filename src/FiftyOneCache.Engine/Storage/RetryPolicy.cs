using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Engine.Storage;

/// <summary>Exponential backoff with full jitter that honours the server's Retry-After.</summary>
public sealed class RetryPolicy
{
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Retry-After values above this are treated as permanent failures rather than waited for.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(120);

    public static RetryPolicy Default { get; } = new();

    public TimeSpan DelayFor(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } ra && ra > TimeSpan.Zero) return ra <= MaxRetryAfter ? ra : MaxRetryAfter;
        var cap = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(cap / 2 + Random.Shared.NextDouble() * cap / 2);
    }

    public async Task<T> RunAsync<T>(Func<int, Task<T>> action, string what, IEngineLog log, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await action(attempt).ConfigureAwait(false); }
            // "Changed" is not retried here: the read is pinned to a stat, so asking again gets the same answer; the
            // caller re-stats and starts over instead.
            catch (Exception e) when (!ct.IsCancellationRequested && Classify(e) is { IsTransient: true, Kind: not StoreErrorKind.Changed } se && attempt < MaxAttempts)
            {
                var delay = DelayFor(attempt, se.RetryAfter);
                log.Debug($"{what}: attempt {attempt} failed ({se.Message}); retrying in {delay.TotalMilliseconds:F0} ms");
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Maps transport exceptions to <see cref="StoreException"/>; store exceptions pass through.</summary>
    public static StoreException? Classify(Exception e) => e switch
    {
        StoreException se => se,
        HttpRequestException he when he.StatusCode is { } sc => StoreException.FromStatus((int)sc, "request", he.Message),
        HttpRequestException or IOException or System.Net.Sockets.SocketException
            => new StoreException(StoreErrorKind.Transient, $"connection failed: {e.Message}", e),
        TaskCanceledException tce when tce.InnerException is TimeoutException
            => new StoreException(StoreErrorKind.Transient, "the request timed out", e),
        _ => null,
    };

    public static TimeSpan? ParseRetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? h)
    {
        if (h is null) return null;
        if (h.Delta is { } d) return d;
        if (h.Date is { } date) { var wait = date - DateTimeOffset.UtcNow; return wait > TimeSpan.Zero ? wait : TimeSpan.Zero; }
        return null;
    }
}
