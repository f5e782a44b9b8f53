using System.Net.Sockets;
using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Storage;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>A host name that DNS says does not exist fails at once; a DNS server that does not answer is retried.</summary>
public class HostNotFoundTests
{
    static readonly RetryPolicy Fast = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) };

    /// <summary>The transport's exception as it comes out of the retry layer, classified as every store classifies it.</summary>
    static async Task<(int Calls, StoreException Error)> Run(SocketError dns)
    {
        var calls = 0;
        var raw = await Assert.ThrowsAsync<HttpRequestException>(() => Fast.RunAsync<int>(_ =>
        {
            calls++;
            throw new HttpRequestException("Name or service not known (nohost.invalid:80)", new SocketException((int)dns));
        }, "'http://nohost.invalid/x.jpg'", NullLog.Instance, CancellationToken.None));
        return (calls, RetryPolicy.Classify(raw)!);
    }

    [Fact]
    public async Task AHostThatDoesNotResolveIsAskedOnce()
    {
        var (calls, e) = await Run(SocketError.HostNotFound);
        Assert.Equal(1, calls);
        Assert.Equal(StoreErrorKind.HostNotFound, e.Kind);
        Assert.False(e.IsTransient);
        Assert.Contains("does not resolve", e.Message);
    }

    [Fact]
    public async Task ADnsServerThatDoesNotAnswerIsRetried()
    {
        var (calls, e) = await Run(SocketError.TryAgain);
        Assert.Equal(Fast.MaxAttempts, calls);
        Assert.True(e.IsTransient);
    }
}
