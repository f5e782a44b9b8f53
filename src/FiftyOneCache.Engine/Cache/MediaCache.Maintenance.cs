namespace FiftyOneCache.Engine.Cache;

public sealed partial class MediaCache
{
    /// <summary>Walks media/ (every cached file lives there); relative paths of cached files, temp files excluded.</summary>
    IEnumerable<(string Rel, FileInfo Info)> FilesOnDisk(Action<string>? onTemp = null)
    {
        var media = new DirectoryInfo(Path.Combine(Config.CacheDir, Storage.StoreLayout.MediaDir));
        if (!media.Exists) yield break;
        foreach (var f in media.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (Downloader.IsTempName(f.Name)) { onTemp?.Invoke(f.FullName); continue; }
            yield return (Path.GetRelativePath(Config.CacheDir, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), f);
        }
    }

    /// <summary>Rebuilds the index from the files on disk (the source is recovered from the layout).</summary>
    public int Rebuild()
    {
        Index.Clear();
        var rows = FilesOnDisk().Select(f => (f.Rel, SourceFromRelative(f.Rel), f.Info.Length,
                                               new DateTimeOffset(f.Info.LastAccessTimeUtc).ToUnixTimeMilliseconds())).ToList();
        Index.BulkAdopt(rows);
        return rows.Count;
    }

    /// <summary>Best-effort source URI for a file found on disk (exact for keys that needed no escaping).</summary>
    public static string SourceFromRelative(string rel)
    {
        var parts = rel.Split('/');
        if (parts.Length < 2 || parts[0] != Storage.StoreLayout.MediaDir) return rel;
        static string Unescape(string s) => s.Contains('%') ? Uri.UnescapeDataString(s) : s;
        return Storage.StoreLayout.SourceOf(parts.Skip(1).Select(Unescape).ToList()) ?? rel;
    }

    /// <summary>Compares index and files; with <paramref name="repair"/> makes them agree and removes orphaned temp files.</summary>
    public VerifyReport Verify(bool repair, CancellationToken ct = default)
    {
        Index.FlushTouches();
        var report = new VerifyReport { CacheDir = Config.CacheDir };
        var temps = new List<string>();
        var onDisk = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (rel, info) in FilesOnDisk(temps.Add))
        {
            ct.ThrowIfCancellationRequested();
            onDisk[rel] = info.Length;
        }
        report.FilesOnDisk = onDisk.Count;
        foreach (var e in Index.All())
        {
            ct.ThrowIfCancellationRequested();
            if (e.State == IndexEntry.Pending) { onDisk.Remove(e.Path); continue; }
            report.IndexedEntries++;
            if (!onDisk.Remove(e.Path, out var size))
            {
                report.MissingFiles++;
                report.Problems.Add($"indexed but missing on disk: {e.Path}");
                if (repair) Index.Remove(e.Path);
            }
            else if (size != e.Size)
            {
                report.SizeMismatches++;
                report.Problems.Add($"size differs (index {e.Size}, disk {size}): {e.Path}");
                if (repair) Index.Adopt(e.Path, e.Source, size, e.LastAccessMs);
            }
        }
        foreach (var (rel, size) in onDisk)
        {
            report.UnindexedFiles++;
            report.Problems.Add($"on disk but not indexed: {rel}");
            if (repair) Index.Adopt(rel, SourceFromRelative(rel), size, IndexEntryClock.Now);
        }
        foreach (var temp in temps)
        {
            var rel = Path.GetRelativePath(Config.CacheDir, temp).Replace(Path.DirectorySeparatorChar, '/');
            report.TempFiles++;
            report.Problems.Add($"temporary file: {rel}");
            if (repair && Index.PendingEntries().All(p => Downloader.TempPathFor(FullPathOf(p.Path)) != temp))
                Downloader.TryDelete(temp);
        }
        report.Repaired = repair;
        return report;
    }
}

static class IndexEntryClock
{
    public static long Now => CacheIndex.Now();
}
