// Engine-side benchmark helpers. Every command prints one JSON object on its last line.
//   seed --cache DIR --count N [--files N] [--size B] [--list FILE]
//        N index rows for s3://bench/hits/<i>.jpg (CacheIndex.BulkAdopt), the first --files of them as real files of
//        --size bytes at their cache paths; --list writes the source paths, one a line.
//   hits --cache DIR --list FILE    engine-only rate of MediaCache.Process (ordered, cache hits) over the list
//   stats --cache DIR               MediaCache.Open + GetStats(), timed
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Engine.Paths;

string Arg(string name, string? dflt = null)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : dflt ?? throw new ArgumentException($"{name} is required");
}
void Emit(object o) => Console.WriteLine(JsonSerializer.Serialize(o));
CacheConfig Config(string dir) => new() { CacheDir = Path.GetFullPath(dir), CacheSizeBytes = CacheConfig.Unlimited, NumWorkers = Environment.ProcessorCount };
static string Source(long i) => $"s3://bench/hits/{i / 1000:d4}/{i:d7}.jpg";

switch (args.FirstOrDefault())
{
    case "seed":
    {
        var dir = Arg("--cache");
        var count = long.Parse(Arg("--count"));
        var files = long.Parse(Arg("--files", count.ToString()));
        var size = int.Parse(Arg("--size", "16"));
        var sw = Stopwatch.StartNew();
        using var cache = MediaCache.Open(Config(dir));
        var content = new byte[size];
        Random.Shared.NextBytes(content);
        var rels = new string[count];
        for (long i = 0; i < count; i++) rels[i] = cache.RelativePathOf(cache.Parser.Parse(Source(i)));
        // Real files first (directories of 1,000), in parallel: the disk, not one thread, sets the pace.
        for (long i = 0; i < files; i += 1000) Directory.CreateDirectory(Path.GetDirectoryName(cache.FullPathOf(rels[i]))!);
        Parallel.For(0L, files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => File.WriteAllBytes(cache.FullPathOf(rels[i]), content));
        var filesSeconds = sw.Elapsed.TotalSeconds;
        var now = CacheIndex.Now();
        // The index of the cache opened above (a second connection: the engine keeps its own parts internal).
        using (var index = new CacheIndex(Path.Combine(cache.Config.CacheDir, CacheLayout.MetaDir, "index.db")))
            index.BulkAdopt(Enumerable.Range(0, (int)count).Select(i => (rels[i], Source(i), (long)size, now - (count - i))));
        if (args.Contains("--list"))
            File.WriteAllLines(Arg("--list"), Enumerable.Range(0, (int)count).Select(i => Source(i)));
        Emit(new { count, files, size, filesSeconds, totalSeconds = sw.Elapsed.TotalSeconds });
        break;
    }
    case "hits":
    {
        var paths = File.ReadAllLines(Arg("--list"));
        using var cache = MediaCache.Open(Config(Arg("--cache")));
        double Run()
        {
            var sw = Stopwatch.StartNew();
            var input = Channel.CreateUnbounded<WorkItem>();
            for (var i = 0; i < paths.Length; i++) input.Writer.TryWrite(new WorkItem(i, paths[i]));
            input.Writer.Complete();
            using var run = cache.Process(input.Reader, new ProcessOptions { Ordered = true }, null, CancellationToken.None);
            var results = run.Results;
            long ok = 0;
            while (results.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (results.TryRead(out var r)) { if (r.Status == ItemStatus.Cached) ok++; run.Taken(r); }
            if (ok != paths.Length) throw new InvalidOperationException($"{ok} of {paths.Length} were cache hits");
            return paths.Length / sw.Elapsed.TotalSeconds;
        }
        var first = Run();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var runs = new[] { Run(), Run(), Run() }.Order().ToArray();
        // CPU per hit (all threads, user + system) over the three timed runs: steadier than a rate on a busy machine.
        var cpuMicrosPerHit = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / (3.0 * paths.Length);
        var lookups = Stopwatch.StartNew();
        foreach (var p in paths) cache.LocalPathOf(p);
        Emit(new { count = paths.Length, first, median = runs[1], cpuMicrosPerHit, pathOnlyRate = paths.Length / lookups.Elapsed.TotalSeconds });
        break;
    }
    case "stats":
    {
        var sw = Stopwatch.StartNew();
        using var cache = MediaCache.Open(Config(Arg("--cache")));
        var open = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var s = cache.GetStats();
        var first = sw.Elapsed.TotalMilliseconds;
        var times = Enumerable.Range(0, 5).Select(_ => { var t = Stopwatch.StartNew(); cache.GetStats(); return t.Elapsed.TotalMilliseconds; }).Order().ToArray();
        Emit(new { count = s.CurrentCount, bytes = s.CurrentSize, openMs = open, firstMs = first, medianMs = times[2] });
        break;
    }
    default:
        Console.Error.WriteLine("usage: FocBench seed|hits|stats ...");
        return 2;
}
return 0;
