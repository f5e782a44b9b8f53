using FiftyOneCache.Engine.Diagnostics;
using FiftyOneCache.Engine.Paths;
using FiftyOneCache.Engine.Storage;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// One object's transfer, as the <see cref="Downloader"/> needs it: what to fetch from which store, what the store
/// said it is (the facts the bytes are verified against), where it goes, who hears of the bytes, and a body the
/// caller already opened (a GET that served as the stat), read by the first attempt instead of asking again.
/// </summary>
public sealed class Transfer(IObjectStore store, MediaRef item, RemoteStat stat, string finalPath)
{
    Stream? _opened;

    public IObjectStore Store { get; } = store;
    public MediaRef Item { get; } = item;
    public RemoteStat Stat { get; } = stat;
    public string FinalPath { get; } = finalPath;
    /// <summary>Where the bytes go until they are verified: hidden, beside the final path.</summary>
    public string TempPath { get; } = Downloader.TempPathFor(finalPath);
    /// <summary>The object as messages name it, with no secret in it.</summary>
    public string What { get; } = $"'{Redact.ForDisplay(item.Original)}'";
    /// <summary>Told of every chunk received (and of bytes thrown away, as a negative count, when a retry starts over).</summary>
    public Action<long>? OnBytes { get; init; }
    public ByteRange Whole => new(0, Stat.Size - 1);

    /// <summary>A whole-object body already open; only the first read takes it.</summary>
    public Stream? Opened { init => _opened = value; }

    internal Stream? TakeOpened() => Interlocked.Exchange(ref _opened, null);
}
