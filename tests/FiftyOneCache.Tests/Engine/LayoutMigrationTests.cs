using System.Security.Cryptography;
using FiftyOneCache.Engine.Cache;
using FiftyOneCache.Engine.Configuration;
using FiftyOneCache.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit;

namespace FiftyOneCache.Tests.Engine;

/// <summary>
/// A cache written by the previous version (store directories at the top, index rows without media/) is moved to
/// FiftyOne's layout in place. The old cache is built here exactly as that version wrote it: the same index schema
/// (CacheIndex creates it; only the meta 'layout' key is new), rows with the old relative paths, files beside
/// .fiftyonecache/.
/// </summary>
public class LayoutMigrationTests
{
    sealed record OldFile(string OldRel, string Source, byte[] Bytes, string? ETag, long LastAccess);

    sealed class OldCache : IDisposable
    {
        readonly TempDir _dir = new("foc-migrate");
        public string CacheDir => _dir.Sub("cache");
        public List<OldFile> Files { get; } = new();
        public CacheConfig Config => new() { CacheDir = CacheDir, CacheSizeBytes = 1L << 30, NumWorkers = 2 };

        public OldCache(params (string OldRel, string Source)[] files)
        {
            var meta = Path.Combine(CacheDir, ".fiftyonecache");
            Directory.CreateDirectory(meta);
            var t = 1_600_000_000_000L;
            foreach (var (rel, source) in files)
            {
                var bytes = RandomNumberGenerator.GetBytes(1000 + Files.Count * 37);
                Files.Add(new OldFile(rel, source, bytes, $"\"etag-{Files.Count}\"", t += 1000));
                var full = Path.Combine(CacheDir, rel);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllBytes(full, bytes);
            }
            using (new CacheIndex(Path.Combine(meta, "index.db"))) { } // the schema the previous version created
            using var db = Open();
            foreach (var f in Files)
            {
                using var cmd = db.CreateCommand();
                cmd.CommandText = """
                    INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
                    VALUES ($p, $s, $z, $e, 'crc32c:1234', $t, $t, 1)
                    """;
                cmd.Parameters.AddWithValue("$p", f.OldRel);
                cmd.Parameters.AddWithValue("$s", f.Source);
                cmd.Parameters.AddWithValue("$z", f.Bytes.Length);
                cmd.Parameters.AddWithValue("$e", f.ETag);
                cmd.Parameters.AddWithValue("$t", f.LastAccess);
                cmd.ExecuteNonQuery();
            }
        }

        public SqliteConnection Open()
        {
            var c = new SqliteConnection($"Data Source={Path.Combine(CacheDir, ".fiftyonecache", "index.db")};Pooling=False");
            c.Open();
            return c;
        }

        public string? Meta(string key)
        {
            using var db = Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }

        /// <summary>Every file is at media/&lt;old path&gt;, byte for byte, with its row, size, ETag, checksum and last access kept.</summary>
        public void AssertMigrated(MediaCache cache)
        {
            foreach (var store in new[] { "s3", "gs", "minio", "http", "https" })
                Assert.False(Directory.Exists(Path.Combine(CacheDir, store)), $"{store}/ is still at the top of the cache");
            foreach (var f in Files)
            {
                var rel = "media/" + f.OldRel;
                Assert.Equal(f.Bytes, File.ReadAllBytes(Path.Combine(CacheDir, rel)));
                Assert.Null(cache.Index.Get(f.OldRel));
                var e = cache.Index.Get(rel);
                Assert.NotNull(e);
                Assert.Equal(IndexEntry.Complete, e!.State);
                Assert.Equal(f.Source, e.Source);
                Assert.Equal(f.Bytes.Length, e.Size);
                Assert.Equal(f.ETag, e.ETag);
                Assert.Equal("crc32c:1234", e.Checksum);
                Assert.Equal(f.LastAccess, e.LastAccessMs);
            }
            Assert.Equal(Files.Count, cache.Index.Totals().Count);
            Assert.Equal(Files.Sum(f => (long)f.Bytes.Length), cache.Index.Totals().Bytes);
            Assert.Equal(LayoutMigration.CurrentLayout, Meta(LayoutMigration.LayoutKey));
            Assert.Null(Meta(LayoutMigration.JournalKey));
            Assert.True(cache.Verify(false).Healthy, string.Join("; ", cache.Verify(false).Problems));
        }

