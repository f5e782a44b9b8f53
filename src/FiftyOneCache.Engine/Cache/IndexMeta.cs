namespace FiftyOneCache.Engine.Cache;

/// <summary>The index's meta table: small facts about the cache as a whole (layout version, migration journal).</summary>
public sealed class IndexMeta
{
    readonly IndexDatabase _sql;

    internal IndexMeta(IndexDatabase sql) => _sql = sql;

    public string? Get(string key)
    {
        lock (_sql.Gate)
        {
            using var cmd = _sql.Command("SELECT value FROM meta WHERE key = $k");
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }
    }

    /// <summary>Sets (or, for a null value, deletes) meta keys in one transaction.</summary>
    public void Set(IReadOnlyDictionary<string, string?> values)
    {
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: false);
            WriteMeta(values, tx);
            tx.Commit();
        }
    }

    /// <summary>
    /// Puts <paramref name="prefix"/> in front of every path that does not start with it and writes
    /// <paramref name="meta"/>, in one transaction: the rows and the journal that says they moved commit together.
    /// </summary>
    public int PrefixPaths(string prefix, IReadOnlyDictionary<string, string?> meta)
    {
        lock (_sql.Gate)
        {
            using var tx = _sql.Begin(deferred: false);
            // A row already at the prefixed path (written there by a newer process) wins over the old one; deleting
            // the old one first keeps the primary key unique and lets the delete trigger keep the totals right.
            using (var drop = _sql.Command("""
                DELETE FROM entries WHERE substr(path, 1, length($p)) <> $p
                    AND EXISTS (SELECT 1 FROM entries AS n WHERE n.path = $p || entries.path)
                """, tx))
            {
                drop.Parameters.AddWithValue("$p", prefix);
                drop.ExecuteNonQuery();
            }
            using var cmd = _sql.Command("UPDATE entries SET path = $p || path WHERE substr(path, 1, length($p)) <> $p", tx);
            cmd.Parameters.AddWithValue("$p", prefix);
            var n = cmd.ExecuteNonQuery();
            WriteMeta(meta, tx);
            tx.Commit();
            return n;
        }
    }

    void WriteMeta(IReadOnlyDictionary<string, string?> values, Microsoft.Data.Sqlite.SqliteTransaction tx)
    {
        foreach (var (k, v) in values)
        {
            using var cmd = _sql.Command(v is null ? "DELETE FROM meta WHERE key = $k"
                                          : "INSERT INTO meta(key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value", tx);
            cmd.Parameters.AddWithValue("$k", k);
            if (v is not null) cmd.Parameters.AddWithValue("$v", v);
            cmd.ExecuteNonQuery();
        }
    }
}
