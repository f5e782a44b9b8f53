using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// The crash-safe cache index: SQLite in WAL mode shared by every process using the cache. Totals are kept by
/// triggers so that statistics never walk the table; pending rows reserve space for downloads in flight.
/// </summary>
public sealed class CacheIndex : IDisposable
{
    readonly IndexDatabase _sql;
    readonly ConcurrentDictionary<string, long> _touches = new(StringComparer.Ordinal);
    // Hits answered without reading their row (CacheItem's path-only hits): what adopting the file takes, should the
    // flush find no row to touch.
    readonly ConcurrentDictionary<string, (string Source, string FullPath)> _unread = new(StringComparer.Ordinal);
    readonly GroupCommit _group;

    public CacheIndex(string dbPath)
    {
        DbPath = dbPath;
        _sql = new IndexDatabase(dbPath);
        WasCreated = _sql.Created;
        Meta = new IndexMeta(_sql);
        _group = new GroupCommit(RunBatch);
    }

    public string DbPath { get; }

    /// <summary>True when this open created the index (first use, or the file was lost): rebuild from the files.</summary>
    public bool WasCreated { get; }

    /// <summary>Facts about the cache as a whole (layout version, migration journal).</summary>
    public IndexMeta Meta { get; }

    public IndexEntry? Get(string path)
    {
        lock (_sql.Gate)
        {
            var cmd = _sql.Prepared("SELECT path, source, size, etag, checksum, last_access, created, state FROM entries WHERE path = $p");
            cmd.Parameters.AddWithValue("$p", path);
            using var r = cmd.ExecuteReader();
            return r.Read() ? Read(r) : null;
        }
    }

    const string ReserveSql = """
        INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
        VALUES ($p, $s, $z, NULL, NULL, $t, $t, 0)
        ON CONFLICT(path) DO UPDATE SET state = 0, size = excluded.size, source = excluded.source
        """;

    const string CompleteSql = """
        INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
        VALUES ($p, $s, $z, $e, $c, $t, $t, 1)
        ON CONFLICT(path) DO UPDATE SET state = 1, size = excluded.size, source = excluded.source,
            etag = excluded.etag, checksum = excluded.checksum, last_access = excluded.last_access
        """;

    /// <summary>Creates or marks a row pending, reserving <paramref name="size"/> bytes before a download.</summary>
    public void Reserve(string path, string source, long size) =>
        ReserveAsync(path, source, size).GetAwaiter().GetResult();

