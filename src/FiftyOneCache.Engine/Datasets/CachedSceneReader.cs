using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Paths;

namespace FiftyOneCache.Engine.Datasets;

/// <summary>
/// Reads .fo3d scene files for <see cref="DatasetMediaReader"/> through the cache: a local scene from disk, a cloud
/// one from its cached copy, fetched first when <paramref name="fetch"/> is set (commands that download). Commands
/// that only look (stats, clear) never download a scene: they list the assets of scenes that are cached.
/// </summary>
public sealed class CachedSceneReader(MediaCache cache, bool fetch, CancellationToken ct)
{
    /// <summary>The scene's text if it is local or cached already; never downloads.</summary>
    public string? Peek(string scenePath) => Read(scenePath, allowFetch: false);

    /// <summary>The scene's text, fetched through the cache first when this reader fetches (waiting for a download in flight).</summary>
    public string? Read(string scenePath) => Read(scenePath, fetch);

    string? Read(string scenePath, bool allowFetch)
    {
        MediaRef m;
        try { m = cache.Parser.Parse(scenePath); }
        catch (InvalidMediaPathException) { return null; } // the scene's own item reports the bad path
        var local = m.IsLocal ? m.Key : cache.FullPathOf(cache.RelativePathOf(m));
        // A file at its final cache path is complete: downloads are renamed there only once verified.
        if (!File.Exists(local) && allowFetch && !m.IsLocal) local = Fetch(scenePath) ?? local;
        try { return File.Exists(local) ? File.ReadAllText(local) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    string? Fetch(string scenePath)
    {
        var input = Channel.CreateBounded<WorkItem>(1);
        input.Writer.TryWrite(new WorkItem(0, scenePath));
        input.Writer.Complete();
        // Not pinned beyond its own download: the scene is one of the command's own items as well. If the command's
        // pipeline is downloading it, this waits on the object's lock and finds it cached.
        var results = cache.Process(input.Reader, new ProcessOptions { PinUntilDone = false }, null, ct);
        MediaItemResult? last = null;
        while (results.WaitToReadAsync(ct).AsTask().GetAwaiter().GetResult())
            while (results.TryRead(out var r)) last = r;
        return last is { Status: not ItemStatus.Failed, LocalPath: { } p } ? p : null;
    }
}
