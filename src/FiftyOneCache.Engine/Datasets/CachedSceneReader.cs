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
        if (m.IsLocal) return ReadText(m.Key);
        var item = cache.Item(m);
        // A file at its final cache path is complete: downloads are renamed there only once verified.
        if (!allowFetch) return File.Exists(item.LocalPath) ? ReadText(item.LocalPath) : null;
        // The scene was just sent down the command's own pipeline: give it a moment to start, so that the pipeline
        // downloads (and reports) it and this only waits for it. If it has not started by then (its read-ahead
        // window is full), fetch it here rather than wait on the consumer this thread is serving.
        var deadline = Environment.TickCount64 + 500;
        while (!File.Exists(item.LocalPath) && cache.Index.Get(item.Relative) is not { State: IndexEntry.Pending }
               && Environment.TickCount64 < deadline)
            Task.Delay(10, ct).GetAwaiter().GetResult();
        try
        {
            // The one entry point per object: if the command's own pipeline is downloading the scene, this waits on
            // the object's lock and finds it cached; the pin keeps it there while it is read.
            var outcome = item.GetAsync(new ItemRequest(Hold: true), null, ct).GetAwaiter().GetResult();
            using (outcome.Lease) return ReadText(outcome.LocalPath);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception) { return null; } // the scene's own item reports why it failed
    }

    static string? ReadText(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
