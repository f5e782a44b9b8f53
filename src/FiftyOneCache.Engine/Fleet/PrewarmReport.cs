using System.Text.Json;

namespace FiftyOneCache.Engine.Fleet;

/// <summary>One failed item of a fleet prewarm: its source (the remote item, as on every result), error and the log
/// (task) that reported it.</summary>
public sealed class PrewarmFailure
{
    public string Source { get; init; } = "";
    public string? Error { get; init; }
    public string? ErrorId { get; init; }
    public string LogFile { get; init; } = "";

    public override string ToString() => $"{Source}: {ErrorId}";
}

/// <summary>One task's log (one shard): its summary lines added up.</summary>
public sealed class PrewarmShard
{
    public string LogFile { get; init; } = "";
    public string? Shard { get; init; }
    public string? Host { get; init; }
    public long Total { get; init; }
    public long Downloaded { get; init; }
    public long Cached { get; init; }
    public long Failed { get; init; }
    public long Bytes { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>False when the log has items but no summary line: the task died or is still running.</summary>
    public bool Completed { get; init; }

    public override string ToString() =>
        $"{Shard ?? System.IO.Path.GetFileName(LogFile)}{(Host is null ? "" : "@" + Host)} {Sizes.Duration(Duration)}";
}

/// <summary>Many -LogPath JSON-lines files (one per task of a fleet prewarm) merged into one view.</summary>
public sealed class PrewarmReport
{
    public int LogFiles { get; init; }
    public int Runs { get; init; }
    public long Total { get; init; }
    public long Downloaded { get; init; }
    public long Cached { get; init; }
    public long Failed { get; init; }
    public long Bytes { get; init; }
    /// <summary>The longest task's duration: how long the fleet took, the tasks running side by side.</summary>
    public TimeSpan Duration { get; init; }
    public double BytesPerSecond { get; init; }
    /// <summary>Logs with items but no summary (task died, or still running).</summary>
    public IReadOnlyList<string> Incomplete { get; init; } = Array.Empty<string>();
    public IReadOnlyList<PrewarmFailure> Failures { get; init; } = Array.Empty<PrewarmFailure>();
    /// <summary>The slowest tasks first.</summary>
    public IReadOnlyList<PrewarmShard> SlowestShards { get; init; } = Array.Empty<PrewarmShard>();
    /// <summary>Lines that were not JSON objects of the log's format (a torn last line of a killed task, say).</summary>
    public long UnreadableLines { get; init; }

    /// <summary>Reads and merges the logs; <paramref name="slowest"/> bounds SlowestShards.</summary>
    public static PrewarmReport Merge(IEnumerable<string> logFiles, int slowest = 5)
    {
        var shards = new List<PrewarmShard>();
        var failures = new List<PrewarmFailure>();
        var incomplete = new List<string>();
        long unreadable = 0;
        var runs = 0;
        foreach (var file in logFiles)
        {
            long total = 0, downloaded = 0, cached = 0, failed = 0, bytes = 0, items = 0;
            double ms = 0;
            var summaries = 0;
            string? shard = null, host = null;
            foreach (var line in ReadLinesShared(file))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                JsonElement o;
                try { o = JsonDocument.Parse(line).RootElement; }
                catch (JsonException) { unreadable++; continue; }
                if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("type", out var type)) { unreadable++; continue; }
                switch (type.GetString())
                {
                    case "item":
                        items++;
                        if (Str(o, "status") == "Failed")
                            failures.Add(new PrewarmFailure { Source = Str(o, "path") ?? "", Error = Str(o, "error"), ErrorId = Str(o, "errorId"), LogFile = file });
                        break;
                    case "summary":
                        summaries++;
                        total += Long(o, "total"); downloaded += Long(o, "downloaded"); cached += Long(o, "cached");
                        failed += Long(o, "failed"); bytes += Long(o, "bytes");
                        ms += o.TryGetProperty("durationMs", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0;
                        shard = Str(o, "shard") ?? shard; host = Str(o, "host") ?? host;
                        break;
                    default: unreadable++; break;
                }
            }
            runs += summaries;
            if (summaries == 0 && items > 0) incomplete.Add(file);
            shards.Add(new PrewarmShard
            {
                LogFile = file, Shard = shard, Host = host, Total = total, Downloaded = downloaded, Cached = cached, Failed = failed,
                Bytes = bytes, Duration = TimeSpan.FromMilliseconds(ms), Completed = summaries > 0,
            });
        }
        var duration = shards.Count == 0 ? TimeSpan.Zero : shards.Max(s => s.Duration);
        var allBytes = shards.Sum(s => s.Bytes);
        return new PrewarmReport
        {
            LogFiles = shards.Count, Runs = runs,
            Total = shards.Sum(s => s.Total), Downloaded = shards.Sum(s => s.Downloaded), Cached = shards.Sum(s => s.Cached),
            Failed = shards.Sum(s => s.Failed), Bytes = allBytes, Duration = duration,
            BytesPerSecond = duration > TimeSpan.Zero ? Math.Round(allBytes / duration.TotalSeconds) : 0,
            Incomplete = incomplete, Failures = failures, UnreadableLines = unreadable,
            SlowestShards = shards.OrderByDescending(s => s.Duration).Take(Math.Max(0, slowest)).ToList(),
        };
    }

    /// <summary>A task that is still appending to its log does not stop the report from reading it.</summary>
    static IEnumerable<string> ReadLinesShared(string file)
    {
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line) yield return line;
    }

    static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long Long(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
