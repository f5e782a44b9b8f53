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

    /// <summary>The index entry of one item (a path or URL as a user writes it), or null when it is not cached.</summary>
    public CacheEntry? EntryOf(string path)
    {
        var m = Parser.Parse(path);
        if (m.IsLocal) return null;
        var rel = RelativePathOf(m);
        return Index.Get(rel) is { } e ? CacheEntry.From(e, FullPathOf(rel)) : null;
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

    /// <summary>
    /// Compares index and files. With <paramref name="repair"/> it first makes them agree, then reports the cache as
    /// it is after the repair, with what was done in <see cref="VerifyReport.Repairs"/>. A file whose size differs
    /// from its row is deleted with the row, never adopted: its bytes cannot be vouched for, and the next use
    /// downloads it again. Files without a row are adopted (without an ETag, so -Update checks them again).
    /// </summary>
    public VerifyReport Verify(bool repair, CancellationToken ct = default)
    {
        Index.FlushTouches();
        var fixes = repair ? RepairPass(ct) : null;
        var report = Inspect(ct, out _, out _);
        if (fixes is not null)
        {
            report.Repaired = true;
            report.Repairs.AddRange(fixes);
        }
        return report;
    }

    /// <summary>The check alone: changes nothing.</summary>
    VerifyReport Inspect(CancellationToken ct, out List<(string Rel, long Size)> unindexed, out List<string> temps)
    {
        var report = new VerifyReport { CacheDir = Config.CacheDir };
        var tempFiles = new List<string>();
        var onDisk = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (rel, info) in FilesOnDisk(tempFiles.Add))
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
                report.Problems.Add(new CacheProblem { Kind = CacheProblemKind.MissingFile, RelativePath = e.Path, LocalPath = FullPathOf(e.Path), IndexSize = e.Size });
            }
            else if (size != e.Size)
            {
                report.SizeMismatches++;
                report.Problems.Add(new CacheProblem { Kind = CacheProblemKind.SizeMismatch, RelativePath = e.Path, LocalPath = FullPathOf(e.Path), IndexSize = e.Size, DiskSize = size });
            }
        }
        unindexed = onDisk.Select(kv => (kv.Key, kv.Value)).ToList();
        foreach (var (rel, size) in unindexed)
        {
            report.UnindexedFiles++;
            report.Problems.Add(new CacheProblem { Kind = CacheProblemKind.Unindexed, RelativePath = rel, LocalPath = FullPathOf(rel), DiskSize = size });
        }
        foreach (var temp in tempFiles)
        {
            report.TempFiles++;
            report.Problems.Add(new CacheProblem
            {
                Kind = CacheProblemKind.TempFile, RelativePath = Path.GetRelativePath(Config.CacheDir, temp).Replace(Path.DirectorySeparatorChar, '/'), LocalPath = temp,
            });
        }
        temps = tempFiles;
        return report;
    }

    /// <summary>Makes index and disk agree; each row is changed under its object lock, so no download races it.</summary>
    List<string> RepairPass(CancellationToken ct)
    {
        var fixes = new List<string>();
        Recover();
        foreach (var e in Index.All())
        {
            ct.ThrowIfCancellationRequested();
            if (e.State == IndexEntry.Pending) continue;
            var item = ItemAt(e.Path);
            var fi = new FileInfo(item.LocalPath);
            if (fi.Exists && fi.Length == e.Size) continue;
            // Under the item's locks, the row and file must still disagree as read here (a download may have fixed it).
            long recorded = 0, found = 0;
            var r = item.TryRemove(new RemoveRequest
            {
                Only = (row, file) =>
                {
                    if (row is not { State: IndexEntry.Complete } || (file.Exists && file.Length == row.Size)) return false;
                    (recorded, found) = (row.Size, file.Exists ? file.Length : -1);
                    return true;
                },
            });
            if (r.Outcome != RemoveOutcome.Removed) continue; // pinned or downloading: the next repair sees it again
            fixes.Add(found < 0
                ? $"removed the row of a missing file: {e.Path}"
                : $"deleted a file whose size differs from its record (index {recorded} bytes, disk {found} bytes; downloaded again on next use): {e.Path}");
        }
        Inspect(ct, out var unindexed, out var temps);
        foreach (var (rel, size) in unindexed)
        {
            Index.Adopt(rel, SourceFromRelative(rel), size, IndexEntryClock.Now);
            fixes.Add($"indexed a file found on disk: {rel}");
        }
        var pending = Index.PendingEntries().Select(p => Downloader.TempPathFor(FullPathOf(p.Path))).ToHashSet(StringComparer.Ordinal);
        foreach (var temp in temps)
        {
            if (pending.Contains(temp) || !Downloader.TryDelete(temp)) continue;
            fixes.Add($"deleted a temporary file left by an interrupted download: {Path.GetRelativePath(Config.CacheDir, temp).Replace(Path.DirectorySeparatorChar, '/')}");
        }
        return fixes;
    }
}

static class IndexEntryClock
{
    public static long Now => CacheIndex.Now();
}
