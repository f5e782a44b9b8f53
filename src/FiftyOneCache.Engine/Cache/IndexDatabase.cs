using Microsoft.Data.Sqlite;

namespace FiftyOneCache.Engine.Cache;

/// <summary>
/// The SQLite database under the index: opened in WAL mode and owner-only, its schema, the one gate every
/// statement runs under, and the hot statements prepared once (preparing SQL costs more than running these
/// lookups). <see cref="CacheIndex"/> and <see cref="IndexMeta"/> speak to it; nothing else does.
/// </summary>
internal sealed class IndexDatabase : IDisposable
{
    readonly SqliteConnection _db;
    readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    public IndexDatabase(string path)
    {
        var existed = File.Exists(path);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        if (!existed) FilePermissions.OwnerOnlyFile(path);
        Exec("PRAGMA busy_timeout=60000;");
        Exec("PRAGMA journal_mode=WAL;");
        Exec("PRAGMA synchronous=NORMAL;");
        // SQLite's default page cache (2 MB) holds the index of about 15,000 entries: beyond that every lookup of a
        // hit re-read its B-tree pages with pread (4 per hit at 100,000 entries) and a flush of access times spilled
        // pages mid-transaction (3 pwrite per hit). Up to 32 MB, filled only as pages are read.
        Exec("PRAGMA cache_size=-32768;");
        CreateSchema();
        Created = !existed;
    }

    /// <summary>True when this open created the database file.</summary>
    public bool Created { get; }

    /// <summary>Held around every statement and transaction: one connection serves every thread of the process.</summary>
    public object Gate { get; } = new();

    public SqliteTransaction Begin(bool deferred = false) => _db.BeginTransaction(deferred);

    /// <summary>A cached prepared command for <paramref name="sql"/>, parameters cleared; call under <see cref="Gate"/>.</summary>
    public SqliteCommand Prepared(string sql, SqliteTransaction? tx = null)
    {
        if (!_prepared.TryGetValue(sql, out var cmd))
        {
            cmd = Command(sql);
            _prepared[sql] = cmd;
        }
        cmd.Parameters.Clear();
        cmd.Transaction = tx;
        return cmd;
    }

    public SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var c = _db.CreateCommand();
        c.CommandText = sql;
        c.Transaction = tx;
        return c;
    }

    public void Exec(string sql, SqliteTransaction? tx = null)
    {
        using var c = Command(sql, tx);
        c.ExecuteNonQuery();
    }

    void CreateSchema()
    {
        lock (Gate)
        {
            using var tx = Begin();
            Exec("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS entries(
                    path TEXT PRIMARY KEY,
                    source TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    etag TEXT,
                    checksum TEXT,
                    last_access INTEGER NOT NULL,
                    created INTEGER NOT NULL,
                    state INTEGER NOT NULL DEFAULT 1
                ) WITHOUT ROWID;
                DROP INDEX IF EXISTS entries_lru; -- (last_access) alone: a prefix of entries_lru_path, one more write per row
                CREATE INDEX IF NOT EXISTS entries_lru_path ON entries(last_access, path) WHERE state = 1;
                CREATE INDEX IF NOT EXISTS entries_pending ON entries(state) WHERE state = 0;
                -- entries(source): written on every reservation and completion, read by nothing (the one query on
                -- source is a case-insensitive LIKE, which SQLite cannot answer from an ordinary index).
                DROP INDEX IF EXISTS entries_source;
                CREATE TABLE IF NOT EXISTS totals(id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL, bytes INTEGER NOT NULL);
                INSERT OR IGNORE INTO totals(id, count, bytes) VALUES (1, 0, 0);
                CREATE TRIGGER IF NOT EXISTS entries_ai AFTER INSERT ON entries BEGIN
                    UPDATE totals SET count = count + 1, bytes = bytes + NEW.size WHERE id = 1; END;
                CREATE TRIGGER IF NOT EXISTS entries_ad AFTER DELETE ON entries BEGIN
                    UPDATE totals SET count = count - 1, bytes = bytes - OLD.size WHERE id = 1; END;
                CREATE TRIGGER IF NOT EXISTS entries_au AFTER UPDATE OF size ON entries BEGIN
                    UPDATE totals SET bytes = bytes - OLD.size + NEW.size WHERE id = 1; END;
                INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '1');
                """, tx);
            tx.Commit();
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            foreach (var c in _prepared.Values) c.Dispose();
            _prepared.Clear();
        }
        _db.Dispose();
    }
}