    /// <summary>
    /// <see cref="Reserve"/> through the group commit: reservations and completions that arrive while another
    /// commit runs share the next transaction, so N concurrent downloads cost one commit, not N. The task ends
    /// when the row is committed (visible to every process).
    /// </summary>
    public Task ReserveAsync(string path, string source, long size)
    {
        var now = Now();
        return _group.Enqueue(tx =>
        {
            var cmd = _sql.Prepared(ReserveSql, tx);
            cmd.Parameters.AddWithValue("$p", path);
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$z", size);
            cmd.Parameters.AddWithValue("$t", now);
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>Marks a download complete, recording what the store said the object is.</summary>
    public void Complete(string path, string source, long size, string? etag, string? checksum) =>
        CompleteAsync(path, source, size, etag, checksum).GetAwaiter().GetResult();

    /// <summary><see cref="Complete"/> through the group commit.</summary>
    public async Task CompleteAsync(string path, string source, long size, string? etag, string? checksum)
    {
        var now = Now();
        await _group.Enqueue(tx =>
        {
            var cmd = _sql.Prepared(CompleteSql, tx);
            cmd.Parameters.AddWithValue("$p", path);
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$z", size);
            cmd.Parameters.AddWithValue("$e", (object?)etag ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$c", (object?)checksum ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$t", now);
            cmd.ExecuteNonQuery();
        }).ConfigureAwait(false);
        _touches.TryRemove(path, out _);
        _unread.TryRemove(path, out _);
    }

    /// <summary>Adopts a file found on disk (index rebuilt or a crash between rename and commit).</summary>
    public void Adopt(string path, string source, long size, long lastAccessMs, string? keepEtagIfSize = null)
    {
        lock (_sql.Gate)
        {
            var cmd = _sql.Prepared("""
                INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
                VALUES ($p, $s, $z, NULL, NULL, $t, $t, 1)
                ON CONFLICT(path) DO UPDATE SET state = 1,
                    etag = CASE WHEN entries.size = excluded.size THEN entries.etag ELSE NULL END,
                    checksum = CASE WHEN entries.size = excluded.size THEN entries.checksum ELSE NULL END,
                    size = excluded.size
                """);
            cmd.Parameters.AddWithValue("$p", path);
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$z", size);
            cmd.Parameters.AddWithValue("$t", lastAccessMs);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>A row for a file found at a hit, unless one is there already (a download's reservation stays as it is).</summary>
    void AdoptIfAbsent(string path, string source, long size, long lastAccessMs, SqliteTransaction tx)
    {
        var cmd = _sql.Prepared("""
            INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
            VALUES ($p, $s, $z, NULL, NULL, $t, $t, 1) ON CONFLICT(path) DO NOTHING
            """, tx);
        cmd.Parameters.AddWithValue("$p", path);
        cmd.Parameters.AddWithValue("$s", source);
        cmd.Parameters.AddWithValue("$z", size);
        cmd.Parameters.AddWithValue("$t", lastAccessMs);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs one group of queued writes in a single transaction (called by <see cref="GroupCommit"/>).</summary>
    void RunBatch(IReadOnlyList<Action<SqliteTransaction>> ops)
    {
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: false);
            foreach (var op in ops) op(tx);
            tx.Commit();
        }
    }

    public void Remove(string path)
    {
        lock (_sql.Gate)
        {
            var cmd = _sql.Prepared("DELETE FROM entries WHERE path = $p");
            cmd.Parameters.AddWithValue("$p", path);
            cmd.ExecuteNonQuery();
        }
        _touches.TryRemove(path, out _);
        _unread.TryRemove(path, out _);
    }

    /// <summary>Removes many complete rows in one transaction (one eviction pass: one commit, not one per file).</summary>
    public void RemoveComplete(IReadOnlyCollection<string> paths)
    {
        if (paths.Count == 0) return;
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: false);
            var cmd = _sql.Prepared("DELETE FROM entries WHERE path = $p AND state = 1", tx);
            var p = cmd.Parameters.Add("$p", SqliteType.Text);
            foreach (var path in paths)
            {
                p.Value = path;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        foreach (var path in paths) { _touches.TryRemove(path, out _); _unread.TryRemove(path, out _); }
    }

    /// <summary>Records an access in memory; <see cref="FlushTouches"/> writes them in one transaction.</summary>
    public void Touch(string path) => _touches[path] = Now();

    /// <summary>
    /// <see cref="Touch"/> for a hit whose row was not read: if the flush finds no complete row, the file at
    /// <paramref name="fullPath"/>, if still there, is adopted (a file without a row, as after a lost index).
    /// </summary>
    public void TouchUnread(string path, string source, string fullPath)
    {
        _unread[path] = (source, fullPath);
        _touches[path] = Now();
    }

    public void FlushTouches()
    {
        if (_touches.IsEmpty) return;
        var batch = _touches.ToArray();
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: false);
            using var cmd = _sql.Command("UPDATE entries SET last_access = MAX(last_access, $t) WHERE path = $p AND state = 1", tx);
            var p = cmd.Parameters.Add("$p", SqliteType.Text);
            var t = cmd.Parameters.Add("$t", SqliteType.Integer);
            foreach (var (path, ms) in batch)
            {
                p.Value = path;
                t.Value = ms;
                if (cmd.ExecuteNonQuery() == 0 && _unread.TryGetValue(path, out var unread) && new FileInfo(unread.FullPath) is { Exists: true } file)
                    AdoptIfAbsent(path, unread.Source, file.Length, ms, tx);
            }
            tx.Commit();
        }
        foreach (var (path, ms) in batch)
        {
            _touches.TryRemove(new KeyValuePair<string, long>(path, ms));
            _unread.TryRemove(path, out _);
        }
    }

    /// <summary>Count and bytes of complete entries, and of reservations in flight, without walking the table.</summary>
    public (long Count, long Bytes, long PendingCount, long PendingBytes) Totals()
    {
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: true);
            long count, bytes, pc = 0, pb = 0;
            var c1 = _sql.Prepared("SELECT count, bytes FROM totals WHERE id = 1", tx);
            using (var r = c1.ExecuteReader()) { r.Read(); count = r.GetInt64(0); bytes = r.GetInt64(1); }
            var c2 = _sql.Prepared("SELECT count(*), coalesce(sum(size), 0) FROM entries WHERE state = 0", tx);
            using (var r = c2.ExecuteReader()) { r.Read(); pc = r.GetInt64(0); pb = r.GetInt64(1); }
            tx.Commit();
            return (count - pc, bytes - pb, pc, pb);
        }
    }

    /// <summary>
    /// Complete entries in least-recently-used order, a page at a time: the page after (<paramref name="afterMs"/>,
    /// <paramref name="afterPath"/>), so that a page of entries that cannot go (pinned, busy) is never read twice.
    /// </summary>
    public List<IndexEntry> OldestComplete(int limit, long afterMs = long.MinValue, string afterPath = "")
    {
        lock (_sql.Gate)
        {
            using var cmd = _sql.Command("""
                SELECT path, source, size, etag, checksum, last_access, created, state FROM entries
                WHERE state = 1 AND (last_access > $t OR (last_access = $t AND path > $a)) ORDER BY last_access, path LIMIT $n
                """);
            cmd.Parameters.AddWithValue("$n", limit);
            cmd.Parameters.AddWithValue("$t", afterMs);
            cmd.Parameters.AddWithValue("$a", afterPath);
            return ReadAll(cmd);
        }
    }

    public List<IndexEntry> PendingEntries()
    {
        lock (_sql.Gate)
        {
            using var cmd = _sql.Command("SELECT path, source, size, etag, checksum, last_access, created, state FROM entries WHERE state = 0");
            return ReadAll(cmd);
        }
    }

    /// <summary>Streams every row in path order, in pages, so that a million rows never sit in memory.</summary>
    public IEnumerable<IndexEntry> All(string? sourceLike = null, int page = 5000)
    {
        var after = "";
        while (true)
        {
            List<IndexEntry> rows;
            lock (_sql.Gate)
            {
                using var cmd = _sql.Command($"""
                    SELECT path, source, size, etag, checksum, last_access, created, state FROM entries
                    WHERE path > $a {(sourceLike is null ? "" : "AND source LIKE $l ESCAPE '\\'")} ORDER BY path LIMIT $n
                    """);
                cmd.Parameters.AddWithValue("$a", after);
                cmd.Parameters.AddWithValue("$n", page);
                if (sourceLike is not null) cmd.Parameters.AddWithValue("$l", sourceLike);
                rows = ReadAll(cmd);
            }
            foreach (var r in rows) yield return r;
            if (rows.Count < page) yield break;
            after = rows[^1].Path;
        }
    }

    /// <summary>Inserts many rows in one transaction (bulk rebuild, benchmarks).</summary>
    public void BulkAdopt(IEnumerable<(string Path, string Source, long Size, long LastAccessMs)> rows)
    {
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: false);
            using var cmd = _sql.Command("""
                INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
                VALUES ($p, $s, $z, NULL, NULL, $t, $t, 1)
                ON CONFLICT(path) DO UPDATE SET state = 1, size = excluded.size
                """, tx);
            var p = cmd.Parameters.Add("$p", SqliteType.Text);
            var s = cmd.Parameters.Add("$s", SqliteType.Text);
            var z = cmd.Parameters.Add("$z", SqliteType.Integer);
            var t = cmd.Parameters.Add("$t", SqliteType.Integer);
            foreach (var row in rows)
            {
                p.Value = row.Path; s.Value = row.Source; z.Value = row.Size; t.Value = row.LastAccessMs;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public void Clear()
    {
        lock (_sql.Gate) _sql.Exec("DELETE FROM entries;");
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    static IndexEntry Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetInt32(7));

    static List<IndexEntry> ReadAll(SqliteCommand cmd)
    {
        var list = new List<IndexEntry>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    public void Dispose()
    {
        try { FlushTouches(); } catch { /* best effort on shutdown */ }
        _sql.Dispose();
    }
}
