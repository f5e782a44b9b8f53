using System.Text.Json;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Diagnostics;

namespace FiftyOneCache.Cmdlets;

/// <summary>A machine-readable log for ops pipelines: one JSON object per line, appended, flushed per line.</summary>
internal sealed class JsonLinesLog : IDisposable
{
    readonly StreamWriter _writer;

    public JsonLinesLog(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void Item(MediaItemResult r) => Write(new
    {
        time = DateTimeOffset.UtcNow, type = "item", path = Redact.ForDisplay(r.Source), store = r.Store, status = r.Status.ToString(),
        size = r.Size, localPath = r.LocalPath, durationMs = Math.Round(r.Duration.TotalMilliseconds, 1), etag = r.ETag,
        error = r.Error, errorId = r.ErrorId,
    });

    public void Summary(DownloadSummary s) => Write(new
    {
        time = DateTimeOffset.UtcNow, type = "summary", total = s.Total, downloaded = s.Downloaded, cached = s.Cached, failed = s.Failed,
        bytes = s.Bytes, durationMs = Math.Round(s.Duration.TotalMilliseconds, 1), bytesPerSecond = Math.Round(s.BytesPerSecond),
    });

    void Write(object o)
    {
        lock (_writer) _writer.WriteLine(JsonSerializer.Serialize(o));
    }

    public void Dispose() => _writer.Dispose();
}