        public void Dispose() => _dir.Dispose();
    }

    static OldCache TypicalOldCache() => new(
        ("s3/voxel51-test/images/000001.jpg", "s3://voxel51-test/images/000001.jpg"),
        ("s3/voxel51-test/images/000002.jpg", "s3://voxel51-test/images/000002.jpg"),
        ("gs/gbucket/a/b.png", "gs://gbucket/a/b.png"),
        ("minio/mbucket/k.bin", "minio://mbucket/k.bin"),
        ("https/example.com_8443/dir/%index", "https://example.com:8443/dir/"),
        ("http/example.com/x%25y.jpg", "http://example.com/x%25y.jpg"));

    [Fact]
    public void AnOldCacheMovesToFiftyOnesLayoutWithItsIndexRowsKept()
    {
        using var old = TypicalOldCache();
        using var cache = MediaCache.Open(old.Config);
        old.AssertMigrated(cache);
        // Cached by what the index says, without asking any store: nothing is fetched again.
        var parseable = old.Files.Where(f => !f.Source.StartsWith("minio:")).Select(f => f.Source).ToList(); // no MinIO alias is configured here
        var stats = cache.GetStats(parseable);
        Assert.Equal(parseable.Count, stats.CurrentCount);
        Assert.Equal(0, stats.MissingCount);
        Assert.Equal(Path.Combine(old.CacheDir, "media", "s3", "voxel51-test", "images", "000001.jpg"),
                     cache.LocalPathOf("s3://voxel51-test/images/000001.jpg"));
    }

    [Fact]
    public async Task AMigratedHttpFileIsServedFromTheCacheWithoutARequest()
    {
        using var h = new EngineHarness();
        var bytes = EngineHarness.Random(4321);
        var url = h.Serve("old.bin", bytes);
        var newRel = h.Cache.RelativePathOf(h.Cache.Parser.Parse(url));
        h.Cache.Dispose();
        // Rewrite the fresh cache as the previous version would have left it: file and row without media/.
        var oldRel = newRel["media/".Length..];
        var full = Path.Combine(h.Config.CacheDir, oldRel);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        using (var index = new CacheIndex(Path.Combine(h.Config.CacheDir, ".fiftyonecache", "index.db")))
        {
            index.Complete(oldRel, url, bytes.Length, "\"e\"", null);
            index.Meta.Set(new Dictionary<string, string?> { [LayoutMigration.LayoutKey] = null });
        }
        h.Reopen();
        var r = (await h.Run(new[] { url })).Single();
        Assert.Equal(ItemStatus.Cached, r.Status);
        Assert.Equal(Path.Combine(h.Config.CacheDir, newRel), r.LocalPath);
        Assert.Equal(0, await h.Requests("old.bin"));
    }

    [Fact]
    public void ASecondOpenIsANoOp()
    {
        using var old = TypicalOldCache();
        using (MediaCache.Open(old.Config)) { }
        var lastWrite = File.GetLastWriteTimeUtc(Path.Combine(old.CacheDir, "media", "s3"));
        // A stray old-style directory would be moved again; none appears, so the second open leaves media/ alone.
        using var cache = MediaCache.Open(old.Config);
        Assert.False(new LayoutMigration(old.CacheDir, cache.Index).IsNeeded());
        Assert.Equal(lastWrite, File.GetLastWriteTimeUtc(Path.Combine(old.CacheDir, "media", "s3")));
        old.AssertMigrated(cache);
    }

