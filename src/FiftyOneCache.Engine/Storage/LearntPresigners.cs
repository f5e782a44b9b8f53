using System.Collections.Concurrent;

namespace FiftyOneCache.Engine.Storage;

/// <summary>
/// The learn-then-sign rule every SigV4 store shares: per bucket (<typeparamref name="TBucket"/>: whatever decides the
/// endpoint and region), the store's SDK signs the first plain key, <see cref="SigV4Presigner.Learn"/> checks that the
/// module's signature of it is the SDK's byte for byte, and from then on the module signs that bucket's plain keys
/// itself. A bucket whose URL could not be reproduced, other keys, and anonymous access stay with the SDK.
/// </summary>
internal sealed class LearntPresigners<TBucket> where TBucket : notnull
{
    readonly ConcurrentDictionary<TBucket, SigV4Presigner?> _learnt = new();

    /// <param name="credentials">What the SDK signs with; null when nothing is signed (anonymous) or not a plain key.</param>
    /// <param name="sdkPresign">The SDK's presigned GET of <paramref name="key"/>.</param>
    public async Task<Uri> PresignAsync(TBucket bucket, string key, SigningCredentials? credentials, Func<Task<string>> sdkPresign)
    {
        var plain = credentials is not null && SigV4Presigner.IsPlainKey(key);
        if (plain && _learnt.TryGetValue(bucket, out var presigner) && presigner is not null)
            return new Uri(presigner.Presign(key, credentials!, DateTime.UtcNow));
        var url = await sdkPresign().ConfigureAwait(false);
        if (plain) _learnt.TryAdd(bucket, SigV4Presigner.Learn(url, key, credentials!));
        return new Uri(url);
    }

    /// <summary>Whether the bucket's first URL was tried (learnt or not).</summary>
    public bool Tried(TBucket bucket) => _learnt.ContainsKey(bucket);

    /// <summary>A presigned PUT of a plain key of a bucket whose form was learnt; null otherwise (the SDK does it).</summary>
    public Uri? PresignPut(TBucket bucket, string key, SigningCredentials credentials) =>
        SigV4Presigner.IsPlainKey(key) && _learnt.TryGetValue(bucket, out var presigner) && presigner is not null
            ? new Uri(presigner.Presign(key, credentials, DateTime.UtcNow, "PUT")) : null;
}