    [Theory]
    [InlineData(1)] // crashed after the index rewrite, before any file moved
    [InlineData(2)] // crashed after one store directory moved
    [InlineData(3)] // crashed after every directory moved, before the journal was cleared
    public void AMigrationInterruptedAtAnyStepIsFinishedByTheNextOpen(int stepsDone)
    {
        using var old = TypicalOldCache();
        using (var index = new CacheIndex(Path.Combine(old.CacheDir, ".fiftyonecache", "index.db")))
        {
            var m = new LayoutMigration(old.CacheDir, index);
            m.RewriteIndex();
            if (stepsDone >= 2) m.MoveStoreDirectory("s3");
            if (stepsDone >= 3) foreach (var s in new[] { "gs", "minio", "http", "https" }) m.MoveStoreDirectory(s);
        }
        Assert.Equal("moving-files", old.Meta(LayoutMigration.JournalKey));
        using var cache = MediaCache.Open(old.Config);
        old.AssertMigrated(cache);
    }

    [Fact]
    public void FilesAnOlderVersionWroteAfterTheMigrationJoinTheNewLayout()
    {
        using var old = TypicalOldCache();
        using (MediaCache.Open(old.Config)) { }
        // An older version run again (a downgrade) writes s3/... with an old-style row; a file it wrote twice stays once.
        var extra = RandomNumberGenerator.GetBytes(77);
        Directory.CreateDirectory(Path.Combine(old.CacheDir, "s3", "voxel51-test", "images"));
        File.WriteAllBytes(Path.Combine(old.CacheDir, "s3", "voxel51-test", "images", "late.jpg"), extra);
        File.WriteAllBytes(Path.Combine(old.CacheDir, "s3", "voxel51-test", "images", "000001.jpg"), new byte[] { 1, 2, 3 });
        using (var db = old.Open())
        {
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                INSERT INTO entries(path, source, size, etag, checksum, last_access, created, state)
                VALUES ('s3/voxel51-test/images/late.jpg', 's3://voxel51-test/images/late.jpg', 77, NULL, NULL, 5, 5, 1),
                       ('s3/voxel51-test/images/000001.jpg', 's3://voxel51-test/images/000001.jpg', 3, NULL, NULL, 5, 5, 1)
                """;
            cmd.ExecuteNonQuery();
        }
        old.Files.Add(new OldFile("s3/voxel51-test/images/late.jpg", "s3://voxel51-test/images/late.jpg", extra, null, 5));
        using var cache = MediaCache.Open(old.Config);
        Assert.Equal(extra, File.ReadAllBytes(Path.Combine(old.CacheDir, "media", "s3", "voxel51-test", "images", "late.jpg")));
        Assert.Equal(old.Files[0].Bytes, File.ReadAllBytes(Path.Combine(old.CacheDir, "media", "s3", "voxel51-test", "images", "000001.jpg")));
        Assert.Equal(old.Files[0].ETag, cache.Index.Get("media/s3/voxel51-test/images/000001.jpg")!.ETag);
        Assert.Equal(old.Files.Count, cache.Index.Totals().Count);
        Assert.True(cache.Verify(false).Healthy, string.Join("; ", cache.Verify(false).Problems));
    }

    [Fact]
    public async Task AProcessOpeningDuringAMigrationWaitsForItAndThenSeesTheNewLayout()
    {
        using var old = TypicalOldCache();
        // This test plays the migrating process: it holds the layout lock (a flock, as another process would)
        // while it moves the files step by step; the cache opened meanwhile must wait, then find media/ complete.
        var held = await LayoutMigration.LockFor(old.CacheDir).AcquireAsync(CancellationToken.None);
        var opening = Task.Run(() => MediaCache.Open(old.Config));
        await Task.Delay(700);
        Assert.False(opening.IsCompleted, "the cache opened while another process held the layout lock");
        using (var index = new CacheIndex(Path.Combine(old.CacheDir, ".fiftyonecache", "index.db")))
        {
            var m = new LayoutMigration(old.CacheDir, index);
            m.RewriteIndex();
            foreach (var s in new[] { "s3", "gs", "minio", "http", "https" }) m.MoveStoreDirectory(s);
            m.Finish();
        }
        await Task.Delay(300);
        Assert.False(opening.IsCompleted);
        held.Dispose();
        using var cache = await opening.WaitAsync(TimeSpan.FromSeconds(30));
        old.AssertMigrated(cache);
    }
}
